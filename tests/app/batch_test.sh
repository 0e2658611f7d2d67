#!/usr/bin/env bash
# `circlesim batch`: --jobs 1 and --jobs 2 write bit-identical traces (creation time aside);
# common random numbers across runs by default and independent streams on request; resume
# (complete traces kept, .part files and missing ones redone, other scenarios refused); job
# arrays by --rep-range; --variant; campaign.h5 (links and summary); progress; exit codes.
# Usage: batch_test.sh CIRCLESIM SCENARIO COMPARE_TRACES_PY
#   SCENARIO: a scenario with variants and a sweep (scenarios/examples/community-centre-staffing.yaml)
set -u
circlesim=$1
scenario=$2
compare=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3  # Debian's h5py lives there
short=(--set run.horizon=2d --replications 5)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
batch() {
  "$circlesim" batch "$scenario" "${short[@]}" "$@" >"$work/out.txt" 2>"$work/err.txt"
}
expect_exit() {
  local expected=$1
  shift
  batch "$@"
  local code=$?
  [[ $code -eq $expected ]] || fail "batch $*: exit $code, expected $expected: $(cat "$work/err.txt")"
}
# Every replication trace of two batch directories is the same, bit for bit.
same_traces() {
  local a=$1 b=$2
  local files
  files=$(cd "$a" && find . -name 'rep-*.h5' | sort)
  [[ -n $files ]] || fail "no traces in $a"
  [[ $files == "$(cd "$b" && find . -name 'rep-*.h5' | sort)" ]] || fail "$a and $b hold different files"
  for f in $files; do
    $py "$compare" "$a/$f" "$b/$f" >/dev/null || fail "$a/$f and $b/$f differ"
  done
}

# --- --jobs 1 and --jobs 2 give the same traces -------------------------------------------
expect_exit 0 -o "$work/one" --jobs 1
grep -q "30 replications to simulate" "$work/err.txt" || fail "expected 6 runs x 5 replications"
grep -q "100.0% simulated" "$work/err.txt" || fail "no progress line: $(cat "$work/err.txt")"
grep -q "mean_wait \[social_insurance\]" "$work/out.txt" || fail "no summary table"
expect_exit 0 -o "$work/two" --jobs 2
same_traces "$work/one" "$work/two"
[[ $(find "$work/one" -name '*.part' | wc -l) -eq 0 ]] || fail ".part files left behind"

# --- campaign.h5: links to every trace (from another directory too) and the summary ---------
(cd / && $py - "$work/one/campaign.h5" <<'PY') || fail "campaign.h5 is not as expected"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "circlesim-campaign", dict(f.attrs)
assert f.attrs["format_version"] == 2, dict(f.attrs)  # 2: fixed-length summary strings
assert f.attrs["common_random_numbers"] == 1
runs = sorted(f["runs"])
assert runs == ["baseline-000", "baseline-001", "baseline-002",
                "pension_week-000", "pension_week-001", "pension_week-002"], runs
for run in runs:
    group = f["runs"][run]
    assert group.attrs["replications"] == 5
    for r in range(5):
        linked = group[f"rep-{r:04d}"]          # an external link, opened here
        assert linked.attrs["replication"] == r
        assert linked.attrs["status"] == "complete"
s = f["summary"]
rows = s.attrs["rows"]
assert rows > 0 and len(s["mean"]) == rows
# The summary's means are the means of the replications' own scalars.
names = [x.decode() for x in s["name"][:]]
entities = [x.decode() for x in s["entity"][:]]
run_of = [x.decode() for x in s["run"][:]]
i = next(k for k in range(rows) if names[k] == "mean_wait" and entities[k] == "service"
         and run_of[k] == "baseline-001")
values = []
for r in range(5):
    table = f["runs/baseline-001"][f"rep-{r:04d}"]["scalars"][:]
    for row in table:
        if (row["name"].rstrip(b"\0") == b"mean_wait" and row["entity"].rstrip(b"\0") == b"service"
                and row["entity_id"] == s["entity_id"][i]):
            values.append(row["value"])
assert len(values) == 5 and s["n"][i] == 5, (values, s["n"][i])
assert abs(sum(values) / 5 - s["mean"][i]) < 1e-12, (values, s["mean"][i])
assert s["ci_low"][i] <= s["mean"][i] <= s["ci_high"][i]
# MSER-5 recorded per replication, over whole weeks (the centre has opening hours and profiles):
# two days are too short for it, which is recorded as NaN, not as a cut.
w = f["warmup"]
assert len(w["run"]) == 30 and w.attrs["method"] == "MSER-5", len(w["run"])
assert all(a == 7 * 24 * 60 for a in w["averaging"]), w["averaging"][:]
assert all(x != x for x in w["mser5_truncation"]), w["mser5_truncation"][:]
PY

