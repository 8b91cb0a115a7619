#!/usr/bin/env bash
# Runs the Swift tests of the kernel, the language and the engine under AddressSanitizer and
# ThreadSanitizer (each a separate debug build: .build-asan, .build-tsan).
#   scripts/sanitizers.sh [address] [thread]      (default: both)
# Which suites: ASAN_FILTER / TSAN_FILTER (swift test --filter regexes), defaults below.
# TSan suppressions: scripts/tsan.supp (see the comments there for why each entry exists).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(address thread)
asan_filter=${ASAN_FILTER:-"MorphKernelTests|MorphScriptTests|MorphEngineTests|MorphJSONTests"}
tsan_filter=${TSAN_FILTER:-"MorphKernelTests|MorphScriptTests|MorphEngineTests"}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
failed=()
for kind in "${kinds[@]}"; do
  case "$kind" in
    address) scratch=.build-asan; filter=$asan_filter
             export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=0:abort_on_error=1"} ;;
    thread)  scratch=.build-tsan; filter=$tsan_filter
             export TSAN_OPTIONS=${TSAN_OPTIONS:-"halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/tsan.supp"} ;;
    *) echo "sanitizers: unknown kind $kind (address or thread)" >&2; exit 2 ;;
  esac
  mkdir -p "$root/$scratch"; started=$(date +%s)
  echo "sanitizers: $kind: swift test --sanitize=$kind --filter '$filter' (scratch $scratch)" >&2
  if swift test --scratch-path "$scratch" --sanitize="$kind" --filter "$filter" 2>&1 | tee "$root/$scratch/sanitizer.log" \
       | grep -E "^(✔|✘) Test run|error:|WARNING: ThreadSanitizer|ERROR: AddressSanitizer|SUMMARY:"; then :; fi
  rc=${PIPESTATUS[0]}
  echo "sanitizers: $kind: exit $rc after $(( $(date +%s) - started )) s (log: $scratch/sanitizer.log)" >&2
  [ "$rc" -eq 0 ] || failed+=("$kind")
done
if [ ${#failed[@]} -gt 0 ]; then echo "sanitizers: FAILED: ${failed[*]}" >&2; exit 1; fi
echo "sanitizers: ${kinds[*]}: clean" >&2
