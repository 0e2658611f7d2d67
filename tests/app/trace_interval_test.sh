#!/usr/bin/env bash
# Which interval the time series of a trace use: the command line's --trace-interval, else the
# scenario's run.trace.interval, else the model's default (15 min for rooms, 1 h for a city).
# Usage: trace_interval_test.sh CIRCLESIM ROOM_SCENARIO CITY_SCENARIO
set -u
circlesim=$1
rooms=$2
city=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# The interval (minutes) of the busy_servers series of the one replication a run wrote.
interval_of_run() {
  local out="$work/run$RANDOM"
  "$circlesim" run "$@" --replications 1 --set run.horizon=1d -o "$out" >/dev/null ||
    fail "run $* failed"
  /usr/bin/python3 -c 'import h5py, sys; print(h5py.File(sys.argv[1], "r")["timeseries/busy_servers"].attrs["interval"])' \
    "$out"/baseline/rep-0000.h5
}
expect_interval() {
  local expected=$1
  shift
  local got
  got=$(interval_of_run "$@")
  [[ "$got" == "$expected" ]] || fail "$*: interval $got, expected $expected"
}

expect_interval 15.0 "$rooms"
expect_interval 60.0 "$city"
expect_interval 30.0 "$city" --set run.trace.interval=30min
expect_interval 20.0 "$city" --set run.trace.interval=30min --trace-interval 20
expect_interval 5.0 "$rooms" --trace-interval 5
echo "trace interval: all checks passed"
