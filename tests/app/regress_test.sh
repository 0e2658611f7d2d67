#!/usr/bin/env bash
# `circlesim regress` end to end on copies of the cases in a temporary directory: --update
# rewrites expected.yaml (same KPIs, order, tolerances and header; the new means, equal to what
# `circlesim run` + `circlesim summarize` give; no temporary file left) and the re-approved case
# then passes; deliberately perturbed cases fail with exit 1 (an arrival rate 2 % higher on the
# short copy, service 3 % slower on the real erlang-c-mm3 case, one server fewer in one centre of
# small-town); a missing KPI fails; --update refuses it and leaves the file alone; exit codes 64,
# 65, 66.
# Usage: regress_test.sh CIRCLESIM SOURCE_DIR
set -u
circlesim=$1
source_dir=$2
cases="$source_dir/tests/regression"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Runs regress with the given arguments; stdout to $work/out.txt, stderr to $work/err.txt.
regress() {
  "$circlesim" regress "$@" >"$work/out.txt" 2>"$work/err.txt"
}
expect_exit() {
  local expected=$1
  shift
  regress "$@"
  local code=$?
  [[ $code -eq $expected ]] ||
    fail "regress $*: exit $code, expected $expected: $(cat "$work/out.txt" "$work/err.txt")"
}

# --- --update rewrites a copied case ----------------------------------------------------------
# A short copy of erlang-c-mm3: its approved values (from the full case) are re-approved for it.
short="$work/cases/mm3-short"
mkdir -p "$short"
cp "$cases/erlang-c-mm3/expected.yaml" "$short/expected.yaml"
cat >"$short/scenario.yaml" <<EOF
extends: $cases/erlang-c-mm3/scenario.yaml
run:
  horizon: 40h
  replications: 10
EOF
cp "$short/expected.yaml" "$work/before.yaml"
expect_exit 0 "$short" --update --jobs 2
grep -q "re-approved" "$work/out.txt" || fail "--update does not say it re-approved"
ls -A "$short" | grep -qv -e '^expected.yaml$' -e '^scenario.yaml$' &&
  fail "--update left a file behind: $(ls -A "$short")"
$py - "$work/before.yaml" "$short/expected.yaml" <<'EOF' || fail "--update did not keep the KPIs"
import re, sys
before, after = (open(p).read() for p in sys.argv[1:])
header = lambda t: [l for l in t.splitlines() if l.startswith("#")]
assert header(before) == header(after) and header(after), "header comments not kept"
kpi = re.compile(r"\{entity: ([^,]+), id: ([^,]+), name: ([^,]+), value: ([^,]+), "
                 r"tolerance: (\{[^}]*\})")
b, a = kpi.findall(before), kpi.findall(after)
assert len(b) == len(a) == 6, (len(b), len(a))
for x, y in zip(b, a):
    assert x[:3] == y[:3], ("key or order changed", x, y)
    assert x[4] == y[4], ("tolerance changed", x, y)
    assert float(x[3]) != float(y[3]), ("value not re-approved", x, y)
assert "replications: 10" in after, "approval not recorded"
EOF
# The re-approved case passes as it is.
expect_exit 0 "$short"
grep -q "6 KPIs, all passed" "$work/out.txt" || fail "re-approved case: $(cat "$work/out.txt")"

# The values are those of the traces: run the same scenario and summarise it.
"$circlesim" run "$short/scenario.yaml" --trace-level summary -o "$work/run" >/dev/null ||
  fail "run of the short case failed"
"$circlesim" summarize "$work/run" --format json >"$work/summary.json" || fail "summarize failed"
$py - "$work/summary.json" "$short/expected.yaml" <<'EOF' || fail "approved values differ from summarize"
import json, re, sys
summary = json.load(open(sys.argv[1]))["variants"][0]["kpis"]
means = {(k["entity"], k["id"], k["name"]): k["mean"] for k in summary}
for entity, id_, name, value in re.findall(
        r"\{entity: ([^,]+), id: ([^,]+), name: ([^,]+), value: ([^,]+),", open(sys.argv[2]).read()):
    mean = means[(entity, id_, name)]
    assert abs(mean - float(value)) <= 1e-12 * abs(mean), (entity, id_, name, mean, value)
EOF

