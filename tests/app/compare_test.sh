#!/usr/bin/env bash
# `circlesim compare` on traces the program wrote: a variant with a fourth server waits
# significantly less than the M/M/3 baseline; a variant identical to the baseline differs by
# exactly 0 on every measure (common random numbers); JSON, CSV and table agree with the traces
# read with h5py and with Holm's adjustment recomputed here; pairing by replication index, NaN
# pairs, campaign.h5 ignored; exit codes 64, 65, 66.
# Usage: compare_test.sh CIRCLESIM SCENARIO (scenarios/validation/erlang-c-mm3.yaml)
set -u
circlesim=$1
scenario=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3  # Debian's h5py lives there

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Runs compare with the given arguments; stdout to $work/out.txt, stderr to $work/err.txt.
compare() {
  "$circlesim" compare "$@" >"$work/out.txt" 2>"$work/err.txt"
}
expect_exit() {
  local expected=$1
  shift
  compare "$@"
  local code=$?
  [[ $code -eq $expected ]] || fail "compare $*: exit $code, expected $expected: $(cat "$work/err.txt")"
}

cat >"$work/scenario.yaml" <<EOF
extends: $scenario
run:
  horizon: 20h
  warmup: 1h
  replications: 5
variants:
  more_staff:
    facilities:
      community_centres:
        - id: validation_centre
          rooms:
            - type: convenience_services
              staff: 4
  same:
    run:
      description: The baseline again under another name
EOF
out="$work/out"
"$circlesim" run "$work/scenario.yaml" -o "$out" >/dev/null || fail "baseline run failed"
for variant in more_staff same; do
  "$circlesim" run "$work/scenario.yaml" --variant "$variant" -o "$out" >/dev/null ||
    fail "run --variant $variant failed"
done
echo "not a trace: campaign.h5 is ignored" >"$out/campaign.h5"

# --- JSON against the traces themselves -----------------------------------------------------
expect_exit 0 "$out" --baseline baseline --format json
cp "$work/out.txt" "$work/compare.json"
$py - "$work/compare.json" "$out" <<'EOF' || fail "JSON comparison does not match the traces"
import glob, json, math, statistics, sys
import h5py

doc = json.load(open(sys.argv[1]))
root = sys.argv[2]
assert doc["baseline"] == "baseline" and doc["correction"] == "holm", doc["baseline"]
assert doc["confidence"] == 0.95 and math.isclose(doc["alpha"], 0.05), (doc["confidence"], doc["alpha"])
assert [v["name"] for v in doc["variants"]] == ["more_staff", "same"], [v["name"] for v in doc["variants"]]

def text(x):
    return x.decode() if isinstance(x, bytes) else x

def scalars(variant):
    """{replication: {(name, entity, id label): value}}"""
    out = {}
    for path in sorted(glob.glob(f"{root}/{variant}/rep-*.h5")):
        with h5py.File(path, "r") as f:
            lookups = {k: [text(n) for n in f["lookup"][k][()]] for k in f["lookup"]}
            values = {}
            for row in f["scalars"][()]:
                name, entity = text(row["name"]), text(row["entity"])
                kind = entity + "s"
                label = lookups[kind][row["entity_id"]] if kind in lookups else str(row["entity_id"])
                values[(name, entity, label)] = float(row["value"])
            out[int(f.attrs["replication"])] = values
    return out

