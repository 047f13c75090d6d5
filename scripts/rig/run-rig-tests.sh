#!/usr/bin/env bash
# Runs the KVM backend's @Tag("rig") tests inside ../shared/rig/kvm-rig (real KVM in a TCG VM).
# Maven is slow inside the rig, so this compiles on the host with Maven and runs JUnit inside with plain java.
#   scripts/rig/run-rig-tests.sh [TEST_CLASS_OR_PACKAGE_OR_METHOD...]
#   (default: every @Tag("rig") test in io.ktstr4j.vmm.kvm and io.ktstr4j.pipeline)
# Each test method runs in a rig of its own: the rig sometimes freezes outright (no output at all until its timeout;
# seen in CI), and a frozen rig must cost one method, not the whole stage. A method whose rig times out is run once
# more; if that times out too it is reported ABORTED with the reason (not passed, not failed). A method whose JVM
# crashed is run once more and fails if it crashes again (unpinned, the JVM crashed at start-up with SIGILL in JIT code).
# The stage fails when any test fails, or when no test passed at all (nothing was verified).
# Env: RIG (path to kvm-rig), RIG_TIMEOUT (seconds per method, default 900), RIG_FROZEN_SECONDS (a rig whose console
# is silent this long is frozen and stopped, default 90), RIG_BUDGET (seconds for the whole stage,
# default 2400; methods left when it is spent are reported NOT RUN), RIG_CPUS (default 2), BUILD_DIR (default
# target-kvm), RIG_PIN (rig CPUs the JVM runs on; default the last one; empty: no pinning. Pinned, no two vCPUs run
# on different rig CPUs at once: nested KVM under multi-threaded TCG resets many-vCPU guests otherwise, docs/vmm.md),
# RIG_JAVA_OPTS (extra JVM options inside, e.g. -Dktstr.rig.topologies=numa2-4llc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rig=${RIG:-$root/../shared/rig/kvm-rig}
build=${BUILD_DIR:-target-kvm}
cd "$root"
# The rig tests live in vmm/kvm (the VMM itself, the agent on it) and pipeline/engine (whole runs on it), built in one
# reactor (-am) so they see this tree's classes, not whatever is installed in ~/.m2.
modules=(vmm/kvm pipeline/engine)
mvn -o -q -B -pl "$(IFS=,; echo "${modules[*]}")" -am -Dktstr.buildDir="$build" test-compile dependency:build-classpath \
  -Dmdep.outputFile="$build/classpath.txt" -Dmdep.includeScope=test
launcher=$(ls "$HOME"/.m2/repository/org/junit/platform/junit-platform-launcher/1.14.4/junit-platform-launcher-1.14.4.jar)
# Snapshot classes and jars: other modules reinstall into ~/.m2 while the (slow) rig runs.
out=$root/vmm/kvm/$build
snap=$out/rig-snapshot
rm -rf "$snap"; mkdir -p "$snap/lib" "$snap/dirs"
CP=
n=0
seen=
entries=()
for m in "${modules[@]}"; do entries+=("$root/$m/$build/test-classes" "$root/$m/$build/classes"); done
for m in "${modules[@]}"; do entries+=($(tr ':' ' ' < "$root/$m/$build/classpath.txt")); done
for e in "${entries[@]}" "$launcher"; do
  if [ -d "$e" ]; then
    case " $seen " in *" $e "*) continue ;; esac
    seen="$seen $e"
    n=$((n + 1)); cp -r "$e" "$snap/dirs/$n"; CP="$CP:$snap/dirs/$n"
  elif [ ! -f "$snap/lib/$(basename "$e")" ]; then
    cp "$e" "$snap/lib/"; CP="$CP:$snap/lib/$(basename "$e")"
  fi
