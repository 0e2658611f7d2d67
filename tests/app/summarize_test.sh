#!/usr/bin/env bash
# `circlesim summarize` on traces the program wrote: table, CSV and JSON agree with the
# per-replication values read with h5py; the run's confidence level, --confidence and the filters;
# NaN values left out; variants by directory; .part files skipped; exit codes 64, 65, 66.
# Usage: summarize_test.sh CIRCLESIM SCENARIO (a room scenario, e.g. erlang-c-mm3.yaml)
set -u
circlesim=$1
scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3  # Debian's h5py lives there

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Runs summarize with the given arguments; stdout to $work/out.txt, stderr to $work/err.txt.
summarize() {
  "$circlesim" summarize "$@" >"$work/out.txt" 2>"$work/err.txt"
}
expect_exit() {
  local expected=$1
  shift
  summarize "$@"
  local code=$?
  [[ $code -eq $expected ]] || fail "summarize $*: exit $code, expected $expected: $(cat "$work/err.txt")"
}

"$circlesim" run "$scenario" --replications 3 --set run.horizon=20h -o "$work/run" >/dev/null ||
  fail "run failed"
run="$work/run"

# --- JSON against the traces themselves -----------------------------------------------------
expect_exit 0 "$run" --format json
cp "$work/out.txt" "$work/summary.json"
$py - "$work/summary.json" "$run/baseline" <<'EOF' || fail "JSON summary does not match the traces"
import glob, json, math, statistics, sys
import h5py

summary = json.load(open(sys.argv[1]))
files = sorted(glob.glob(sys.argv[2] + "/rep-*.h5"))
assert len(files) == 3, files
(variant,) = summary["variants"]
assert variant["name"] == "baseline", variant["name"]
assert variant["replications"] == 3
assert variant["confidence"] == 0.95, variant["confidence"]  # the scenario sets none

def text(x):
    return x.decode() if isinstance(x, bytes) else x

# Per-replication values of every scalar, keyed like the summary.
values = {}
for path in files:
    with h5py.File(path, "r") as f:
        lookups = {k: [text(n) for n in f["lookup"][k][()]] for k in f["lookup"]}
        for row in f["scalars"][()]:
            name, entity = text(row["name"]), text(row["entity"])
            kind = entity + "s"
            label = lookups[kind][row["entity_id"]] if kind in lookups else str(row["entity_id"])
            values.setdefault((name, entity, label), []).append(float(row["value"]))

