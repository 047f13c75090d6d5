#!/usr/bin/env bash
# Runs one benchmark's main() with the bench module's class path (built on first use).
#   bench/run.sh KafkaBench|RunBench|BackendBench|MonitorBench|StatsBench [ARGS...]
# With RIG=1 the benchmark runs inside ../shared/rig/kvm-rig (real KVM), e.g.
#   RIG=1 bench/run.sh BackendBench boot --backends kvm,qemu-kvm --vcpus 1,2,4 --boots 3
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
name=${1:?usage: bench/run.sh KafkaBench|RunBench|BackendBench|MonitorBench|StatsBench|GauntletBench [ARGS...]}
shift
cp="$root/bench/target/bench.classpath"
if [ ! -f "$cp" ] || [ -n "$(find "$root"/schemas "$root"/vmm "$root"/sink-kafka "$root"/pipeline "$root"/bench "$root"/pom.xml \( -path "*/src/*" -o -name pom.xml \) -not -path "*/target*/*" -newer "$cp" -type f -print -quit)" ]; then
  mvn -B -q -ntp install -DskipTests >&2
  mvn -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime >&2
fi
CP="$root/bench/target/classes:$(cat "$cp")"
if [ -n "${RIG:-}" ]; then
  # Snapshot the class path: a build on the host must not change jars under a (slow) rig run.
  snap=$(mktemp -d "$root/bench/target/rig-XXXX")
  mkdir -p "$snap/lib"
  cp -r "$root/bench/target/classes" "$snap/"
  SCP="$snap/classes"
  for j in $(tr ':' ' ' < "$cp"); do cp "$j" "$snap/lib/"; SCP="$SCP:$snap/lib/$(basename "$j")"; done
  # RIG_PIN=1: run on one rig CPU (nested KVM under multi-threaded TCG resets many-vCPU guests; docs/vmm.md)
  exec "$root/../shared/rig/kvm-rig" --timeout "${RIG_TIMEOUT:-3600}" --cpus "${RIG_CPUS:-2}" -- \
    ${RIG_PIN:+taskset -c "$RIG_PIN"} java -Xmx2g -cp "$SCP" "io.ktstr4j.bench.$name" "$@"
fi
exec java -Xmx2g -cp "$CP" "io.ktstr4j.bench.$name" "$@"
