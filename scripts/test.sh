#!/usr/bin/env bash
# The project's test command (README; .ci/run calls exactly this, without --full).
# Installs what is missing, then runs every test: unit tests, VM end-to-end tests under QEMU/TCG ("e2e"),
# tests against a real local Kafka broker ("kafka"), and -- where ../shared/rig/kvm-rig exists -- the Java KVM
# VMM's tests inside the rig ("rig"). Extra arguments go to Maven (e.g. -DexcludedGroups=e2e,rig,kafka,slow for the fast set).
#   scripts/test.sh [--full] [MAVEN_ARG...]
# --full also runs the heavy tier, the tests tagged "full" (long fuzzing, many-cycle leak tests, long outages, kernel
# builds: setup.sh --kernel-build installs what a kernel build needs), which every other run leaves out: Maven with -Pfull (the root pom appends "full" to excludedGroups otherwise),
# the rig stage with run-rig-tests.sh --full.
set -euo pipefail
cd "$(dirname "$0")/.."

full=
args=()
for a in "$@"; do
  if [ "$a" = --full ]; then full=1; else args+=("$a"); fi
done

scripts/setup.sh ${full:+--kernel-build}

echo "ktstr4j test: unit, e2e (QEMU/TCG) and kafka tests${full:+, with the full tier}" >&2
mvn -B -ntp verify -DexcludedGroups=rig ${full:+-Pfull} ${args[@]+"${args[@]}"}

if [ -x ../shared/rig/kvm-rig ] && [ -z "${KTSTR4J_SKIP_RIG:-}" ] && [ -x scripts/rig/run-rig-tests.sh ]; then
  echo "ktstr4j test: KVM VMM tests inside ../shared/rig/kvm-rig${full:+, with the full tier}" >&2
  scripts/rig/run-rig-tests.sh ${full:+--full}
else
  echo "ktstr4j test: SKIPPED the KVM rig tests (no ../shared/rig/kvm-rig, or KTSTR4J_SKIP_RIG set)" >&2
fi