base = scalars("baseline")
assert sorted(base) == [0, 1, 2, 3, 4], sorted(base)
p_values = []
for v in doc["variants"]:
    var = scalars(v["name"])
    assert v["paired_replications"] == 5 and v["paired"] == [0, 1, 2, 3, 4], v["paired"]
    kpis = {(k["name"], k["entity"], k["id"]): k for k in v["kpis"]}
    assert set(kpis) == set(base[0]), set(kpis) ^ set(base[0])
    for key, k in kpis.items():
        pairs = [(base[r][key], var[r][key]) for r in range(5)]
        pairs = [(b, x) for b, x in pairs if math.isfinite(b) and math.isfinite(x)]
        assert k["n"] == len(pairs) and k["undefined"] == 5 - len(pairs), (key, k)
        if not pairs:
            continue
        diffs = [x - b for b, x in pairs]
        assert math.isclose(k["difference"], statistics.mean(diffs), rel_tol=1e-9, abs_tol=1e-12), (key, k)
        bm = statistics.mean(b for b, _ in pairs)
        assert math.isclose(k["baseline_mean"], bm, rel_tol=1e-12, abs_tol=1e-12), (key, k)
        if bm != 0:
            assert math.isclose(k["relative_change"], k["difference"] / bm, rel_tol=1e-9, abs_tol=1e-15)
        if len(pairs) >= 2:
            half = 2.7764451051977987 * statistics.stdev(diffs) / math.sqrt(len(pairs))  # t_{0.975,4}
            if len(pairs) == 5:
                assert math.isclose(k["ci_high"] - k["difference"], half, rel_tol=1e-9, abs_tol=1e-12), (key, k)
            if k["difference"] == 0 and k["sd_difference"] == 0:
                # Identical results cannot be significant: outside the family, p_holm 1.
                assert k["p_value"] == 1 and k["p_holm"] == 1 and k["significant"] is False, k
            else:
                p_values.append((v["name"], key, k["p_value"], k["p_holm"], k["significant"]))

# Holm recomputed: the family is every comparison of the invocation but identical results.
assert doc["family_size"] == len(p_values), (doc["family_size"], len(p_values))
m = len(p_values)
order = sorted(range(m), key=lambda i: p_values[i][2])
running = 0.0
for rank, i in enumerate(order):
    running = max(running, min(1.0, (m - rank) * p_values[i][2]))
    assert math.isclose(p_values[i][3], running, rel_tol=1e-12), (p_values[i], running)
    assert p_values[i][4] == (running <= doc["alpha"]), p_values[i]

# A fourth server: the counter's mean wait falls, significantly after Holm.
more = {(k["name"], k["entity"], k["id"]): k for k in doc["variants"][0]["kpis"]}
wait = more[("mean_wait", "service", "counter")]
assert wait["difference"] < 0 and wait["ci_high"] < 0, wait
assert wait["significant"] is True and wait["p_holm"] <= 0.05, wait
assert wait["relative_change"] < -0.5, wait  # M/M/3 -> M/M/4 at 2/min: 0.44 -> 0.087 min

# The same scenario under another name: every difference exactly 0 on common random numbers.
same = doc["variants"][1]["kpis"]
for k in same:
    if k["n"] == 0:
        continue
    assert k["difference"] == 0.0 and k["baseline_mean"] == k["variant_mean"], k
    if k["n"] >= 2:
        assert k["ci_low"] == 0.0 and k["ci_high"] == 0.0 and k["p_value"] == 1.0, k
        assert k["significant"] is False, k
EOF

# --- CSV and table --------------------------------------------------------------------------
expect_exit 0 "$out" --baseline baseline --format csv
header="variant,baseline,entity,id,name,unit,n,undefined,missing,baseline_mean,variant_mean,difference,ci_low,ci_high,relative_change,p_value,p_holm,significant"
[[ "$(head -1 "$work/out.txt")" == "$header" ]] || fail "CSV header: $(head -1 "$work/out.txt")"
$py - "$work/out.txt" "$work/compare.json" <<'EOF' || fail "CSV does not match the JSON"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kpis = [(v["name"], k) for v in json.load(open(sys.argv[2]))["variants"] for k in v["kpis"]]
assert len(rows) == len(kpis), (len(rows), len(kpis))
for row, (variant, k) in zip(rows, kpis):
    assert (row["variant"], row["entity"], row["id"], row["name"]) == (variant, k["entity"], k["id"], k["name"])
    if k["difference"] is not None:
        assert math.isclose(float(row["difference"]), k["difference"], rel_tol=1e-15)
    assert row["significant"] == {True: "true", False: "false", None: ""}[k["significant"]], (row, k)
