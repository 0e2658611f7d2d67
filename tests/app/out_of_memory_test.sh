#!/usr/bin/env bash
# A run that exhausts memory (here a room whose queue only grows, under a 1 GB address-space
# limit) ends with exit 71 and a message that says so and why, not "internal error:
# std::bad_alloc", and leaves no trace that looks complete.
# Usage: out_of_memory_test.sh CIRCLESIM
set -u
circlesim=$1
scenario="$(cd "$(dirname "$0")" && pwd)/../data/yaml/overloaded-room.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(
  ulimit -v 1000000
  timeout 300 "$circlesim" run "$scenario" -o "$work/out" >"$work/stdout" 2>"$work/stderr"
)
code=$?
[[ $code -eq 71 ]] || { echo "FAIL: exit $code, expected 71: $(cat "$work/stderr")" >&2; exit 1; }
grep -q "out of memory" "$work/stderr" || { echo "FAIL: no 'out of memory' in: $(cat "$work/stderr")" >&2; exit 1; }
if grep -q "internal error" "$work/stderr"; then
  echo "FAIL: reported as an internal error: $(cat "$work/stderr")" >&2
  exit 1
fi
if find "$work/out" -name '*.h5' | grep -q .; then
  echo "FAIL: a complete-looking trace was left: $(find "$work/out" -name '*.h5')" >&2
  exit 1
fi
echo "out of memory: all checks passed"
