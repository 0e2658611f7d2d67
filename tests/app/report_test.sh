#!/usr/bin/env bash
# `circlesim report` end to end: a short small-town run (baseline and one variant, 3
# replications) and a room scenario become reports whose pages render in headless Chromium with
# every image loaded (and a page with a PNG removed is caught); the KPI table holds the traces'
# own values; no half-written report is ever left; exit codes 64, 65, 66, 70 and 74.
# Usage: report_test.sh CIRCLESIM SMALL_TOWN_SCENARIO ROOM_SCENARIO
set -u
circlesim=$1
town=$(realpath "$2")  # `extends` from a scenario in a temporary directory
rooms_scenario=$3
work=$(mktemp -d)
umask 022
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3  # Debian's h5py and matplotlib live there

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v chromium >/dev/null || fail "chromium is not installed (bash scripts/setup)"

# Headless Chromium as root on a machine without network; a fresh profile each time.
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" "$@" 2>/dev/null
}
# Succeeds when the page at $1/index.html rendered with all of its images loaded: the page's own
# script marks <body data-images-loaded="ok/total"> once every image has loaded or failed.
images_load() {
  local total body
  total=$(grep -o '<img ' "$1/index.html" | wc -l)
  ((total > 0)) || return 1
  body=$(chrome --dump-dom --virtual-time-budget=5000 "file://$1/index.html" | grep -o '<body[^>]*>')
  echo "$body" >"$work/last-body.txt"
  [[ $body == *"data-images-loaded=\"$total/$total\""* && $body == *'data-images-failed="0"'* ]]
}
report() {
  "$circlesim" report "$@" >"$work/out.txt" 2>"$work/err.txt"
}
expect_exit() {
  local expected=$1
  shift
  report "$@"
  local code=$?
  [[ $code -eq $expected ]] || fail "report $*: exit $code, expected $expected: $(cat "$work/err.txt")"
}
no_leftovers() {
  ! ls -a "$1" | grep -q -e '\.partial-' -e '\.old-' || fail "temporary directories left in $1: $(ls -a "$1")"
}

# --- a city with a variant ----------------------------------------------------------------------
cat >"$work/town.yaml" <<EOF
extends: $town
variants:
  quick_health_checks:
    services:
      - {id: health_check, duration: {dist: triangular, min: 3min, mode: 5min, max: 10min}}
EOF
for variant in "" quick_health_checks; do
  "$circlesim" run "$work/town.yaml" ${variant:+--variant "$variant"} --set run.horizon=3d \
    --replications 3 --trace-level requests -o "$work/run" >/dev/null || fail "run ${variant:-baseline} failed"
done
[[ -f $work/run/baseline/rep-0002.h5 && -f $work/run/quick_health_checks/rep-0002.h5 ]] ||
  fail "traces missing: $(ls -R "$work/run")"

