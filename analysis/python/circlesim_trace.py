"""Read circlesim HDF5 trace files (layout: docs/trace-format.md, format_version 1).

Requires h5py, numpy and pandas; on the project machines these are the Debian packages, so run
with ``/usr/bin/python3``::

    import circlesim_trace as ct
    requests = ct.load_requests("out/baseline/rep-0000.h5")
    measured = requests[requests.arrival >= ct.provenance("out/baseline/rep-0000.h5")["warmup"]]
    measured.groupby("room", observed=True).wait.mean()

Every function takes a path (or an ``h5py.File`` already open) and refuses files that are not
``complete`` (``.h5.part`` files of a running or interrupted run) unless ``allow_partial=True``.

Command line: ``/usr/bin/python3 circlesim_trace.py FILE [--json] [--allow-partial]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Iterator
from typing import Any

import h5py
import numpy as np
import pandas as pd

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "TraceError",
    "open_trace",
    "provenance",
    "lookup",
    "load_requests",
    "load_timeseries",
    "load_summary",
    "load_histogram",
    "load_table",
]

FORMAT = "circlesim-trace"
FORMAT_VERSION = 1

# Sentinels of /trace/requests for "no resident", "no population group" and "no place" (the
# facility and room of a request unmet for want of a place in reach, and of a home service,
# which is served at the resident's home).
NO_RESIDENT = np.iinfo(np.uint32).max
NO_GROUP = np.iinfo(np.uint16).max
NO_PLACE = np.iinfo(np.uint32).max

# Integer columns of /trace/requests that are ids into /lookup/<kind>.
_REQUEST_LOOKUPS = {"group": "groups", "service": "services", "facility": "facilities", "room": "rooms"}
# The sentinel of each of those columns that may be absent.
_REQUEST_SENTINELS = {"group": NO_GROUP, "facility": NO_PLACE, "room": NO_PLACE}

# The `entity` column of /scalars names a kind in the singular; "run" has no lookup table.
_SCALAR_LOOKUPS = {
    "service": "services",
    "room": "rooms",
    "group": "groups",
    "facility": "facilities",
    "community": "communities",
    "district": "districts",
    "offer": "offers",
    "escalation_level": "escalation_levels",
    "visit_policy": "visit_policies",
    "member_kind": "member_kinds",
    "station_offer": "station_offers",
}

PathOrFile = str | os.PathLike | h5py.File


class TraceError(Exception):
    """A file that is not a readable circlesim trace, or lacks what was asked for."""


# --------------------------------------------------------------------------------------------
# Opening and validation


def _to_python(value: Any) -> Any:
    """Converts an HDF5 attribute value to plain Python (str, int, float, list)."""
    if isinstance(value, bytes):
        return _decode(value)
    if isinstance(value, np.ndarray):
        return [_to_python(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return _to_python(value.item())
    return value


def _decode(value: bytes | str) -> str:
    """Decodes a (fixed-length) HDF5 string; anything from the first NUL on is padding."""
    if isinstance(value, bytes):
        value = value.split(b"\0", 1)[0].decode("utf-8")
    return value.split("\0", 1)[0]


def _validate(file: h5py.File, allow_partial: bool) -> None:
    name = file.filename
    attrs = file.attrs
    fmt = _to_python(attrs.get("format"))
    if fmt != FORMAT:
        found = "no 'format' attribute" if fmt is None else f"format {fmt!r}"
        raise TraceError(f"{name}: not a circlesim trace ({found}, expected {FORMAT!r})")
    version = _to_python(attrs.get("format_version"))
    if version != FORMAT_VERSION:
        raise TraceError(
            f"{name}: trace format_version {version!r} is not supported "
            f"(this reader reads version {FORMAT_VERSION})"
        )
    status = _to_python(attrs.get("status"))
    if status != "complete" and not allow_partial:
        detail = ""
        if status == "interrupted" and "interrupted_at" in attrs:
            detail = f", stopped at simulated time {_to_python(attrs['interrupted_at'])} min"
        raise TraceError(
            f"{name}: trace status is {status!r}{detail}, not 'complete'; "
            "pass allow_partial=True to read it anyway"
        )


def open_trace(path: str | os.PathLike, allow_partial: bool = False) -> h5py.File:
    """Opens a trace read-only after checking its format, version and completeness.

    Raises TraceError when the file is not a circlesim trace of format_version 1, or when its
    ``status`` is not ``complete`` and ``allow_partial`` is false. The caller closes the file
    (it is a context manager).
    """
    file = h5py.File(path, "r")
    try:
        _validate(file, allow_partial)
    except BaseException:
        file.close()
        raise
    return file


@contextlib.contextmanager
def _session(source: PathOrFile, allow_partial: bool) -> Iterator[h5py.File]:
    """Yields a validated file: opens (and closes) a path; validates but keeps an open file."""
    if isinstance(source, h5py.File):
        _validate(source, allow_partial)
        yield source
    else:
        with open_trace(source, allow_partial) as file:
            yield file


# --------------------------------------------------------------------------------------------
# Provenance and lookups


def provenance(path: PathOrFile, allow_partial: bool = False) -> dict[str, Any]:
    """All root attributes as plain Python values, plus ``source_sha256`` and
    ``resolved_sha256`` (the digests of /scenario/source_yaml and /scenario/resolved_yaml)."""
    with _session(path, allow_partial) as file:
        result = {key: _to_python(value) for key, value in file.attrs.items()}
        for dataset, key in (("source_yaml", "source_sha256"), ("resolved_yaml", "resolved_sha256")):
            obj = file.get(f"scenario/{dataset}")
            if obj is not None and "sha256" in obj.attrs:
                result[key] = _to_python(obj.attrs["sha256"])
        return result


def _lookup(file: h5py.File, kind: str) -> list[str]:
    dataset = file.get(f"lookup/{kind}")
    if not isinstance(dataset, h5py.Dataset):
        raise TraceError(f"{file.filename}: no lookup table /lookup/{kind}")
    return [_decode(name) for name in dataset[()].tolist()]


def lookup(path: PathOrFile, kind: str, allow_partial: bool = False) -> list[str]:
    """The names of /lookup/<kind> (entry i names id i): services, groups, facilities, rooms,
    outcomes, handlers."""
    with _session(path, allow_partial) as file:
        return _lookup(file, kind)


def _categorical(file: h5py.File, ids: np.ndarray, kind: str, missing: int | None = None) -> pd.Categorical:
    """Maps ids to the names of /lookup/<kind>; `missing` (a sentinel id) becomes NaN.

    The categories are the whole table in id order, so category codes equal the file's ids.
    """
    names = _lookup(file, kind)
    codes = ids.astype(np.int64)
    if missing is not None:
        codes[ids == missing] = -1
    outside = codes >= len(names)  # ids are unsigned: only too large is possible
    if outside.any():
        bad = codes[outside][0]
        raise TraceError(f"{file.filename}: id {bad} is outside /lookup/{kind} ({len(names)} entries)")
    try:
        return pd.Categorical.from_codes(codes, categories=names)
    except ValueError as error:  # e.g. a name listed twice
        raise TraceError(f"{file.filename}: /lookup/{kind} cannot name categories: {error}") from error


# --------------------------------------------------------------------------------------------
# Requests


def _requests_dataset(file: h5py.File) -> h5py.Dataset:
    dataset = file.get("trace/requests")
    if not isinstance(dataset, h5py.Dataset):
        level = _to_python(file.attrs.get("trace_level"))
        raise TraceError(
            f"{file.filename}: no /trace/requests (trace level {level!r}; "
            "rerun with trace level 'requests' or 'events' to record requests)"
        )
    return dataset


def _outcome_names(file: h5py.File, dataset: h5py.Dataset) -> dict[int, str]:
    """Outcome value -> name, in value order: from the column's HDF5 enum type when it has one,
    else from /lookup/outcomes (for writers or tools without enum support)."""
    mapping = h5py.check_enum_dtype(dataset.dtype["outcome"])
    if mapping is None:
        return dict(enumerate(_lookup(file, "outcomes")))
    return {value: name for name, value in sorted(mapping.items(), key=lambda item: item[1])}


def _outcome_categorical(file: h5py.File, dataset: h5py.Dataset, values: np.ndarray) -> pd.Categorical:
    names = _outcome_names(file, dataset)
    # Enum values need not be 0..n-1: translate them to category codes through a table.
    table = np.full(max(names, default=-1) + 1, -1, dtype=np.int64)
    table[list(names)] = np.arange(len(names))
    values = values.astype(np.int64)
    known = values < table.size
    known[known] = table[values[known]] >= 0
    if not known.all():
        raise TraceError(f"{file.filename}: outcome value {values[~known][0]} has no name")
    return pd.Categorical.from_codes(table[values], categories=list(names.values()))


def load_requests(path: PathOrFile, allow_partial: bool = False) -> pd.DataFrame:
    """/trace/requests as a DataFrame, one row per request that ended, in order of departure.

    Columns: request (uint64), resident (UInt32, <NA> when the scenario has no residents),
    group, service, facility, room (Categoricals of names; NaN when none: group, and facility
    and room of a request with no place, such as a home service), outcome
    (Categorical of the enum names), arrival, start (NaN if never served), end, travel, and the
    derived wait = start - (arrival + travel) and sojourn = end - (arrival + travel), all in
    minutes. The queue is joined at arrival + travel, hence the subtraction of travel. Rows of
    warm-up arrivals are included: filter on ``arrival >= provenance(...)["warmup"]``.
    """
    with _session(path, allow_partial) as file:
        dataset = _requests_dataset(file)
        rows = dataset[()]
        resident = pd.array(rows["resident"], dtype="UInt32")
        resident[rows["resident"] == NO_RESIDENT] = pd.NA
        columns: dict[str, Any] = {"request": rows["request"], "resident": resident}
        for column, kind in _REQUEST_LOOKUPS.items():
            missing = _REQUEST_SENTINELS.get(column)
            columns[column] = _categorical(file, rows[column], kind, missing)
        columns["outcome"] = _outcome_categorical(file, dataset, rows["outcome"])
        for column in ("arrival", "start", "end", "travel"):
            columns[column] = rows[column].astype(np.float64)
        joined = columns["arrival"] + columns["travel"]
        columns["wait"] = columns["start"] - joined  # NaN start stays NaN
        columns["sojourn"] = columns["end"] - joined
        return pd.DataFrame(columns)


def _outcome_counts(file: h5py.File) -> dict[str, int] | None:
    """Requests per outcome (every outcome, zeros included), or None without /trace/requests.

    Reads only the outcome field, so it stays cheap on large traces.
    """
    if not isinstance(file.get("trace/requests"), h5py.Dataset):
        return None
    dataset = file["trace/requests"]
    names = _outcome_names(file, dataset)
    counts = np.bincount(dataset.fields(["outcome"])[()]["outcome"], minlength=max(names, default=-1) + 1)
    return {name: int(counts[value]) for value, name in names.items()}


# --------------------------------------------------------------------------------------------
# Time series, scalars, histograms


def load_timeseries(path: PathOrFile, metric: str | None = None, allow_partial: bool = False) -> pd.DataFrame:
    """/timeseries/<metric> in long format: columns metric, time (start of the interval, min),
    room (name) and value (time average over the interval); every metric when ``metric`` is
    None."""
    with _session(path, allow_partial) as file:
        group = file.get("timeseries")
        available = list(group.keys()) if isinstance(group, h5py.Group) else []
        if metric is not None and metric not in available:
            raise TraceError(
                f"{file.filename}: no time series {metric!r} (available: {', '.join(available) or 'none'})"
            )
        metrics, times, rooms, values = [], [], [], []
        categories: dict[str, None] = {}  # union of the entity names, in order
        for name in [metric] if metric is not None else available:
            series = group[name]
            time = series["time"][()]
            value = series["value"][()]
            entity = _to_python(series.attrs.get("entity", "rooms"))
            names = _lookup(file, entity)
            if value.ndim != 2 or value.shape != (time.size, len(names)):
                raise TraceError(
                    f"{file.filename}: /timeseries/{name}/value has shape {value.shape}, "
                    f"expected ({time.size}, {len(names)})"
                )
            categories.update(dict.fromkeys(names))
            # value is [T, R] row-major: ravel() walks the rooms fastest.
            metrics.append(np.full(value.size, name, dtype=object))
            times.append(np.repeat(time, len(names)))
            rooms.append(np.tile(np.asarray(names, dtype=object), time.size))
            values.append(value.ravel())

        def joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        return pd.DataFrame(
            {
                "metric": pd.Categorical(joined(metrics, object), categories=list(dict.fromkeys(available))),
                "time": joined(times, np.float64),
                "room": pd.Categorical(joined(rooms, object), categories=list(categories)),
                "value": joined(values, np.float64),
            }
        )


def load_summary(path: PathOrFile, allow_partial: bool = False) -> pd.DataFrame:
    """/scalars: columns name, entity, entity_id, entity_name, value, unit.

    entity_name is the name of the entity (from /lookup/services or /lookup/rooms; the scenario
    name for entity 'run'; None for an entity kind this reader does not know).
    """
    with _session(path, allow_partial) as file:
        dataset = file.get("scalars")
        if not isinstance(dataset, h5py.Dataset):
            raise TraceError(f"{file.filename}: no /scalars table")
        rows = dataset[()]
        tables: dict[str, list[str]] = {}
        scenario_name = _to_python(file.attrs.get("scenario_name"))
        records = []
        for row in rows:
            entity = _decode(row["entity"])
            entity_id = int(row["entity_id"])
            if entity == "run":
                entity_name = scenario_name
            elif entity in _SCALAR_LOOKUPS:
                kind = _SCALAR_LOOKUPS[entity]
                if kind not in tables:  # read each lookup once, not once per row
                    tables[kind] = _lookup(file, kind)
                names = tables[kind]
                if entity_id >= len(names):
                    raise TraceError(
                        f"{file.filename}: /scalars entity_id {entity_id} is outside "
                        f"/lookup/{kind} ({len(names)} entries)"
                    )
                entity_name = names[entity_id]
            else:
                entity_name = None
            records.append(
                (_decode(row["name"]), entity, entity_id, entity_name, float(row["value"]), _decode(row["unit"]))
            )
        columns = ["name", "entity", "entity_id", "entity_name", "value", "unit"]
        return pd.DataFrame.from_records(records, columns=columns).astype(
            {"entity_id": np.uint32, "value": np.float64}
        )


def load_histogram(path: PathOrFile, metric: str = "wait", allow_partial: bool = False) -> dict[str, Any]:
    """/histograms/<metric> as a dict:

    - ``edges``: ndarray [K+1]; bucket k holds values in (edges[k], edges[k+1]] (min);
    - ``counts``: DataFrame rooms x buckets (index: room names; columns: the buckets as a
      right-closed pandas IntervalIndex built from ``edges``);
    - ``zero_count``, ``overflow_count``: Series by room (values at or below edges[0] / above
      edges[K]);
    - ``unit``, ``relative_error``: the group's attributes.
    """
    with _session(path, allow_partial) as file:
        group = file.get(f"histograms/{metric}")
        if not isinstance(group, h5py.Group):
            raise TraceError(f"{file.filename}: no histogram /histograms/{metric}")
        edges = group["edges"][()].astype(np.float64)
        counts = group["counts"][()]
        entity = _to_python(group.attrs.get("entity", "rooms"))
        rooms = pd.Index(_lookup(file, entity), name="room")
        if counts.shape != (len(rooms), edges.size - 1):
            raise TraceError(
                f"{file.filename}: /histograms/{metric}/counts has shape {counts.shape}, "
                f"expected ({len(rooms)}, {edges.size - 1})"
            )
        buckets = pd.IntervalIndex.from_breaks(edges, closed="right", name="bucket")
        return {
            "edges": edges,
            "counts": pd.DataFrame(counts, index=rooms, columns=buckets),
            "zero_count": pd.Series(group["zero_count"][()], index=rooms, name="zero_count"),
            "overflow_count": pd.Series(group["overflow_count"][()], index=rooms, name="overflow_count"),
            "unit": _to_python(group.attrs.get("unit")),
            "relative_error": _to_python(group.attrs.get("relative_error")),
        }


def load_table(path: PathOrFile, name: str, allow_partial: bool = False) -> pd.DataFrame:
    """A table of named float64 columns (``TraceSink::write_table``) at /<name>, e.g.
    ``geography/grids`` or ``geography/facilities`` of a city's trace, as a DataFrame with the
    columns in the order written and the table's attributes in ``DataFrame.attrs``.

    Raises TraceError when the file has no such table: traces of a scenario of rooms alone, and
    traces written before tables existed, have none.
    """
    with _session(path, allow_partial) as file:
        dataset = file.get(name)
        if not isinstance(dataset, h5py.Dataset):
            raise TraceError(f"{file.filename}: no table /{name}")
        if dataset.dtype.names is None:
            raise TraceError(f"{file.filename}: /{name} is not a table (not a compound dataset)")
        rows = dataset[()]
        frame = pd.DataFrame({column: rows[column].astype(np.float64) for column in dataset.dtype.names})
        frame.attrs = {key: _to_python(value) for key, value in dataset.attrs.items()}
        return frame


# --------------------------------------------------------------------------------------------
# Command line


def _json_number(value: float) -> float | None:
    # Strict JSON has no NaN or infinity: write null rather than an unparseable token.
    return value if math.isfinite(value) else None


def _report(path: str, allow_partial: bool) -> dict[str, Any]:
    with open_trace(path, allow_partial) as file:
        requests = file.get("trace/requests")
        summary = load_summary(file, allow_partial) if "scalars" in file else None
        return {
            "provenance": provenance(file, allow_partial),
            "requests": int(requests.shape[0]) if isinstance(requests, h5py.Dataset) else None,
            "outcomes": _outcome_counts(file) or {},
            "summary": summary,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print what a circlesim HDF5 trace holds.")
    parser.add_argument("file", help="trace file (.h5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--allow-partial", action="store_true", help="read running/interrupted (.h5.part) files")
    args = parser.parse_args(argv)
    try:
        report = _report(args.file, args.allow_partial)
    except (TraceError, OSError) as error:
        print(f"circlesim_trace: {error}", file=sys.stderr)
        return 1

    summary = report["summary"]
    if args.json:
        scalars = []
        if summary is not None:
            for row in summary.itertuples(index=False):
                scalars.append(
                    {
                        "name": row.name,
                        "entity": row.entity,
                        "entity_id": int(row.entity_id),
                        "value": _json_number(row.value),
                        "unit": row.unit,
                    }
                )
        document = {
            "provenance": {
                key: _json_number(value) if isinstance(value, float) else value
                for key, value in report["provenance"].items()
            },
            "requests": report["requests"],
            "outcomes": report["outcomes"],
            "scalars": scalars,
        }
        json.dump(document, sys.stdout, indent=2, allow_nan=False, default=str)
        print()
        return 0

    width = max(map(len, report["provenance"]), default=0)
    for key, value in report["provenance"].items():
        print(f"{key:<{width}}  {value}")
    print()
    if report["requests"] is None:
        print("requests: none recorded (trace level summary)")
    else:
        print(f"requests: {report['requests']}")
        for name, count in report["outcomes"].items():
            print(f"  {name:<10} {count}")
    print()
    if summary is None or summary.empty:
        print("scalars: none")
    else:
        print(summary.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
