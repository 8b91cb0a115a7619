#!/usr/bin/env bash
# Builds and runs Morph's libFuzzer targets, each for SECONDS, from its committed seed corpus.
#   scripts/fuzz.sh [SECONDS] [TARGET…]      (default: 60 s, every target)
# Targets (fuzz/<Target>/main.swift, compiled as one module with the files fuzz/<Target>/sources
# lists, linked with the modules fuzz/<Target>/modules lists, in dependency order: each is built
# from Sources/<Module> once, into .build-fuzz/modules/, and again when its sources change):
#   Wire          the kernel's wire decoder (frames → message)
#   JSON          MorphJSON's parser
#   ScriptParser  MorphScript's lexer and parser 
#   IDX           IDX / IDX.gz / .npy / .npz readers
#   Checkpoint    the checkpoint reader
#   Cells         every builtin of a session called with extreme and malformed arguments
#   Archive       saved models with mutated definitions, arrays and state, checksum recomputed
# Binaries and the growing corpus go to .build-fuzz/<Target>/; seeds stay in fuzz/<Target>/corpus.
# A crash (or leak, timeout, out-of-memory) is copied to fuzz/<Target>/crashes/ and the script
# fails; turn each into a regression test in the module's Swift tests, then delete the file.
# Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 …". FUZZ_SEEDS_ONLY=1 starts from the committed seeds
# alone (a fresh scratch corpus instead of .build-fuzz/<Target>/corpus): the smoke run's inputs then
# do not depend on what earlier runs found, and its start-up stays short.
set -uo pipefail
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(Wire JSON ScriptParser IDX Checkpoint Cells Archive)
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

modules_dir="$root/.build-fuzz/modules"
c_includes=(-I "$root/Sources/CZlib" -I "$root/Sources/COpenSSL" -I "$root/Sources/CBLAS")

build_module() {  # Sources/<name> → .build-fuzz/modules/lib<name>.a (+ .swiftmodule or module map)
  local name=$1 force=$2 dir="$root/Sources/$1" library="$modules_dir/lib$1.a"
  [ -d "$dir" ] || { echo "fuzz: no module Sources/$name" >&2; return 2; }
  if [ "$force" = 0 ] && [ -f "$library" ] && [ -z "$(find "$dir" -newer "$library" -type f 2>/dev/null)" ]; then
    return 0
  fi
  echo "fuzz: building module $name" >&2
  mkdir -p "$modules_dir"
  if [ -n "$(find "$dir" -maxdepth 1 -name '*.c')" ]; then  # a C target: its headers under include/
    local objects=() c
    for c in "$dir"/*.c; do
      clang -O2 -g -fsanitize=address,fuzzer-no-link -I "$dir/include" -c "$c" -o "$modules_dir/$name-$(basename "$c" .c).o" || return 2
      objects+=("$modules_dir/$name-$(basename "$c" .c).o")
    done
    rm -f "$library"; ar rcs "$library" "${objects[@]}" || return 2
    mkdir -p "$modules_dir/$name"
    printf 'module %s {\n' "$name" >"$modules_dir/$name/module.modulemap"
    for c in "$dir"/include/*.h; do printf '    header "%s"\n' "$c" >>"$modules_dir/$name/module.modulemap"; done
    printf '    export *\n}\n' >>"$modules_dir/$name/module.modulemap"
    return 0
  fi
  local sources; mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
  swiftc -parse-as-library -swift-version 6 -sanitize=fuzzer,address -O -wmo -g -module-name "$name" \
    -I "$modules_dir" "${c_includes[@]}" $(module_maps) \
    -emit-module -emit-module-path "$modules_dir/$name.swiftmodule" -emit-library -static \
    -o "$library" "${sources[@]}" 2>&1 | grep -v "ld.gold: warning: Cannot export" >&2
  [ "${PIPESTATUS[0]}" -eq 0 ] || { rm -f "$library"; return 2; }
}

module_maps() {  # -I for every C module's generated module map
  local m
  for m in "$modules_dir"/*/module.modulemap; do [ -f "$m" ] && echo "-I $(dirname "$m")"; done
}

build() {  # target → binary path (rebuilt when any of its sources or modules is newer)
  local target=$1 work="$root/.build-fuzz/$1" binary="$root/.build-fuzz/$1/fuzz-$1"
  local sources; sources=$(sources_of "$target") || { echo "unknown fuzz target $target (${all_targets[*]})" >&2; return 2; }
  mkdir -p "$work/corpus"
  local modules=() links=() libraries=() name force=0
  [ -f "$root/fuzz/$target/modules" ] && mapfile -t modules < <(grep -v '^[[:space:]]*$' "$root/fuzz/$target/modules")
  for name in "${modules[@]}"; do
    local before; before=$(stat -c %Y "$modules_dir/lib$name.a" 2>/dev/null || echo 0)
    build_module "$name" "$force" || return 2
    # A rebuilt module changes the interface the later ones import: rebuild those too.
    [ "$(stat -c %Y "$modules_dir/lib$name.a")" != "$before" ] && force=1
    links=("-l$name" "${links[@]}")
    libraries+=("$modules_dir/lib$name.a")
  done
  # shellcheck disable=SC2086
  if [ "$force" = 1 ] || [ ! -x "$binary" ] || [ -n "$(find "$root/fuzz/$target/main.swift" $sources "${libraries[@]}" -newer "$binary" 2>/dev/null)" ]; then
    echo "fuzz: building $target" >&2
    # shellcheck disable=SC2086,SC2046
    swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name "Fuzz$target" \
      "${c_includes[@]}" -I "$modules_dir" -L "$modules_dir" $(module_maps) \
      "$root/fuzz/$target/main.swift" $sources "${links[@]}" -lopenblas -lz -lcrypto -o "$binary" 2>&1 \
      | grep -v "ld.gold: warning: Cannot export" >&2
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
  corpus="$root/.build-fuzz/$target/corpus"
  if [ -n "${FUZZ_SEEDS_ONLY:-}" ]; then
    corpus="$root/.build-fuzz/$target/scratch-corpus"
    rm -rf "$corpus"; mkdir -p "$corpus"
  fi
  SWIFT_BACKTRACE=enable=no "$binary" "$corpus" "$root/fuzz/$target/corpus" \
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