# --- perturbed cases fail ---------------------------------------------------------------------
# The short copy with an arrival rate 2 % higher.
perturbed="$work/cases/mm3-rate"
mkdir -p "$perturbed"
cp "$short/expected.yaml" "$perturbed/"
cat >"$perturbed/scenario.yaml" <<EOF
extends: $short/scenario.yaml
services:
  - {id: counter, demand: [{rate: 2.04/min}]}
EOF
expect_exit 1 "$perturbed"
grep -q "FAIL  service counter arrivals" "$work/out.txt" || fail "2 % more arrivals not caught"

# The real erlang-c-mm3 case with service 3 % slower.
slower="$work/cases/mm3-slower"
mkdir -p "$slower"
cp "$cases/erlang-c-mm3/expected.yaml" "$slower/"
cat >"$slower/scenario.yaml" <<EOF
extends: $cases/erlang-c-mm3/scenario.yaml
services:
  - {id: counter, duration: {mean: 1.03min}}
EOF
expect_exit 1 "$slower" --jobs 2
grep -q "FAIL  service counter mean_wait" "$work/out.txt" || fail "3 % slower service not caught"
grep -q "pass  service counter arrivals" "$work/out.txt" ||
  fail "unchanged arrivals should pass: $(cat "$work/out.txt")"

# small-town with one server fewer in centre_c1's convenience-services room (40 replications).
fewer="$work/cases/town-fewer"
mkdir -p "$fewer"
cp "$cases/small-town/expected.yaml" "$fewer/"
cat >"$fewer/scenario.yaml" <<EOF
extends: $cases/small-town/scenario.yaml
run:
  replications: 40
facilities:
  community_centres:
    - id: centre_c1
      rooms:
        - {type: convenience_services, staff: 2}
        - {type: health, staff: 1}
        - {type: police, staff: 1}
        - {type: veterans, staff: 1}
        - {type: governance, staff: 1}
EOF
expect_exit 1 "$fewer" --jobs 2
grep -q "FAIL  service social_insurance mean_wait" "$work/out.txt" ||
  fail "one server fewer not caught: $(cat "$work/out.txt")"
grep -q "note: approved with 160 replications" "$work/out.txt" || fail "no note of the settings"

# --- missing KPIs -----------------------------------------------------------------------------
missing="$work/cases/mm3-missing"
mkdir -p "$missing"
cp "$short/scenario.yaml" "$missing/"
cp "$short/expected.yaml" "$missing/"
echo "  - {entity: service, id: counter, name: no_such_kpi, value: 1, tolerance: {relative: 1}}" \
  >>"$missing/expected.yaml"
expect_exit 1 "$missing"
grep -q "FAIL  service counter no_such_kpi.*missing" "$work/out.txt" || fail "missing KPI not reported"
cp "$missing/expected.yaml" "$work/missing-before.yaml"
expect_exit 65 "$missing" --update
grep -q "cannot approve 1 KPI" "$work/err.txt" || fail "--update of a missing KPI: $(cat "$work/err.txt")"
cmp -s "$missing/expected.yaml" "$work/missing-before.yaml" || fail "--update changed the file"

# --- several cases, exit codes ----------------------------------------------------------------
# Every case under a root: one passes, the perturbed ones fail, so 1; the summary line says so.
rm -rf "$work/cases/town-fewer" "$work/cases/mm3-slower"
expect_exit 1 --root "$work/cases"
grep -q "regress: 3 cases, 19 KPIs, 3 failed in 2 cases" "$work/out.txt" ||
  fail "summary line: $(tail -1 "$work/out.txt")"
invalid="$work/invalid"
mkdir -p "$invalid"
cp "$short/scenario.yaml" "$invalid/"
printf 'kpis:\n  - {entity: service, id: counter, name: served, tolerance: {relative: -1}}\n' \
  >"$invalid/expected.yaml"
expect_exit 65 "$invalid"
grep -q "expected.yaml:2:.*relative tolerance must be >= 0" "$work/err.txt" ||
  fail "invalid tolerance: $(cat "$work/err.txt")"
expect_exit 66 "$work/no-such-case"
expect_exit 66 --root "$work/no-such-root"
mkdir -p "$work/empty"
expect_exit 66 --root "$work/empty"
expect_exit 64 "$short" --jobs 0

echo "regress: all checks passed"