done
CP=${CP#:}
# Compiled here: the source launcher (java RigRunner.java) spends tens of seconds in javac inside the rig, per method.
mkdir -p "$snap/runner"
javac -d "$snap/runner" -cp "$CP" "$root/scripts/rig/RigRunner.java"
CP="$snap/runner:$CP"
runner=RigRunner
selectors=("$@")
[ ${#selectors[@]} -gt 0 ] || selectors=(io.ktstr4j.vmm.kvm io.ktstr4j.pipeline)
# one line per test method, e.g. io.ktstr4j.vmm.kvm.KvmRigTest#guestSeesTheDeclaredTopology(java.lang.String)
mapfile -t methods < <(java -cp "$CP" "$runner" --list rig "${selectors[@]}")
[ ${#methods[@]} -gt 0 ] || { echo "run-rig-tests: no @Tag(\"rig\") test in ${selectors[*]}" >&2; exit 1; }

# The rig sometimes stops running anything: its QEMU falls idle with the command inside still waiting, or the rig CPU
# the JVM is pinned to stays in the nested guest, both until the timeout. RigRunner prints "RIG ALIVE" every 15 s, so a
# rig whose console stays silent for RIG_FROZEN_SECONDS is frozen and is stopped early (kvm-rig then exits 125).
frozen_after=${RIG_FROZEN_SECONDS:-90}
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
watch_rig() { # PID LOG
  local size=-1 now quiet=0 d
  while kill -0 "$1" 2>/dev/null; do
    sleep 10
    now=$(stat -c %s "$2" 2>/dev/null || echo 0)
    if [ "$now" = "$size" ]; then quiet=$((quiet + 10)); else quiet=0; fi
    size=$now
    if [ "$quiet" -ge "$frozen_after" ]; then
      echo "its console was silent for ${quiet} s (no RIG ALIVE; RIG_FROZEN_SECONDS=$frozen_after), so it was stopped" \
        > "$logdir/frozen"
      echo "run-rig-tests: the rig is frozen ($(cat "$logdir/frozen"))" >&2
      for d in $(descendants "$1"); do [ "$(cat "/proc/$d/comm" 2>/dev/null)" = qemu-system-x86 ] && kill "$d" 2>/dev/null; done
      return 0
    fi
  done
}

pin=${RIG_PIN-$(( ${RIG_CPUS:-2} - 1 ))} # the last rig CPU
budget=${RIG_BUDGET:-2400}
per=${RIG_TIMEOUT:-900}
logdir=$out/rig-logs
rm -rf "$logdir"; mkdir -p "$logdir"
passed=0; failed=(); summary=()
start=$SECONDS
for m in "${methods[@]}"; do
  name=${m#*#}; name=${name%%(*}; name=${name##*.} # a method, or a class listed whole (RigRunner.sharesOneInstance)
  result=
  for try in 1 2; do
    left=$(( budget - (SECONDS - start) ))
    if [ "$left" -lt 60 ]; then result="NOT RUN (the stage's ${budget} s budget, RIG_BUDGET, is spent)"; break; fi
    t=$(( per < left ? per : left ))
    log=$logdir/$name.$try.log
    echo "run-rig-tests: $name (attempt $try, timeout ${t} s)" >&2
    rm -f "$logdir/frozen"
    # shellcheck disable=SC2086
    "$rig" --timeout "$t" --cpus "${RIG_CPUS:-2}" -- \
      ${pin:+taskset -c "$pin"} java -Xss2m -XX:ErrorFile="$logdir/hs_err_%p.log" ${RIG_JAVA_OPTS:-} -cp "$CP" "$runner" rig "$m" > "$log" 2>&1 &
    rigpid=$!
    tail -n +1 -f --pid="$rigpid" "$log" | grep --line-buffered -v 'RIG ALIVE' &
    watch_rig "$rigpid" "$log" &
    watcher=$!
    set +e
    wait "$rigpid"
    rc=$?
    set -e
    kill "$watcher" 2>/dev/null || true
    wait 2>/dev/null || true
    # (the rig's console may put escape sequences before a line, so no ^ anchors)
    ok=$(grep -c 'TEST SUCCESSFUL ' "$log" || true)
    skipped=$(grep -c 'TEST \(ABORTED\|SKIPPED\) ' "$log" || true)
    if grep -q 'TEST FAILED ' "$log"; then
      # a failed test stays failed, whatever happened to the rig afterwards
      result="FAILED ($(grep -m1 -o 'TEST FAILED .*' "$log" | cut -c1-400); see $log)"; break
    elif [ "$rc" = 0 ] && [ "$ok" -gt 0 ]; then
      extra=; [ "$skipped" = 0 ] || extra=", $skipped aborted or skipped: see $log"
      result="PASSED ($ok passed$extra)"
      passed=$((passed + 1)); break
    elif [ "$rc" = 0 ] && [ "$skipped" -gt 0 ]; then
      result="ABORTED ($(grep -m1 -o 'TEST \(ABORTED\|SKIPPED\) .*' "$log" | cut -c1-400))"; break
    elif [ "$rc" = 124 ] || [ "$rc" = 125 ]; then
      # 124: the rig's timeout; 125: the rig itself failed. Neither says anything about the VMM: run it once more.
      why=$([ "$rc" = 124 ] && echo "the rig timed out after ${t} s" || echo "the rig itself failed (125)")
      [ -f "$logdir/frozen" ] && why="the rig froze: $(cat "$logdir/frozen")"
      if grep -q 'RIG STALL' "$log"; then why="$why; the JVM was alive but stuck (thread dump in $log)"
      elif [ ! -f "$logdir/frozen" ]; then why="$why; $(wc -l < "$log") lines of output"; fi
      result="ABORTED ($why)"
    elif grep -q 'A fatal error has been detected by the Java Runtime Environment' "$log"; then
      # The emulated CPU has crashed the JVM with SIGILL in JIT-compiled JDK code before any test code ran (seen
      # twice, unpinned, 4 s after start). Run once more; a second crash is a failure (it may be this project's JNA calls).
      result="FAILED (the JVM crashed in attempt $try: $(grep -m1 -o 'S[A-Z]* (0x[0-9a-f]*) at pc=[0-9a-fx]*' "$log"), see $logdir/hs_err_*.log)"
    else
      result="FAILED (exit $rc, see $log)"; break
    fi
    [ "$try" = 2 ] || echo "run-rig-tests: $name: ${result}; running it once more" >&2
  done
  summary+=("$name: $result")
  case $result in FAILED*) failed+=("$name") ;; esac
done
echo "run-rig-tests: ${#methods[@]} test methods in $(( SECONDS - start )) s:" >&2
printf '  %s\n' "${summary[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then echo "run-rig-tests: FAILED: ${failed[*]}" >&2; exit 1; fi
if [ "$passed" = 0 ]; then echo "run-rig-tests: FAILED: no rig test passed, so nothing was verified" >&2; exit 1; fi
exit 0
