"""Exit 0 when two circlesim traces hold the same data, bit for bit.

Every dataset and every attribute must be equal, except `created_utc`, which records when the
file was made. Usage: /usr/bin/python3 compare_traces.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

IGNORED_ATTRIBUTES = {"created_utc"}


def items(path):
    """Every (name, attributes, data) in the file, root included, in a stable order."""
    found = {}
    with h5py.File(path, "r") as f:
        found["/"] = (dict(f.attrs), None)

        def visit(name, obj):
            data = obj[()] if isinstance(obj, h5py.Dataset) else None
            found["/" + name] = (dict(obj.attrs), data)

        f.visititems(visit)
    return found


def same_array(a, b):
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "O" or b.dtype.kind == "O":  # variable-length strings: compare the values
        return a.shape == b.shape and a.tolist() == b.tolist()
    # Bytes, not values: NaN must equal NaN and -0.0 must differ from 0.0.
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main(first, second):
    a, b = items(first), items(second)
    problems = []
    if a.keys() != b.keys():
        problems.append(f"different objects: {sorted(a.keys() ^ b.keys())}")
    for name in sorted(a.keys() & b.keys()):
        attrs_a, data_a = a[name]
        attrs_b, data_b = b[name]
        for key in sorted((attrs_a.keys() | attrs_b.keys()) - IGNORED_ATTRIBUTES):
            if key not in attrs_a or key not in attrs_b or not same_array(attrs_a[key], attrs_b[key]):
                problems.append(f"{name}: attribute {key} differs")
        if not same_array(data_a, data_b):
            problems.append(f"{name}: data differ")
    for problem in problems:
        print(problem)
    print("traces identical" if not problems else f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
