#!/usr/bin/env bash
# Long fuzzing run of the whole pipeline in release mode (see tests/fuzz/harness.rs).
#   scripts/fuzz.sh [cases] [seed]      default: 10000 cases, seed 1
# Offending workbooks and documents are saved in fuzz-out/. If the process dies (an abort no handler can catch),
# the case that killed it is fuzz-out/current.* (its extension says what it was read as).
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example fuzz || exit 2
target/release/examples/fuzz "${1:-10000}" "${2:-1}"
code=$?
if [ $code -gt 1 ]; then
  echo "the fuzzer died (exit $code); the case that killed it: fuzz-out/current.* (.xlsx, .docx, .html or .pdf)" >&2
fi
exit $code
