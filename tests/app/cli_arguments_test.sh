#!/usr/bin/env bash
# The command line refuses bad numbers with exit 64 and a message naming the accepted range,
# before doing anything: NaN and infinities in every floating-point option (CLI11's own range
# check lets NaN through; a NaN --log-interval made batch spin forever), seeds below 0 or beyond
# a trace's signed 64-bit master_seed (they were ignored or clamped), and a check-engine --case
# that matches no case (it passed as "0 checks").
# Usage: cli_arguments_test.sh CIRCLESIM
set -u
circlesim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
base="$(cd "$(dirname "$0")" && pwd)/../data/yaml/one-counter.yaml"

# `circlesim ARGS...` exits 64, says `message` on stderr and writes nothing to $work/out.
expect_usage() {
  local message=$1
  shift
  timeout 60 "$circlesim" "$@" >"$work/stdout" 2>"$work/stderr"
  local code=$?
  [[ $code -eq 64 ]] || fail "$*: exit $code, expected 64: $(cat "$work/stderr")"
  grep -qF -- "$message" "$work/stderr" || fail "$*: no '$message' in: $(cat "$work/stderr")"
  [[ ! -e $work/out ]] || fail "$*: wrote $work/out"
}

# --- floating-point options: NaN and infinities ---------------------------------------------
for value in nan inf -inf; do
  expect_usage "finite number in [1, 10080], got $value" run "$base" -o "$work/out" --trace-interval "$value"
  expect_usage "finite number in [1, 10080], got $value" batch "$base" -o "$work/out" --trace-interval "$value"
  expect_usage "finite number in [0.05, 3600], got $value" batch "$base" -o "$work/out" --log-interval "$value"
  expect_usage "finite number > 0, got $value" check-engine --effort "$value"
  expect_usage "finite number in [0.5, 0.9999], got $value" check-engine --confidence "$value"
  expect_usage "finite number in (0, 1), got $value" summarize "$work/out" --confidence "$value"
  expect_usage "finite number in (0, 1), got $value" compare "$work/out" --baseline baseline --confidence "$value"
  expect_usage "finite number in (0, 1), got $value" compare "$work/out" --baseline baseline --alpha "$value"
  expect_usage "finite number in [0.5, 0.9999], got $value" report "$work/out" -o "$work/out/report" --confidence "$value"
done
# The ranges themselves still hold.
expect_usage "finite number in [0.05, 3600], got 0" batch "$base" -o "$work/out" --log-interval 0
expect_usage "finite number in (0, 1), got 1" summarize "$work/out" --confidence 1

# --- seeds ----------------------------------------------------------------------------------
for seed in -5 99999999999999999999 9223372036854775808 0x10 1.5; do
  expect_usage "must be an integer from 0 to 9223372036854775807, got $seed" run "$base" -o "$work/out" --seed "$seed"
  expect_usage "must be an integer from 0 to 9223372036854775807, got $seed" batch "$base" -o "$work/out" --seed "$seed"
  expect_usage "must be an integer from 0 to 9223372036854775807, got $seed" check-engine --seed "$seed"
done
# A seed in range reaches the trace (a leading zero is decimal, not octal).
"$circlesim" run "$base" -o "$work/seeded" --seed 017 --replications 1 >/dev/null 2>&1 ||
  fail "run --seed 017 failed"
"$circlesim" inspect --json "$work/seeded/baseline/rep-0000.h5" | grep -q '"master_seed": *17[,}]' ||
  fail "--seed 017 is not master_seed 17: $("$circlesim" inspect --json "$work/seeded/baseline/rep-0000.h5")"
"$circlesim" run "$base" -o "$work/largest" --seed 9223372036854775807 --replications 1 >/dev/null 2>&1 ||
  fail "run --seed 9223372036854775807 failed"

# --- check-engine --case --------------------------------------------------------------------
expect_usage "--case 'nosuchcase' matches no case" check-engine --case nosuchcase
grep -qF "M/M/5/8" "$work/stderr" || fail "check-engine --case: the cases are not listed"

echo "cli arguments: all checks passed"