EOF

expect_exit 0 "$out" --baseline baseline
grep -q "^compare $out: baseline baseline (scenario erlang-c-mm3, 5 replications)" "$work/out.txt" ||
  fail "table heading: $(head -2 "$work/out.txt")"
grep -q '^more_staff vs baseline: 5 paired replications (0-4)$' "$work/out.txt" ||
  fail "table: no paired-replications line"
grep -Eq '^  mean_wait +counter +5 .* -[0-9.]+% .* yes' "$work/out.txt" ||
  fail "table: mean_wait of counter not shown as a significant fall: $(grep mean_wait "$work/out.txt")"

# --- filters, --confidence and --alpha ------------------------------------------------------
expect_exit 0 "$out" --baseline baseline --format json --entity service --name mean_ --confidence 0.9 --alpha 0.01
$py - "$work/out.txt" <<'EOF' || fail "filters, --confidence, --alpha"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["confidence"] == 0.9 and doc["alpha"] == 0.01, doc
kpis = [k for v in doc["variants"] for k in v["kpis"]]
assert kpis and all(k["entity"] == "service" and k["name"].startswith("mean_") for k in kpis), kpis
assert doc["family_size"] == sum(1 for k in kpis if k["p_value"] is not None and
                                 not (k["difference"] == 0 and k["sd_difference"] == 0))
EOF

# --- pairing by replication index and NaN pairs ---------------------------------------------
rm "$out/more_staff/rep-0004.h5"
$py - "$out/same/rep-0001.h5" <<'EOF' || fail "could not write a NaN into a trace"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    table = f["scalars"][()]
    for i, row in enumerate(table):
        if row["name"] == b"mean_wait" and row["entity"] == b"service":
            table[i]["value"] = float("nan")
    f["scalars"][...] = table
EOF
expect_exit 0 "$out" --baseline baseline --format json --entity service --name mean_wait
grep -q 'more_staff: 4 replications paired' "$work/err.txt" || fail "pairing not noted: $(cat "$work/err.txt")"
$py - "$work/out.txt" <<'EOF' || fail "pairing or NaN pairs"
import json, sys
more, same = json.load(open(sys.argv[1]))["variants"]
assert more["paired"] == [0, 1, 2, 3] and more["kpis"][0]["n"] == 4, more
(k,) = same["kpis"]
assert same["paired_replications"] == 5 and k["n"] == 4 and k["undefined"] == 1, k
assert k["difference"] == 0.0, k
EOF
expect_exit 0 "$out" --baseline baseline --entity service --name mean_wait
grep -Eq '^  mean_wait +counter +4 .*1 pairs with NaN left out' "$work/out.txt" ||
  fail "table does not note the NaN pair: $(cat "$work/out.txt")"

# --- exit codes ------------------------------------------------------------------------------
expect_exit 66 "$out" --baseline nosuch
grep -q "no baseline 'nosuch': the variant directories with traces are baseline, more_staff, same" \
  "$work/err.txt" || fail "66 without the list of variants: $(cat "$work/err.txt")"
expect_exit 66 "$work/no-such-dir" --baseline baseline
expect_exit 66 "$out/baseline" --baseline baseline
grep -q "holds traces itself" "$work/err.txt" || fail "no hint for a variant directory: $(cat "$work/err.txt")"
mkdir -p "$work/alone" && cp -r "$out/baseline" "$work/alone/"
expect_exit 66 "$work/alone" --baseline baseline
echo "not a trace" >"$out/same/notes.h5"
expect_exit 65 "$out" --baseline baseline
grep -q "notes.h5: not an HDF5 file" "$work/err.txt" || fail "65 message: $(cat "$work/err.txt")"
rm "$out/same/notes.h5"
expect_exit 64 "$out"
expect_exit 64 "$out" --baseline baseline --format xml
expect_exit 64 "$out" --baseline baseline --alpha 1.5
echo "compare: all checks passed"
