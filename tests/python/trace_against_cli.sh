#!/usr/bin/env bash
# The Python reader on files the C++ side wrote: row counts and scalars against
# `circlesim inspect --json`, and the same seed giving identical traces with 1 and 2 threads.
# Usage: trace_against_cli.sh CIRCLESIM SCENARIO
set -euo pipefail
circlesim=$1
scenario=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { "$circlesim" run "$scenario" --replications 2 --set run.horizon=5d --trace-level events "$@" >/dev/null; }
run -o "$work/one" --jobs 1
run -o "$work/two" --jobs 2
"$circlesim" inspect "$work/one/baseline/rep-0001.h5" --json >"$work/inspect.json"

CIRCLESIM_TRACE_FILE="$work/one/baseline/rep-0001.h5" CIRCLESIM_TRACE_JSON="$work/inspect.json" \
  /usr/bin/python3 -m unittest discover -s "$here" -p 'test_*.py' -v
for rep in 0000 0001; do
  /usr/bin/python3 "$here/compare_traces.py" "$work/one/baseline/rep-$rep.h5" \
    "$work/two/baseline/rep-$rep.h5"
done
