#!/usr/bin/env bash
# Builds and runs Morph's libFuzzer targets, each for SECONDS, from its committed seed corpus.
#   scripts/fuzz.sh [SECONDS] [TARGET…]      (default: 60 s, every target)
# Targets (fuzz/<Target>/main.swift, compiled as one module with the files fuzz/<Target>/sources
# lists; the Wire target also links MorphJSON, built first as its own module):
#   Wire          the kernel's wire decoder (frames → message)
#   JSON          MorphJSON's parser
#   ScriptParser  MorphScript's lexer and parser 
#   IDX           IDX / IDX.gz / .npy / .npz readers
#   Checkpoint    the checkpoint reader
# Binaries and the growing corpus go to .build-fuzz/<Target>/; seeds stay in fuzz/<Target>/corpus.
# A crash (or leak, timeout, out-of-memory) is copied to fuzz/<Target>/crashes/ and the script
# fails; turn each into a regression test in the module's Swift tests, then delete the file.
# Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 …".
set -uo pipefail
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(Wire JSON ScriptParser IDX Checkpoint)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

sources_of() {  # the globs in fuzz/<Target>/sources, relative to the repository
  local list="$root/fuzz/$1/sources" pattern f out=""
  [ -f "$list" ] && [ -f "$root/fuzz/$1/main.swift" ] || return 1
  while IFS= read -r pattern; do
    [ -n "$pattern" ] || continue
    for f in $root/$pattern; do out="$out $f"; done
  done < "$list"
  echo "$out"
}

build() {  # target → binary path (rebuilt when any of its sources is newer)
  local target=$1 work="$root/.build-fuzz/$1" binary="$root/.build-fuzz/$1/fuzz-$1"
  local sources; sources=$(sources_of "$target") || { echo "unknown fuzz target $target (${all_targets[*]})" >&2; return 2; }
  mkdir -p "$work/corpus"
  # shellcheck disable=SC2086
  if [ ! -x "$binary" ] || [ -n "$(find "$root/fuzz/$target/main.swift" $sources -newer "$binary" 2>/dev/null)" ]; then
    echo "fuzz: building $target" >&2
    local modules=()
    if [ "$target" = Wire ]; then  # the wire code imports MorphJSON: build it as a module first
      mkdir -p "$work/modules"
      swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name MorphJSON \
        -emit-module -emit-module-path "$work/modules/MorphJSON.swiftmodule" -emit-library -static \
        -o "$work/modules/libMorphJSON.a" "$root"/Sources/MorphJSON/*.swift >&2 || return 2
      modules=(-I "$work/modules" -L "$work/modules" -lMorphJSON)
    fi
    # shellcheck disable=SC2086
    swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name "Fuzz$target" \
      -I "$root/Sources/CZlib" -I "$root/Sources/COpenSSL" "${modules[@]}" \
      "$root/fuzz/$target/main.swift" $sources -lz -lcrypto -o "$binary" 2>&1 | grep -v "ld.gold: warning: Cannot export" >&2
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 2
  fi
  echo "$binary"
}

failed=()
for target in "${targets[@]}"; do
  binary=$(build "$target") || { failed+=("$target (build)"); continue; }
  crashes="$root/fuzz/$target/crashes"
  mkdir -p "$crashes"
  log="$root/.build-fuzz/$target/last-run.log"
  echo "fuzz: $target for ${seconds}s" >&2
  # shellcheck disable=SC2086
  SWIFT_BACKTRACE=enable=no "$binary" "$root/.build-fuzz/$target/corpus" "$root/fuzz/$target/corpus" \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$crashes/" -print_final_stats=1 ${FUZZ_FLAGS:-} >"$log" 2>&1
  rc=$?
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|Done [0-9]+ runs" "$log" | sed "s/^/fuzz: $target: /" >&2
  if [ $rc -ne 0 ]; then
    echo "fuzz: $target FAILED (exit $rc); log: $log; inputs in $crashes/" >&2
    grep -E "ERROR|SUMMARY|Fatal error|Precondition" "$log" | head -5 >&2
    failed+=("$target")
  fi
  rmdir "$crashes" 2>/dev/null || true   # keep the folder only when it holds something
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${targets[*]}: no crash in ${seconds}s each" >&2
