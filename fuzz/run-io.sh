#!/bin/sh
# Kept for the io helper's habit: runs one data-reader target through scripts/fuzz.sh.
#   fuzz/run-io.sh IDX|Checkpoint SECONDS
exec "$(dirname "$0")/../scripts/fuzz.sh" "${2:-60}" "${1:?usage: fuzz/run-io.sh IDX|Checkpoint SECONDS}"
