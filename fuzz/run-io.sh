#!/bin/sh
# Builds and runs one libFuzzer target of the data readers for a given time.
#   fuzz/run-io.sh IDX|Checkpoint SECONDS [extra libFuzzer flags]
# Seeds: fuzz/TARGET/corpus (committed). New inputs go to .build-fuzz/TARGET/corpus;
# crashes to fuzz/TARGET/crashes (turn each into a regression test, then delete it).
set -eu
target=${1:?usage: fuzz/run-io.sh IDX|Checkpoint SECONDS}
seconds=${2:-60}
shift 2 || shift $#
root=$(cd "$(dirname "$0")/.." && pwd)
io="$root/Sources/MorphEngine/IO"
case "$target" in
  IDX) sources="$io/IDX.swift $io/NumPy.swift $io/NumPy+Archive.swift $io/Zlib.swift $io/FileBytes.swift
                $io/DataFileError.swift $io/NumericArray.swift $io/AtomicFile.swift" ;;
  Checkpoint) sources="$io/Checkpoint.swift $io/Digest.swift $io/FileBytes.swift $io/DataFileError.swift
                       $io/NumericArray.swift $io/AtomicFile.swift $root/Sources/MorphJSON/*.swift" ;;
  *) echo "unknown target $target (IDX or Checkpoint)" >&2; exit 2 ;;
esac
work="$root/.build-fuzz/$target"
mkdir -p "$work/corpus" "$root/fuzz/$target/crashes"
binary="$work/fuzz-$target"
# shellcheck disable=SC2086
swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name Fuzz$target \
  -I "$root/Sources/CZlib" -I "$root/Sources/COpenSSL" \
  "$root/fuzz/$target/main.swift" $sources -lz -lcrypto -o "$binary"
"$binary" "$work/corpus" "$root/fuzz/$target/corpus" \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$root/fuzz/$target/crashes/" -print_final_stats=1 "$@"
