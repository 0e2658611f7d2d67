#!/usr/bin/env bash
# `mpirun -np 2 circlesim batch` (built with CIRCLESIM_WITH_MPI): the two ranks share the
# replications, rank 0 writes campaign.h5, and every trace equals the one `--jobs 1` writes
# without MPI (creation time aside). As root, Open MPI needs its two ALLOW_RUN_AS_ROOT variables.
# Usage: batch_mpi_test.sh MPIEXEC CIRCLESIM SCENARIO COMPARE_TRACES_PY
set -u
mpiexec=$1
circlesim=$2
scenario=$3
compare=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
short=(--set run.horizon=2d --replications 4)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"$circlesim" batch "$scenario" "${short[@]}" -o "$work/single" --jobs 1 >/dev/null 2>"$work/err.txt" ||
  fail "batch --jobs 1: $(cat "$work/err.txt")"
"$mpiexec" -np 2 --oversubscribe "$circlesim" batch "$scenario" "${short[@]}" -o "$work/mpi" \
  --jobs 1 >"$work/out.txt" 2>"$work/err.txt" || fail "mpirun -np 2: $(cat "$work/err.txt")"
grep -q "rank 0/2" "$work/err.txt" && grep -q "rank 1/2" "$work/err.txt" ||
  fail "the batch did not run on two ranks: $(cat "$work/err.txt")"
[[ $(grep -c "campaign written" "$work/out.txt") -eq 1 ]] || fail "campaign.h5 not written once"
files=$(cd "$work/single" && find . -name 'rep-*.h5' | sort)
[[ $(echo "$files" | wc -l) -eq 24 ]] || fail "expected 24 traces, found: $files"
[[ $files == "$(cd "$work/mpi" && find . -name 'rep-*.h5' | sort)" ]] || fail "different files"
for f in $files; do
  $py "$compare" "$work/single/$f" "$work/mpi/$f" >/dev/null || fail "$f differs between MPI and --jobs 1"
done
$py -c "
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
assert sorted(f['runs']) and all(f['runs'][r].attrs['replications'] == 4 for r in f['runs'])
" "$work/mpi/campaign.h5" || fail "the campaign does not link every replication"
echo "batch over MPI: all checks passed"