# --- common random numbers: a service no run changes waits the same in every run ----------
crn_spread() {  # the largest difference between runs of health_check's mean wait
  $py - "$1" <<'PY'
import sys
import h5py
s = h5py.File(sys.argv[1], "r")["summary"]
means = [s["mean"][k] for k in range(len(s["mean"]))
         if s["name"][k] == b"mean_wait" and s["label"][k] == b"health_check"]
assert len(means) == 6, means
print(max(means) - min(means))
PY
}
[[ $(crn_spread "$work/one/campaign.h5") == "0.0" ]] || fail "runs do not share random numbers"
expect_exit 0 -o "$work/independent" --jobs 2 --independent-streams
[[ $(crn_spread "$work/independent/campaign.h5") != "0.0" ]] ||
  fail "--independent-streams gave the runs the same random numbers"

# --- resume: complete traces kept, missing and .part ones redone --------------------------
expect_exit 0 -o "$work/one" --jobs 2
grep -q "0 replications to simulate, 30 complete already" "$work/err.txt" ||
  fail "a finished batch was simulated again: $(cat "$work/err.txt")"
mv "$work/one/baseline-001/rep-0002.h5" "$work/rep-0002.h5"
head -c 5000 "$work/rep-0002.h5" >"$work/one/baseline-001/rep-0002.h5.part"
rm "$work/one/pension_week-002/rep-0004.h5"
expect_exit 0 -o "$work/one" --jobs 2
grep -q "2 replications to simulate, 28 complete already" "$work/err.txt" ||
  fail "resume did not redo exactly the missing traces: $(cat "$work/err.txt")"
$py "$compare" "$work/rep-0002.h5" "$work/one/baseline-001/rep-0002.h5" >/dev/null ||
  fail "a redone trace differs from the first"
same_traces "$work/one" "$work/two"

# --- a changed scenario is refused, and replaced with --overwrite --------------------------
"$circlesim" batch "$scenario" --set run.horizon=3d --replications 5 -o "$work/two" \
  >/dev/null 2>"$work/err.txt"
code=$?
[[ $code -eq 74 ]] || fail "a batch over traces of another scenario: exit $code, expected 74"
grep -q "different scenario" "$work/err.txt" || fail "no reason given: $(cat "$work/err.txt")"
"$circlesim" batch "$scenario" --set run.horizon=3d --replications 5 -o "$work/two" --overwrite \
  --jobs 2 >/dev/null 2>"$work/err.txt" || fail "--overwrite: $(cat "$work/err.txt")"

# --- job arrays: two ranges make the same traces as one batch ------------------------------
expect_exit 0 -o "$work/array" --rep-range 0:2
grep -q "12 replications to simulate" "$work/err.txt" || fail "--rep-range 0:2 ran $(cat "$work/err.txt")"
expect_exit 0 -o "$work/array" --rep-range 2:5 --jobs 2
same_traces "$work/one" "$work/array"
$py -c "
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
assert all(f['runs'][r].attrs['replications'] == 5 for r in f['runs'])
" "$work/array/campaign.h5" || fail "the last job's campaign does not hold every replication"
rm "$work/array/campaign.h5"
expect_exit 0 -o "$work/array" --campaign-only
[[ -f $work/array/campaign.h5 ]] || fail "--campaign-only wrote no campaign"
# A copied trace holds a replication twice: refused by name (it failed as "name already exists").
cp "$work/array/baseline-000/rep-0000.h5" "$work/array/baseline-000/rep-0099.h5"
expect_exit 65 -o "$work/array" --campaign-only
grep -q "rep-0000.h5 and .*rep-0099.h5 both hold replication 0 of run baseline-000" "$work/err.txt" ||
  fail "a repeated replication was not named: $(cat "$work/err.txt")"
rm "$work/array/baseline-000/rep-0099.h5"

# --- --variant: only the runs named ---------------------------------------------------------
expect_exit 0 -o "$work/pension" --variant pension_week
[[ $(ls "$work/pension" | tr '\n' ' ') == "campaign.h5 pension_week-000 pension_week-001 pension_week-002 " ]] ||
  fail "--variant pension_week wrote $(ls "$work/pension")"

# --- usage errors and missing input ---------------------------------------------------------
expect_exit 64 -o "$work/x" --variant nonsense
grep -q "expected one of: baseline, pension_week" "$work/err.txt" || fail "unknown variant: $(cat "$work/err.txt")"
expect_exit 64 -o "$work/x" --rep-range 3:1
expect_exit 64 -o "$work/x" --rep-range 0:9
grep -q "has 5 replications" "$work/err.txt" || fail "range beyond the replications: $(cat "$work/err.txt")"
[[ ! -e $work/x ]] || fail "a failed batch wrote $work/x"
"$circlesim" batch "$work/nonexistent.yaml" -o "$work/x" >/dev/null 2>&1
[[ $? -eq 66 ]] || fail "a missing scenario must exit 66"
echo "batch: all checks passed"
