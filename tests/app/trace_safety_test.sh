#!/usr/bin/env bash
# Crash safety and I/O errors of `circlesim run` traces (docs/trace-format.md, "Completeness"):
# an existing output is refused unless --overwrite; SIGINT/SIGTERM close the trace as
# "interrupted" under its .part name and exit 130/143; SIGKILL leaves no file that claims to be
# complete; a file-size limit (a full disk) and an unwritable directory exit 74 and leave no
# complete file.
# Usage: trace_safety_test.sh CIRCLESIM SCENARIO
set -u
circlesim=$1
scenario=$2
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
status_of() {  # the root attribute `status` of an HDF5 file
  "$python" -c 'import h5py, sys; print(h5py.File(sys.argv[1], "r").attrs["status"])' "$1"
}
short_run() { "$circlesim" run "$scenario" --replications 2 --set run.horizon=2d "$@"; }
# A run long enough to be signalled while it is going (it stops within a simulated hour). `exec`
# so that the signal reaches circlesim itself, not a subshell.
long_run() {
  exec "$circlesim" run "$scenario" --replications 20 --jobs 1 --set run.horizon=3650d \
    --trace-level requests "$@" >/dev/null 2>&1
}

# 1. An existing trace is refused (exit 74, file untouched) unless --overwrite.
short_run -o "$work/a" >/dev/null || fail "first run failed"
test -f "$work/a/baseline/rep-0001.h5" || fail "no trace written"
before=$(sha256sum "$work/a/baseline/rep-0000.h5")
short_run -o "$work/a" >/dev/null 2>"$work/err"
test $? -eq 74 || fail "existing output: expected exit 74"
grep -q "already exists" "$work/err" || fail "existing output: no clear message"
test "$before" = "$(sha256sum "$work/a/baseline/rep-0000.h5")" || fail "existing file changed"
short_run -o "$work/a" --overwrite >/dev/null || fail "--overwrite refused"
test "$(status_of "$work/a/baseline/rep-0000.h5")" = complete || fail "status not complete"

# 2. SIGINT and SIGTERM: flushed, closed as interrupted, still .part; exit 128 + signal.
# Replications that ended before the signal are complete; the one running is interrupted.
for signal in INT TERM; do
  long_run -o "$work/$signal" &
  pid=$!
  sleep 1
  kill -"$signal" "$pid"
  wait "$pid"
  code=$?
  expected=$((128 + $(kill -l "$signal")))
  test "$code" -eq "$expected" || fail "SIG$signal: exit $code, expected $expected"
  # One .part file, unless the signal fell between two replications.
  parts=()
  for part in "$work/$signal"/baseline/*.h5.part; do [ -e "$part" ] && parts+=("$part"); done
  test "${#parts[@]}" -le 1 || fail "SIG$signal: more than one .part file"
  for part in "${parts[@]}"; do
    test "$(status_of "$part")" = interrupted || fail "SIG$signal: status not interrupted"
    test ! -e "${part%.part}" || fail "SIG$signal: the interrupted replication claims completeness"
  done
  test -e "$work/$signal/baseline/rep-0019.h5" && fail "SIG$signal: the run was not interrupted"
  for complete in "$work/$signal"/baseline/*.h5; do
    [ -e "$complete" ] || continue
    test "$(status_of "$complete")" = complete || fail "SIG$signal: $complete is not complete"
  done
done

# 3. SIGKILL: nothing may claim to be complete but the replications that ended before it.
long_run -o "$work/kill" &
pid=$!
sleep 1
kill -KILL "$pid"
wait "$pid"
for part in "$work/kill"/baseline/*.h5.part; do
  [ -e "$part" ] || continue
  test ! -e "${part%.part}" || fail "SIGKILL: $part also exists complete"
  status=$(status_of "$part" 2>/dev/null || echo unreadable)
  test "$status" != complete || fail "SIGKILL: $part says complete"
done

# 4. A full disk, simulated by a file-size limit: exit 74, a message, no complete file.
(
  ulimit -f 64  # KiB
  "$circlesim" run "$scenario" --replications 1 --set run.horizon=100d --trace-level requests \
    --compression 0 -o "$work/full" >/dev/null 2>"$work/full.err"
)
code=$?
test "$code" -eq 74 || fail "full disk: exit $code, expected 74"
grep -q "cannot write the trace" "$work/full.err" || fail "full disk: no clear message"
test ! -e "$work/full/baseline/rep-0000.h5" || fail "full disk: file claims completeness"

# 5. A directory that cannot be created: exit 74 naming it.
touch "$work/plain-file"
short_run -o "$work/plain-file/out" >/dev/null 2>"$work/dir.err"
test $? -eq 74 || fail "unwritable directory: expected exit 74"
grep -q "plain-file" "$work/dir.err" || fail "unwritable directory: message does not name it"

echo "trace safety: all checks passed"
