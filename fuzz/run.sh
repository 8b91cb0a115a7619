#!/bin/sh
# Builds a libFuzzer target into .build-fuzz/TARGET and runs it for SECONDS.
#   fuzz/run.sh ScriptParser 60
# fuzz/TARGET/main.swift holds the entry point; fuzz/TARGET/sources lists the source files
# (globs relative to the repository) compiled with it; fuzz/TARGET/corpus holds seeds.
# Crashes are written to .build-fuzz/TARGET/crash-*; the run fails if one is found.
set -eu
TARGET=${1:?usage: fuzz/run.sh TARGET SECONDS}
TIME=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="$ROOT/fuzz/$TARGET"
OUT="$ROOT/.build-fuzz/$TARGET"
[ -f "$DIR/main.swift" ] || { echo "no fuzz target $DIR/main.swift" >&2; exit 2; }
mkdir -p "$OUT/corpus"
SOURCES=""
while IFS= read -r pattern; do
    [ -n "$pattern" ] || continue
    for f in $ROOT/$pattern; do SOURCES="$SOURCES $f"; done
done < "$DIR/sources"
# shellcheck disable=SC2086
swiftc -parse-as-library -sanitize=fuzzer,address -O -g -use-ld=lld -module-name "Fuzz$TARGET" \
    $SOURCES "$DIR/main.swift" -o "$OUT/fuzzer"
SWIFT_BACKTRACE=enable=no "$OUT/fuzzer" -max_total_time="$TIME" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$OUT/" -print_final_stats=1 "$OUT/corpus" "$DIR/corpus"
