#!/usr/bin/env bash
# Runs the KVM backend's @Tag("rig") tests inside ../shared/rig/kvm-rig (real KVM in a TCG VM).
# Maven is slow inside the rig, so this compiles on the host with Maven and runs JUnit inside with plain java.
#   scripts/rig/run-rig-tests.sh [--full] [TEST_CLASS_OR_PACKAGE_OR_METHOD...]
#   (default: every @Tag("rig") test in io.ktstr4j.vmm.kvm and io.ktstr4j.pipeline, except those also tagged "full";
#   --full runs those too: scripts/test.sh --full)
# The selected tests are listed as entries (one per test method; one per class whose tests share one instance,
# @TestInstance(PER_CLASS), so its methods share one VM) and all of them run in ONE rig, in one JVM, one after another:
# RigRunner prints "RIG-TEST START k ENTRY" and "RIG-TEST END k STATUS ... ENTRY :: reason" around each entry. The rig
# has faults of its own that end that JVM: it freezes outright (no output at all until its timeout; seen in CI), it
# resets (a triple fault of the rig's own guest: kvm-rig exits 125), or the JVM inside crashes (unpinned, it crashed at
# start-up with SIGILL in JIT code). Then a new rig runs only the entries that did not end; the entry that was running
# (or, when none was, the first one left) is charged one attempt. An entry charged twice is reported ABORTED with the
# reason when its rig froze, timed out or failed (not passed, not failed), and FAILED when the JVM crashed both times
# (it may be this project's JNA calls). An entry whose JVM exited by itself in mid-entry fails at once. A failed test
# stays failed, whatever happened to the rig afterwards.
# The stage fails when any test fails, or when no test passed at all (nothing was verified).
# Logs: vmm/kvm/$BUILD_DIR/rig-logs/: rig.N.log (the console of the Nth rig), CLASS.METHOD.RUN.log (that entry's part of
# it, RUN counting the rigs it started in), CLASS.METHOD.rigN.hs_err.log (the JVM's report when it crashed in rig N
# while that entry was running or about to run).
# Env: RIG (path to kvm-rig), RIG_TIMEOUT (seconds per entry, from its start; default 900; an entry running longer
# stops its rig and counts as a timeout), RIG_FROZEN_SECONDS (a rig whose console is silent this long is frozen and
# stopped, default 90; RigRunner prints "RIG ALIVE" every 15 s), RIG_BUDGET (seconds for the whole stage, default 2400;
# entries left when it is spent are reported NOT RUN), RIG_CPUS (default 2), BUILD_DIR (default target-kvm), RIG_PIN
# (rig CPUs the JVM runs on; default the last one; empty: no pinning. Pinned, no two vCPUs run on different rig CPUs at
# once: nested KVM under multi-threaded TCG resets many-vCPU guests otherwise, docs/vmm.md), RIG_JAVA_OPTS (extra JVM
# options inside, e.g. -Dktstr.rig.topologies=numa2-4llc; -Drig.heartbeatSeconds=0 turns the heartbeat off, so with a
# low RIG_FROZEN_SECONDS a quiet test "freezes": how the freeze handling is tested), RIG_ENV (variables passed into the
# rig, as kvm-rig's; KTSTR4J_KERNEL and KTSTR4J_ROOT are added when set). RIG=scripts/rig/fake-kvm-rig tests this
# script's bookkeeping on the host in seconds (a frozen or crashed rig at a chosen entry; see that file).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rig=${RIG:-$root/../shared/rig/kvm-rig}
build=${BUILD_DIR:-target-kvm}
cd "$root"
tags='rig & !full' # a JUnit tag expression
if [ "${1:-}" = --full ]; then tags=rig; shift; fi
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
d=0
seen=
entries=()
for m in "${modules[@]}"; do entries+=("$root/$m/$build/test-classes" "$root/$m/$build/classes"); done
for m in "${modules[@]}"; do entries+=($(tr ':' ' ' < "$root/$m/$build/classpath.txt")); done
for e in "${entries[@]}" "$launcher"; do
  if [ -d "$e" ]; then
    case " $seen " in *" $e "*) continue ;; esac
    seen="$seen $e"
    d=$((d + 1)); cp -r "$e" "$snap/dirs/$d"; CP="$CP:$snap/dirs/$d"
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
# one entry per test method, e.g. io.ktstr4j.vmm.kvm.KvmRigTest#guestSeesTheDeclaredTopology(java.lang.String), or per
# PER_CLASS class
mapfile -t methods < <(java -cp "$CP" "$runner" --list "$tags" "${selectors[@]}")
[ ${#methods[@]} -gt 0 ] || { echo "run-rig-tests: no test matching \"$tags\" in ${selectors[*]}" >&2; exit 1; }

# The rig sometimes stops running anything: its QEMU falls idle with the command inside still waiting, or the rig CPU
# the JVM is pinned to stays in the nested guest, both until the timeout. RigRunner prints "RIG ALIVE" every 15 s, so a
# rig whose console stays silent for RIG_FROZEN_SECONDS is frozen and is stopped early (kvm-rig then exits 125). An
# entry running longer than RIG_TIMEOUT stops its rig too.
frozen_after=${RIG_FROZEN_SECONDS:-90}
pin=${RIG_PIN-$(( ${RIG_CPUS:-2} - 1 ))} # the last rig CPU
budget=${RIG_BUDGET:-2400}
per=${RIG_TIMEOUT:-900}
logdir=$out/rig-logs
rm -rf "$logdir"; mkdir -p "$logdir"
export RIG_ENV="${RIG_ENV:-JAVA_HOME PATH HOME MAVEN_OPTS LANG CI} KTSTR4J_KERNEL KTSTR4J_ROOT"
rigpid=
trap '[ -z "$rigpid" ] || stop_rig "$rigpid"' EXIT # stopped or interrupted: take the running rig down too
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
stop_rig() { # PID: ends the rig's QEMU (kvm-rig then exits 125)
  local d qemus=()
  for d in $(descendants "$1"); do [ "$(cat "/proc/$d/comm" 2>/dev/null)" = qemu-system-x86 ] && qemus+=("$d"); done
  [ ${#qemus[@]} -gt 0 ] || return 0
  kill "${qemus[@]}" 2>/dev/null || true; kill -CONT "${qemus[@]}" 2>/dev/null || true
  sleep 5
  kill -KILL "${qemus[@]}" 2>/dev/null || true
}
watch_rig() { # PID LOG
  local size=-1 now quiet=0 starts=0 s e since=$SECONDS
  while kill -0 "$1" 2>/dev/null; do
    sleep 10
    now=$(stat -c %s "$2" 2>/dev/null || echo 0)
    if [ "$now" = "$size" ]; then quiet=$((quiet + 10)); else quiet=0; fi
    size=$now
    s=$(grep -a -c 'RIG-TEST START ' "$2" || true); e=$(grep -a -c 'RIG-TEST END ' "$2" || true)
    if [ "$s" != "$starts" ]; then starts=$s; since=$SECONDS; fi
    if [ "$quiet" -ge "$frozen_after" ]; then
      echo "its console was silent for ${quiet} s (no RIG ALIVE; RIG_FROZEN_SECONDS=$frozen_after), so it was stopped" \
        > "$logdir/frozen"
      echo "run-rig-tests: the rig is frozen ($(cat "$logdir/frozen"))" >&2
      stop_rig "$1"; return 0
    fi
    if [ "$s" -gt "$e" ] && [ $(( SECONDS - since )) -ge "$per" ]; then
      echo "the entry ran for more than ${per} s (RIG_TIMEOUT), so its rig was stopped" > "$logdir/timedout"
      echo "run-rig-tests: $(cat "$logdir/timedout")" >&2
      stop_rig "$1"; return 0
    fi
  done
}

n=${#methods[@]}
names=(); results=(); faults=(); runs=(); notes=()
for ((i = 0; i < n; i++)); do
  m=${methods[i]}; c=${m%%#*}; c=${c##*.}
  if [[ $m == *"#"* ]]; then x=${m#*#}; names[i]=$c.${x%%(*}; else names[i]=$c; fi # a method, or a PER_CLASS class
  results[i]=; faults[i]=0; runs[i]=0; notes[i]=
done
pending=($(seq 0 $((n - 1))))
passed=0; failed=(); boots=0
start=$SECONDS
while [ ${#pending[@]} -gt 0 ]; do
  left=$(( budget - (SECONDS - start) ))
  if [ "$left" -lt 60 ]; then
    for i in "${pending[@]}"; do results[i]="NOT RUN (the stage's ${budget} s budget, RIG_BUDGET, is spent)"; done
    break
  fi
  boots=$((boots + 1))
  log=$logdir/rig.$boots.log
  sel=(); for i in "${pending[@]}"; do sel+=("${methods[i]}"); done
  echo "run-rig-tests: rig $boots: ${#sel[@]} of $n entries (${per} s each at most, ${left} s left of RIG_BUDGET)" >&2
  rm -f "$logdir/frozen" "$logdir/timedout"
  : > "$log" # before tail -f looks for it
  # ("RIG BOOTED" first: the JVM takes up to a minute to print its first heartbeat on a busy host, and the rig's boot
  # is silent too.)
  # shellcheck disable=SC2086
  "$rig" --timeout "$left" --cpus "${RIG_CPUS:-2}" -- sh -c 'echo "RIG BOOTED"; exec "$@"' sh \
    ${pin:+taskset -c "$pin"} java -Xss2m -XX:ErrorFile="$logdir/hs_err.rig$boots.%p.log" ${RIG_JAVA_OPTS:-} \
    -cp "$CP" "$runner" "$tags" "${sel[@]}" > "$log" 2>&1 &
  rigpid=$!
  tail -n +1 -f --pid="$rigpid" "$log" | grep -a --line-buffered -v 'RIG ALIVE' &
  watch_rig "$rigpid" "$log" &
  watcher=$!
  set +e
  wait "$rigpid"
  rc=$?
  set -e
  kill "$watcher" 2>/dev/null || true
  wait 2>/dev/null || true
  # Which entries ended, and which one was running. (The rig's console may put escape sequences before a line, so no ^
  # anchors; "END 1 " does not match "END 12 ".)
  running=; left_over=()
  for ((k = 1; k <= ${#sel[@]}; k++)); do
    i=${pending[k - 1]}
    grep -a -q "RIG-TEST START $k " "$log" || { left_over+=("$i"); continue; }
    runs[i]=$(( runs[i] + 1 ))
    elog=$logdir/${names[i]}.${runs[i]}.log
    awk -v a="RIG-TEST START $k " -v b="RIG-TEST END $k " 'index($0, a) { on = 1 } on { print } on && index($0, b) { exit }' \
      "$log" > "$elog"
    end=$(grep -a -m1 -o "RIG-TEST END $k .*" "$log" || true)
    end=${end%$'\r'}
    if [ -z "$end" ]; then running=$i; left_over+=("$i"); continue; fi
    read -r _ _ _ status counts <<< "$end"
    why=; [[ $end == *" :: "* ]] && why=${end#* :: }
    case $status in
      PASSED)
        count() { grep -o "$1=[0-9]*" <<< "$counts" | head -1 | cut -d= -f2; }
        extra=$(( $(count aborted) + $(count skipped) ))
        results[i]="PASSED ($(count passed) passed"
        [ "$extra" = 0 ] || results[i]="${results[i]}, $extra aborted or skipped: see $elog"
        results[i]="${results[i]})"
        passed=$((passed + 1)) ;;
      ABORTED) results[i]="ABORTED (${why:-no reason given}; see $elog)" ;;
      *) results[i]="FAILED (${why:-no reason given}; see $elog)" ;;
    esac
    [ -z "${notes[i]}" ] || results[i]="${results[i]} [${notes[i]}]"
  done
  pending=("${left_over[@]}")
  [ ${#pending[@]} -gt 0 ] || break
  # The rig ended before every entry did. Why:
  kind=rig
  if [ -f "$logdir/frozen" ]; then why="the rig froze: $(cat "$logdir/frozen")"
  elif [ -f "$logdir/timedout" ]; then why=$(cat "$logdir/timedout")
  elif grep -a -q 'A fatal error has been detected by the Java Runtime Environment' "$log"; then
    kind=crash
    why="the JVM crashed: $(grep -a -m1 -o 'S[A-Z]* (0x[0-9a-f]*) at pc=[0-9a-fx]*' "$log" || echo '(no signal line)')"
  elif [ "$rc" = 124 ]; then why="the rig timed out after ${left} s (the rest of RIG_BUDGET)"
  elif [ "$rc" = 125 ]; then why="the rig itself failed (125: it reset, or did not start; $(wc -l < "$log") console lines)"
  else kind=other; why="the JVM exited with $rc before the entry ended"
  fi
  if [ -z "$running" ] && [ "$kind" = other ]; then
    # RigRunner itself is broken (no entry started): another rig would go the same way.
    for i in "${pending[@]}"; do results[i]="FAILED (rig $boots: $why, before any test started; see $log)"; done
    break
  fi
  # The entry that was running is charged; when none was (the JVM crashed or the rig froze before the first one
  # started), the one that was about to run is.
  v=${running:-${pending[0]}}
  faults[v]=$(( faults[v] + 1 ))
  vlog=$logdir/${names[v]}.${runs[v]}.log; [ -n "$running" ] || vlog=$log
  if [ -n "$running" ] && grep -a -q 'RIG STALL' "$vlog"; then why="$why; the JVM was alive but stuck (thread dump in $vlog)"; fi
  for f in "$logdir"/hs_err.rig$boots.*.log; do # the JVM's crash report, kept per entry and run
    if [ -f "$f" ]; then mv "$f" "$logdir/${names[v]}.rig$boots.hs_err.log"; why="$why, see $logdir/${names[v]}.rig$boots.hs_err.log"; fi
  done
  [ -n "$running" ] || why="$why, before it started"
  if grep -a -q 'TEST FAILED ' "$vlog" && [ -n "$running" ]; then
    # a failed test stays failed, whatever happened to the rig afterwards
    results[v]="FAILED ($(grep -a -m1 -o 'TEST FAILED .*' "$vlog" | cut -c1-400); then $why; see $vlog)"
  elif [ "$kind" = other ]; then results[v]="FAILED (rig $boots: $why; see $vlog)"
  elif [ "${faults[v]}" -ge 2 ]; then
    [ "$kind" = crash ] && results[v]="FAILED (rig $boots: $why; ${notes[v]})" || results[v]="ABORTED (rig $boots: $why; ${notes[v]})"
  else
    notes[v]="rig $boots: $why"
    echo "run-rig-tests: ${names[v]}: rig $boots: ${why}; running it once more" >&2
    continue
  fi
  keep=(); for i in "${pending[@]}"; do [ "$i" = "$v" ] || keep+=("$i"); done; pending=("${keep[@]}")
done
rm -f "$logdir/frozen" "$logdir/timedout"
summary=()
for ((i = 0; i < n; i++)); do
  summary+=("${names[i]}: ${results[i]}")
  case ${results[i]} in FAILED*) failed+=("${names[i]}") ;; esac
done
echo "run-rig-tests: $n entries in $(( SECONDS - start )) s, $boots rig boots:" >&2
printf '  %s\n' "${summary[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then echo "run-rig-tests: FAILED: ${failed[*]}" >&2; exit 1; fi
if [ "$passed" = 0 ]; then echo "run-rig-tests: FAILED: no rig test passed, so nothing was verified" >&2; exit 1; fi
exit 0