kpis = {(k["name"], k["entity"], k["id"]): k for k in variant["kpis"]}
assert set(kpis) == set(values), set(kpis) ^ set(values)
t_975_2 = 4.3026527297494619  # Student t quantile, 2 degrees of freedom
for key, xs in values.items():
    k = kpis[key]
    assert k["n"] == 3, (key, k)
    assert math.isclose(k["mean"], statistics.mean(xs), rel_tol=1e-12, abs_tol=1e-12), (key, k, xs)
    assert math.isclose(k["sd"], statistics.stdev(xs), rel_tol=1e-9, abs_tol=1e-12), (key, k, xs)
    half = t_975_2 * statistics.stdev(xs) / math.sqrt(3)
    assert math.isclose(k["ci_high"], statistics.mean(xs) + half, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(k["ci_low"], statistics.mean(xs) - half, rel_tol=1e-9, abs_tol=1e-9)
wait = kpis[("mean_wait", "service", "counter")]
assert wait["unit"] == "min" and wait["mean"] > 0, wait
EOF

# --- CSV and table --------------------------------------------------------------------------
expect_exit 0 "$run" --format csv
[[ "$(head -1 "$work/out.txt")" == "variant,entity,id,name,unit,n,mean,sd,ci_low,ci_high" ]] ||
  fail "CSV header: $(head -1 "$work/out.txt")"
$py - "$work/out.txt" "$work/summary.json" <<'EOF' || fail "CSV does not match the JSON"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kpis = json.load(open(sys.argv[2]))["variants"][0]["kpis"]
assert len(rows) == len(kpis), (len(rows), len(kpis))
for row, k in zip(rows, kpis):
    assert (row["variant"], row["entity"], row["id"], row["name"]) == ("baseline", k["entity"], k["id"], k["name"])
    assert int(row["n"]) == k["n"] and math.isclose(float(row["mean"]), k["mean"], rel_tol=1e-15)
EOF

expect_exit 0 "$run"
grep -q '^baseline: scenario erlang-c-mm3, 3 replications, 95% t intervals' "$work/out.txt" ||
  fail "table heading: $(head -1 "$work/out.txt")"
grep -Eq '^  mean_wait +counter +3 ' "$work/out.txt" || fail "table has no mean_wait row for counter"
grep -q '^service$' "$work/out.txt" && grep -q '^room$' "$work/out.txt" ||
  fail "table not grouped by entity"

# --- confidence: stored in the run, or from the command line ---------------------------------
expect_exit 0 "$run" --format json --confidence 0.99
$py - "$work/out.txt" "$work/summary.json" <<'EOF' || fail "--confidence 0.99"
import json, math, sys
wide, narrow = (json.load(open(p))["variants"][0] for p in sys.argv[1:3])
assert wide["confidence"] == 0.99
k99 = next(k for k in wide["kpis"] if k["name"] == "mean_wait")
k95 = next(k for k in narrow["kpis"] if k["name"] == "mean_wait")
ratio = (k99["ci_high"] - k99["mean"]) / (k95["ci_high"] - k95["mean"])
assert math.isclose(ratio, 9.924843200918298 / 4.302652729749462, rel_tol=1e-9), ratio
EOF
"$circlesim" run "$scenario" --replications 2 --set run.horizon=5h --set run.confidence=0.9 \
  -o "$work/run90" >/dev/null || fail "run with run.confidence=0.9 failed"
expect_exit 0 "$work/run90" --format json
$py -c 'import json,sys; v=json.load(open(sys.argv[1]))["variants"][0]; assert v["confidence"] == 0.9, v["confidence"]' \
  "$work/out.txt" || fail "the run's own confidence level is not used"

# --- filters ---------------------------------------------------------------------------------
expect_exit 0 "$run" --format json --entity service --name mean_ --name p_
$py - "$work/out.txt" <<'EOF' || fail "--entity/--name filters"
import json, sys
kpis = json.load(open(sys.argv[1]))["variants"][0]["kpis"]
names = {k["name"] for k in kpis}
assert kpis and all(k["entity"] == "service" for k in kpis), kpis
assert all(n.startswith(("mean_", "p_")) for n in names), names
assert "mean_wait" in names and "p_delayed" in names and "served" not in names, names
EOF

# --- NaN values are left out and counted; variants by directory; .part skipped ---------------
cp -r "$run/baseline" "$run/other"
$py - "$run/other/rep-0001.h5" <<'EOF' || fail "could not write a NaN into a trace copy"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    table = f["scalars"][()]
    for i, row in enumerate(table):
        if row["name"] == b"mean_wait" and row["entity"] == b"service":
            table[i]["value"] = float("nan")
    f["scalars"][...] = table
EOF
cp "$run/baseline/rep-0000.h5" "$run/other/rep-0003.h5.part"
expect_exit 0 "$run" --format json --entity service --name mean_wait
grep -q 'rep-0003.h5.part: skipped' "$work/err.txt" || fail ".part file not noted: $(cat "$work/err.txt")"
$py - "$work/out.txt" "$run" <<'EOF' || fail "NaN handling or grouping by directory"
import json, statistics, sys, h5py
variants = json.load(open(sys.argv[1]))["variants"]
assert [v["name"] for v in variants] == ["baseline", "other"], [v["name"] for v in variants]
assert variants[1]["replications"] == 3  # the .part file is not one
(k,) = variants[1]["kpis"]
assert k["n"] == 2 and k["undefined"] == 1, k
xs = []
for rep in ("0000", "0002"):
    with h5py.File(f"{sys.argv[2]}/other/rep-{rep}.h5", "r") as f:
        xs += [r["value"] for r in f["scalars"][()] if r["name"] == b"mean_wait" and r["entity"] == b"service"]
assert abs(k["mean"] - statistics.mean(xs)) < 1e-12, (k, xs)
EOF
expect_exit 0 "$run/other" --entity service --name mean_wait
grep -Eq '^  mean_wait +counter +2 .*1 NaN left out' "$work/out.txt" ||
  fail "table does not note the NaN: $(cat "$work/out.txt")"
rm "$run/other/rep-0003.h5.part"

# One file alone: n = 1, no spread (null in JSON).
expect_exit 0 "$run/baseline/rep-0000.h5" --format json --name mean_wait
$py -c 'import json,sys; v=json.load(open(sys.argv[1]))["variants"][0]; k=v["kpis"][0]; assert v["replications"] == 1 and k["n"] == 1 and k["sd"] is None and k["ci_low"] is None, v' \
  "$work/out.txt" || fail "a single file"

# --- exit codes ------------------------------------------------------------------------------
expect_exit 66 "$work/no-such-dir"
grep -q 'no-such-dir' "$work/err.txt" || fail "66 without naming the path"
mkdir "$work/empty"
expect_exit 66 "$work/empty"
echo "not a trace" >"$work/notes.h5"
expect_exit 65 "$work/notes.h5"
grep -q "notes.h5: not an HDF5 file" "$work/err.txt" || fail "65 message: $(cat "$work/err.txt")"
$py -c 'import h5py,sys; h5py.File(sys.argv[1], "w").attrs["format"] = "something-else"' \
  "$work/other.h5" || fail "could not write a foreign HDF5 file"
expect_exit 65 "$work/other.h5"
grep -q "other.h5: not a circlesim trace" "$work/err.txt" || fail "65 message: $(cat "$work/err.txt")"
cp "$work/other.h5" "$run/baseline/stray.h5"
expect_exit 65 "$run"
grep -q "stray.h5: not a circlesim trace" "$work/err.txt" || fail "65 in a directory: $(cat "$work/err.txt")"
rm "$run/baseline/stray.h5"
cp "$run/baseline/rep-0000.h5" "$work/rep-0009.h5.part"
$py -c 'import h5py,sys; h5py.File(sys.argv[1], "r+").attrs["status"] = "running"' \
  "$work/rep-0009.h5.part" || fail "could not mark a trace copy as running"
expect_exit 65 "$work/rep-0009.h5.part"  # named explicitly: an incomplete file is an error
grep -q "rep-0009.h5.part: trace status is 'running'" "$work/err.txt" ||
  fail "incomplete file message: $(cat "$work/err.txt")"
expect_exit 64 "$run" --format xml
expect_exit 64 "$run" --confidence 1.5
echo "summarize: all checks passed"
