#!/usr/bin/env bash
# Installs what ktstr4j needs on a fresh Debian/Ubuntu machine, then builds it (no tests).
# Idempotent: only missing packages are installed. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

# --kernel-build: also what `ktstr4j kernel build --debian` needs (Debian's kernel source, the build tools, LLVM 16
# for the example sched_ext schedulers); scripts/test.sh --full asks for it, its kernel build test needs them.
kernel_build=
[ "${1:-}" = --kernel-build ] && kernel_build=1

need=()
if [ -n "$kernel_build" ]; then
  ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1 || need+=(linux-source-6.12)
  for t in bison flex bc cpio; do command -v $t >/dev/null || need+=($t); done
  command -v pahole >/dev/null || need+=(dwarves)
  [ -f /usr/include/libelf.h ] || need+=(libelf-dev)
  [ -f /usr/include/zstd.h ] || need+=(libzstd-dev)
  [ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
  command -v clang-16 >/dev/null || need+=(clang-16 llvm-16 lld-16)
fi
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
command -v gcc >/dev/null || need+=(gcc)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
command -v zstd >/dev/null || need+=(zstd)
command -v file >/dev/null || need+=(file)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v pgrep >/dev/null || need+=(procps)       # the KVM rig tests watch their rig (run-rig-tests.sh)
command -v taskset >/dev/null || need+=(util-linux) # ... and pin its JVM
if [ ${#need[@]} -gt 0 ]; then
  echo "ktstr4j setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi

echo "ktstr4j setup: building (mvn install, tests skipped)" >&2
mvn -B -q -ntp install -DskipTests
echo "ktstr4j setup: done. Try: ./ktstr4j list" >&2
