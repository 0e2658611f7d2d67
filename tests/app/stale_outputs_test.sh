#!/usr/bin/env bash
# An interrupted run or batch never leaves an earlier run's complete-looking summary beside its
# own partial traces: run --overwrite removes the old summary.txt and batch the old campaign.h5
# before simulating; and SIGINT stops batch --campaign-only between two traces with exit 130
# and no campaign.h5 (nor its temporary file). Linux: it watches /proc/PID/fd.
# Usage: stale_outputs_test.sh CIRCLESIM
set -u
circlesim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
base="$(cd "$(dirname "$0")" && pwd)/../data/yaml/one-counter.yaml"
# Runs a command in the background, waits until it has started simulating (a .part trace
# exists under `dir`: by then it has cleared what it will rewrite), then kills it.
kill_once_simulating() {
  local dir=$1
  shift
  "$circlesim" "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    compgen -G "$dir/*/rep-*.h5.part" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || fail "$* ended before it could be killed"
    sleep 0.05
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
}
long=(--set run.horizon=1000d --trace-level events --jobs 1)

# --- run --overwrite, killed: no summary.txt of the earlier run -----------------------------
"$circlesim" run "$base" -o "$work/run" >/dev/null 2>&1 || fail "first run failed"
grep -q "2 replications" "$work/run/baseline/summary.txt" || fail "first run wrote no summary"
kill_once_simulating "$work/run" run "$base" -o "$work/run" --replications 4 --overwrite "${long[@]}"
[[ ! -e $work/run/baseline/summary.txt ]] ||
  fail "the killed run left the earlier summary: $(head -3 "$work/run/baseline/summary.txt")"

# --- batch, killed: no campaign.h5 of the earlier batch -------------------------------------
"$circlesim" batch "$base" -o "$work/batch" >/dev/null 2>&1 || fail "first batch failed"
[[ -f $work/batch/campaign.h5 ]] || fail "first batch wrote no campaign.h5"
kill_once_simulating "$work/batch" batch "$base" -o "$work/batch" --overwrite "${long[@]}"
[[ ! -e $work/batch/campaign.h5 ]] || fail "the killed batch left the earlier campaign.h5"

# --- SIGINT during batch --campaign-only ----------------------------------------------------
# Reading 1,000 small traces takes a fraction of a second: the test stops the process (SIGSTOP)
# as soon as it has a trace open, signals it, and lets it go on; it must then stop reading.
"$circlesim" batch "$base" -o "$work/many" --replications 1000 --jobs 2 --set run.horizon=1h \
  >/dev/null 2>&1 || fail "batch for --campaign-only failed"
rm "$work/many/campaign.h5"
"$circlesim" batch "$base" -o "$work/many" --replications 1000 --set run.horizon=1h \
  --campaign-only --jobs 1 >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 2000); do
  ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'rep-[0-9]*\.h5' && break
done
kill -STOP "$pid" 2>/dev/null || fail "campaign-only ended before it could be stopped"
[[ ! -e $work/many/campaign.h5 ]] || fail "campaign-only was stopped too late to test"
kill -INT "$pid"
kill -CONT "$pid"
wait "$pid"
code=$?
[[ $code -eq 130 ]] || fail "campaign-only, SIGINT: exit $code, expected 130: $(cat "$work/err")"
[[ ! -e $work/many/campaign.h5 ]] || fail "campaign-only, SIGINT: campaign.h5 written"
compgen -G "$work/many/campaign.h5.*" >/dev/null && fail "campaign-only, SIGINT: temporary file left"
grep -q "interrupted by signal 2" "$work/err" || fail "campaign-only, SIGINT: no message"

echo "stale outputs: all checks passed"