expect_exit 0 "$work/run" -o "$work/report"
grep -q "report written to $work/report/index.html" "$work/out.txt" || fail "no success line: $(cat "$work/out.txt")"
no_leftovers "$work"
[[ $(stat -c %a "$work/report") == 755 ]] || fail "report directory mode $(stat -c %a "$work/report"), expected 755 (umask 022)"
pngs=$(ls "$work/report"/*.png | wc -l)
# KPI bars, waits, a heat map per variant, one coverage map (same geography), unmet by group.
((pngs == 6)) || fail "expected 6 figures, found $pngs: $(ls "$work/report")"
for png in "$work/report"/*.png; do
  grep -q "src=\"$(basename "$png")\"" "$work/report/index.html" || fail "$png is not on the page"
done
grep -q 'quick_health_checks' "$work/report/index.html" || fail "the variant is not in the report"
grep -q 'the same grids, facilities and reach as baseline' "$work/report/index.html" ||
  fail "the variant's unchanged geography is not said"

# The KPI table holds the traces' own numbers: mean wait of all residents, mean of the replications.
$py - "$work/report/index.html" "$work/run" <<'EOF' || fail "KPI table does not match the traces"
import glob, html, re, statistics, sys
import h5py
page = open(sys.argv[1], encoding="utf-8").read()
row = re.search(r'<tr><td class="label"[^>]*>mean wait</td><td>min</td><td>([^<]*)</td><td>([^<]*)</td>', page)
assert row, "no mean wait row"
for cell, variant in zip(row.groups(), ("baseline", "quick_health_checks")):
    values = []
    for path in sorted(glob.glob(f"{sys.argv[2]}/{variant}/rep-*.h5")):
        with h5py.File(path, "r") as f:
            groups = [g.decode() if isinstance(g, bytes) else g for g in f["lookup/groups"][()]]
            for r in f["scalars"][()]:
                if r["name"].rstrip(b"\0") == b"mean_wait" and r["entity"].rstrip(b"\0") == b"group" and groups[r["entity_id"]] == "general":
                    values.append(float(r["value"]))
    assert len(values) == 3, values
    expected = f"{statistics.mean(values):,.2f}"
    assert html.unescape(cell).startswith(expected + " ± "), (variant, cell, expected)
EOF

# --- the page in a browser -------------------------------------------------------------------------
images_load "$work/report" || fail "not every image loaded: $(cat "$work/last-body.txt")"
chrome --screenshot="$work/shot.png" --window-size=1280,2000 --virtual-time-budget=5000 \
  "file://$work/report/index.html" >/dev/null
[[ -s $work/shot.png ]] || fail "no screenshot"
$py - "$work/shot.png" <<'EOF' || fail "the screenshot is blank"
import sys
import matplotlib.pyplot as plt
import numpy as np
image = plt.imread(sys.argv[1])
assert image.shape[0] >= 1000 and image.shape[1] >= 1000, image.shape
colours = np.unique((image[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
assert len(colours) > 100, f"{len(colours)} colours"  # text, tables and plots, not a blank page
assert image[..., :3].std() > 0.05, image[..., :3].std()
EOF
# A missing image is noticed.
cp -r "$work/report" "$work/broken"
rm "$work/broken/waits.png"
images_load "$work/broken" && fail "a page without waits.png passed the image check"
grep -q "data-images-loaded=\"$((pngs - 1))/$pngs\"" "$work/last-body.txt" ||
  fail "the broken page says: $(cat "$work/last-body.txt")"

# --- overwriting -------------------------------------------------------------------------------
touch -d '2000-01-01' "$work/report/index.html"
expect_exit 74 "$work/run" -o "$work/report"
grep -q "already exists (use --overwrite" "$work/err.txt" || fail "no overwrite hint: $(cat "$work/err.txt")"
[[ $(stat -c %Y "$work/report/index.html") -eq $(date -d '2000-01-01' +%s) ]] || fail "the old report was touched"
expect_exit 0 "$work/run" -o "$work/report" --overwrite
[[ $(stat -c %Y "$work/report/index.html") -gt $(date -d '2000-01-01' +%s) ]] || fail "the report was not replaced"
no_leftovers "$work"
mkdir -p "$work/precious" && echo keep >"$work/precious/data.txt"
expect_exit 74 "$work/run" -o "$work/precious" --overwrite
grep -q "not a report (no index.html)" "$work/err.txt" || fail "$(cat "$work/err.txt")"
[[ -f $work/precious/data.txt ]] || fail "a directory that is not a report was replaced"

# --- errors ------------------------------------------------------------------------------------
expect_exit 66 "$work/nothing-here" -o "$work/r66"
grep -q "no such directory" "$work/err.txt" || fail "$(cat "$work/err.txt")"
mkdir -p "$work/empty/baseline" && echo x >"$work/empty/baseline/rep-0000.h5.part"
expect_exit 66 "$work/empty" -o "$work/r66"
grep -q "no complete traces" "$work/err.txt" || fail "$(cat "$work/err.txt")"
[[ ! -e $work/r66 ]] || fail "a report was written without traces"
expect_exit 64 "$work/run" -o "$work/run" --overwrite
[[ -f $work/run/baseline/rep-0000.h5 ]] || fail "the traces were replaced"
mkdir -p "$work/bogus/baseline" && echo "not hdf5" >"$work/bogus/baseline/rep-0000.h5"
expect_exit 65 "$work/bogus" -o "$work/r65"
[[ ! -e $work/r65 ]] || fail "a report was written from a file that is not a trace"
echo "a file" >"$work/afile"
expect_exit 74 "$work/run" -o "$work/afile/report"
grep -q "cannot create" "$work/err.txt" || fail "$(cat "$work/err.txt")"
# A failing script: exit 70, its own message shown, nothing left under the report's name.
mkdir -p "$work/fake"
printf 'import sys\nsys.stderr.write("boom: the figures broke\\n")\nopen(sys.argv[sys.argv.index("-o") + 1] + "/index.html", "w").write("half")\nsys.exit(3)\n' \
  >"$work/fake/circlesim_report.py"
CIRCLESIM_PYTHON_DIR="$work/fake" expect_exit 70 "$work/run" -o "$work/r70"
grep -q "boom: the figures broke" "$work/err.txt" || fail "the script's stderr is not shown: $(cat "$work/err.txt")"
grep -q "exit 3" "$work/err.txt" || fail "$(cat "$work/err.txt")"
[[ ! -e $work/r70 ]] || fail "a half-written report was left"
no_leftovers "$work"
CIRCLESIM_PYTHON_DIR="$work/nowhere" expect_exit 70 "$work/run" -o "$work/r70"
grep -q "report script not found" "$work/err.txt" || fail "$(cat "$work/err.txt")"

# --- a scenario of rooms alone: wait histograms, time series, no geography -------------------------
"$circlesim" run "$rooms_scenario" --replications 3 --set run.horizon=20h -o "$work/rooms" >/dev/null ||
  fail "room run failed"
expect_exit 0 "$work/rooms" -o "$work/rooms-report" --confidence 0.9
grep -q "No geography in these traces" "$work/rooms-report/index.html" || fail "the room report does not say why it has no map"
grep -q "rooms&#x27; wait histograms\|rooms' wait histograms" "$work/rooms-report/index.html" ||
  fail "the room report's waits do not come from the histograms"
grep -q "Student t at 90%" "$work/rooms-report/index.html" || fail "--confidence was not used"
images_load "$work/rooms-report" || fail "room report: not every image loaded: $(cat "$work/last-body.txt")"

echo "report: all checks passed"
