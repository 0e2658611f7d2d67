"""Tests of analysis/python/circlesim_trace.py against synthetic traces written with h5py.

Run with the Debian Python (h5py, numpy, pandas):

    /usr/bin/python3 -m unittest discover -s tests/python -v

With CIRCLESIM_TRACE_FILE=<trace.h5> and CIRCLESIM_TRACE_JSON=<output of
`circlesim inspect FILE --json`> set, a further test checks the reader against the C++ side.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

MODULE_DIR = Path(__file__).resolve().parents[2] / "analysis" / "python"
sys.path.insert(0, str(MODULE_DIR))

import circlesim_trace as ct  # noqa: E402

OUTCOMES = {"served": 0, "reneged": 1, "balked": 2, "sent_away": 3, "unmet": 4, "escalated": 5}
SERVICES = ["pension", "health_check", "meals"]
GROUPS = ["elderly", "families"]
FACILITIES = ["centre_a", "centre_b"]
ROOMS = ["centre_a/desk", "centre_a/clinic", "centre_b/desk"]

# The packed 57-byte row of /trace/requests (no alignment padding).
REQUEST_DTYPE = np.dtype(
    [
        ("request", "<u8"),
        ("resident", "<u4"),
        ("group", "<u2"),
        ("service", "<u2"),
        ("facility", "<u4"),
        ("room", "<u4"),
        ("outcome", h5py.enum_dtype(OUTCOMES, basetype="u1")),
        ("arrival", "<f8"),
        ("start", "<f8"),
        ("end", "<f8"),
        ("travel", "<f8"),
    ]
)
SCALAR_DTYPE = np.dtype(
    [("name", "S48"), ("entity", "S16"), ("entity_id", "<u4"), ("value", "<f8"), ("unit", "S16")]
)

NAN = float("nan")
REQUEST_ROWS = [
    # request, resident, group, service, facility, room, outcome, arrival, start, end, travel
    (0, 7, 0, 0, 0, 0, OUTCOMES["served"], 10.0, 14.0, 20.0, 2.0),
    (1, 4294967295, 65535, 1, 0, 1, OUTCOMES["reneged"], 11.5, NAN, 30.0, 0.0),
    (2, 3, 1, 2, 1, 2, OUTCOMES["escalated"], 12.0, 12.0, 19.5, 0.0),
    (3, 4294967295, 65535, 0, 1, 2, OUTCOMES["balked"], 13.25, NAN, 13.25, 0.0),
]
SCALAR_ROWS = [
    (b"mean_wait", b"service", 0, 2.0, b"min"),
    (b"mean_wait", b"service", 2, 0.1 + 0.2, b"min"),  # not exactly 0.3: must survive as is
    (b"utilisation", b"room", 1, 0.75, b"share"),
    (b"requests", b"run", 0, 4.0, b"count"),
]
TIMES = np.array([0.0, 15.0, 30.0])
QUEUE = np.arange(9, dtype=np.float64).reshape(3, 3) / 4  # [T, R]
EDGES = np.array([0.5, 1.0, 2.0, 4.0])
COUNTS = np.array([[1, 2, 3], [0, 0, 1], [5, 0, 0]], dtype=np.uint64)


def write_trace(
    path: Path,
    *,
    status: str = "complete",
    format_version: int = 1,
    format_name: str = "circlesim-trace",
    level: str = "requests",
    enum_outcome: bool = True,
) -> Path:
    """Writes a small trace following docs/trace-format.md."""
    with h5py.File(path, "w") as f:
        attrs = {
            "format": format_name,
            "format_version": np.int64(format_version),
            "status": status,
            "trace_level": level,
            "software_version": "0.1.0",
            "git_sha": "unknown",
            "created_utc": "2026-11-28T05:40:00Z",
            "scenario_name": "test-centre",
            "variant": "baseline",
            "replication": np.int64(3),
            "master_seed": np.int64(42),
            "time_unit": "min",
            "warmup": np.float64(12.0),
            "horizon": np.float64(480.0),
            "compression_level": np.int64(4),
            "hdf5_version": "1.10.8",
            "yaml_cpp_version": "0.7.0",
            "boost_version": "1.74.0",
        }
        if status == "interrupted":
            attrs["interrupted_at"] = np.float64(100.5)
        f.attrs.update(attrs)

        source = f.create_dataset("scenario/source_yaml", data="run: {name: test-centre}\n", dtype=h5py.string_dtype())
        source.attrs["sha256"] = "a" * 64
        source.attrs["path"] = "scenarios/test.yaml"
        resolved = f.create_dataset("scenario/resolved_yaml", data="run:\n  name: test-centre\n", dtype=h5py.string_dtype())
        resolved.attrs["sha256"] = "b" * 64

        lookups = {
            "services": SERVICES,
            "groups": GROUPS,
            "facilities": FACILITIES,
            "rooms": ROOMS,
            "outcomes": list(OUTCOMES),
        }
        for kind, names in lookups.items():
            f.create_dataset(f"lookup/{kind}", data=names, dtype=h5py.string_dtype())

        if level != "summary":
            dtype = REQUEST_DTYPE
            if not enum_outcome:  # a writer without enum support: plain uint8
                dtype = np.dtype([(n, "u1" if n == "outcome" else REQUEST_DTYPE[n]) for n in REQUEST_DTYPE.names])
            f.create_dataset(
                "trace/requests",
                data=np.array(REQUEST_ROWS, dtype=dtype),
                maxshape=(None,),
                chunks=(16384,),
                shuffle=True,
                compression="gzip",
                compression_opts=4,
            )

        for metric, values in (("queue_length", QUEUE), ("busy_servers", QUEUE + 10)):
            group = f.create_group(f"timeseries/{metric}")
            group["time"] = TIMES
            group["value"] = values
            group.attrs.update({"unit": "people", "entity": "rooms", "statistic": "time_average", "interval": 15.0})

        f.create_dataset("scalars", data=np.array(SCALAR_ROWS, dtype=SCALAR_DTYPE))

        histogram = f.create_group("histograms/wait")
        histogram["edges"] = EDGES
        histogram["counts"] = COUNTS
        histogram["zero_count"] = np.array([4, 0, 2], dtype=np.uint64)
        histogram["overflow_count"] = np.array([0, 1, 0], dtype=np.uint64)
        histogram.attrs.update({"unit": "min", "entity": "rooms", "relative_error": 0.01})
    return path


class SyntheticTraceTest(unittest.TestCase):
    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.dir = Path(self._dir.name)
        self.path = write_trace(self.dir / "rep-0000.h5")

    def tearDown(self) -> None:
        self._dir.cleanup()

    # --- open_trace -------------------------------------------------------------------------

    def test_synthetic_row_is_packed(self) -> None:
        self.assertEqual(REQUEST_DTYPE.itemsize, 57)
        with h5py.File(self.path, "r") as f:
            self.assertEqual(f["trace/requests"].id.get_type().get_size(), 57)

    def test_open_complete_trace(self) -> None:
        with ct.open_trace(self.path) as f:
            self.assertIn("trace/requests", f)

    def test_partial_files_refused(self) -> None:
        for status in ("running", "interrupted"):
            with self.subTest(status=status):
                path = write_trace(self.dir / f"{status}.h5.part", status=status)
                with self.assertRaises(ct.TraceError) as caught:
                    ct.open_trace(path)
                message = str(caught.exception)
                self.assertIn(str(path), message)
                self.assertIn(repr(status), message)
                with self.assertRaises(ct.TraceError):
                    ct.load_requests(path)
                # ... and read when asked to.
                with ct.open_trace(path, allow_partial=True) as f:
                    self.assertEqual(f.attrs["status"], status)
                self.assertEqual(len(ct.load_requests(path, allow_partial=True)), len(REQUEST_ROWS))

    def test_interrupted_message_names_stop_time(self) -> None:
        path = write_trace(self.dir / "stopped.h5.part", status="interrupted")
        with self.assertRaisesRegex(ct.TraceError, "100.5"):
            ct.provenance(path)

    def test_wrong_format_version_refused(self) -> None:
        path = write_trace(self.dir / "v2.h5", format_version=2)
        with self.assertRaisesRegex(ct.TraceError, "format_version 2"):
            ct.open_trace(path)

    def test_wrong_format_refused(self) -> None:
        path = write_trace(self.dir / "other.h5", format_name="something-else")
        with self.assertRaisesRegex(ct.TraceError, "not a circlesim trace"):
            ct.open_trace(path)
        plain = self.dir / "plain.h5"
        with h5py.File(plain, "w") as f:
            f["x"] = 1
        with self.assertRaisesRegex(ct.TraceError, "no 'format' attribute"):
            ct.open_trace(plain)

    def test_open_file_is_validated_too(self) -> None:
        path = write_trace(self.dir / "running.h5.part", status="running")
        with h5py.File(path, "r") as f:
            with self.assertRaises(ct.TraceError):
                ct.load_summary(f)
            self.assertEqual(len(ct.load_summary(f, allow_partial=True)), len(SCALAR_ROWS))

    # --- provenance, lookup -----------------------------------------------------------------

    def test_provenance(self) -> None:
        p = ct.provenance(self.path)
        self.assertEqual(p["format"], "circlesim-trace")
        self.assertEqual(p["scenario_name"], "test-centre")
        self.assertEqual(p["status"], "complete")
        for key, expected in (("format_version", 1), ("replication", 3), ("master_seed", 42)):
            self.assertIs(type(p[key]), int)
            self.assertEqual(p[key], expected)
        self.assertIs(type(p["warmup"]), float)
        self.assertEqual(p["horizon"], 480.0)
        self.assertEqual(p["source_sha256"], "a" * 64)
        self.assertEqual(p["resolved_sha256"], "b" * 64)
        self.assertNotIn("interrupted_at", p)
        json.dumps(p)  # plain Python values only

    def test_provenance_decodes_fixed_length_string_attributes(self) -> None:
        with h5py.File(self.path, "a") as f:
            f.attrs["git_sha"] = np.bytes_(b"0123abc")
        self.assertEqual(ct.provenance(self.path)["git_sha"], "0123abc")

    def test_lookup(self) -> None:
        self.assertEqual(ct.lookup(self.path, "rooms"), ROOMS)
        self.assertEqual(ct.lookup(self.path, "outcomes"), list(OUTCOMES))
        with self.assertRaisesRegex(ct.TraceError, "/lookup/handlers"):
            ct.lookup(self.path, "handlers")

    # --- requests ---------------------------------------------------------------------------

    def test_load_requests_columns_and_names(self) -> None:
        df = ct.load_requests(self.path)
        self.assertEqual(
            list(df.columns),
            ["request", "resident", "group", "service", "facility", "room", "outcome",
             "arrival", "start", "end", "travel", "wait", "sojourn"],
        )
        self.assertEqual(len(df), len(REQUEST_ROWS))
        self.assertEqual(df["request"].tolist(), [0, 1, 2, 3])
        self.assertEqual(df["service"].tolist(), ["pension", "health_check", "meals", "pension"])
        self.assertEqual(df["facility"].tolist(), ["centre_a", "centre_a", "centre_b", "centre_b"])
        self.assertEqual(df["room"].tolist(), ["centre_a/desk", "centre_a/clinic", "centre_b/desk", "centre_b/desk"])
        self.assertEqual(df["outcome"].tolist(), ["served", "reneged", "escalated", "balked"])
        for column, names in (("service", SERVICES), ("room", ROOMS), ("group", GROUPS), ("outcome", list(OUTCOMES))):
            self.assertIsInstance(df[column].dtype, pd.CategoricalDtype)
            self.assertEqual(list(df[column].cat.categories), names)
        # Category codes are the file's ids.
        self.assertEqual(df["room"].cat.codes.tolist(), [0, 1, 2, 2])

    def test_load_requests_missing_resident_and_group(self) -> None:
        df = ct.load_requests(self.path)
        self.assertEqual(df["resident"].dtype, pd.UInt32Dtype())
        self.assertEqual(df["resident"].iloc[0], 7)
        self.assertIs(df["resident"].iloc[1], pd.NA)
        self.assertEqual(df["resident"].isna().tolist(), [False, True, False, True])
        self.assertEqual(df["group"].iloc[0], "elderly")
        self.assertEqual(df["group"].iloc[2], "families")
        self.assertEqual(df["group"].isna().tolist(), [False, True, False, True])

    def test_load_requests_without_a_place(self) -> None:
        # A request unmet for want of a place, or a home service, names no facility or room.
        with h5py.File(self.path, "a") as f:
            rows = f["trace/requests"][()]
            rows["facility"][1] = ct.NO_PLACE
            rows["room"][1] = ct.NO_PLACE
            f["trace/requests"][...] = rows
        df = ct.load_requests(self.path)
        self.assertEqual(df["facility"].isna().tolist(), [False, True, False, False])
        self.assertEqual(df["room"].isna().tolist(), [False, True, False, False])
        self.assertEqual(df["room"].iloc[0], "centre_a/desk")

    def test_load_requests_wait_and_sojourn(self) -> None:
        df = ct.load_requests(self.path)
        # The queue is joined at arrival + travel.
        self.assertEqual(df["wait"].iloc[0], 14.0 - (10.0 + 2.0))
        self.assertEqual(df["sojourn"].iloc[0], 20.0 - (10.0 + 2.0))
        self.assertEqual(df["wait"].iloc[2], 0.0)
        self.assertTrue(math.isnan(df["start"].iloc[1]))
        self.assertTrue(math.isnan(df["wait"].iloc[1]))  # NaN start -> NaN wait
        self.assertEqual(df["sojourn"].iloc[1], 30.0 - 11.5)
        self.assertEqual(df["wait"].isna().tolist(), [False, True, False, True])

    def test_outcome_enum_read_from_dtype(self) -> None:
        # The enum type, not /lookup/outcomes, names the values.
        with h5py.File(self.path, "a") as f:
            del f["lookup/outcomes"]
            f["lookup/outcomes"] = np.array([b"x0", b"x1", b"x2", b"x3", b"x4", b"x5"])
        self.assertEqual(ct.load_requests(self.path)["outcome"].tolist(), ["served", "reneged", "escalated", "balked"])

    def test_outcome_falls_back_to_lookup(self) -> None:
        path = write_trace(self.dir / "no-enum.h5", enum_outcome=False)
        with h5py.File(path, "r") as f:
            self.assertIsNone(h5py.check_enum_dtype(f["trace/requests"].dtype["outcome"]))
        self.assertEqual(ct.load_requests(path)["outcome"].tolist(), ["served", "reneged", "escalated", "balked"])

    def test_summary_level_has_no_requests(self) -> None:
        path = write_trace(self.dir / "summary.h5", level="summary")
        with self.assertRaisesRegex(ct.TraceError, r"no /trace/requests.*'summary'"):
            ct.load_requests(path)

    def test_request_id_outside_lookup(self) -> None:
        with h5py.File(self.path, "a") as f:
            rows = f["trace/requests"][()]
            rows["room"][0] = 9
            f["trace/requests"][...] = rows
        with self.assertRaisesRegex(ct.TraceError, r"id 9 is outside /lookup/rooms"):
            ct.load_requests(self.path)

    def test_empty_requests(self) -> None:
        with h5py.File(self.path, "a") as f:
            f["trace/requests"].resize((0,))
        df = ct.load_requests(self.path)
        self.assertEqual(len(df), 0)
        self.assertIn("wait", df.columns)

    # --- time series, scalars, histograms ----------------------------------------------------

    def test_load_timeseries_one_metric(self) -> None:
        df = ct.load_timeseries(self.path, "queue_length")
        self.assertEqual(list(df.columns), ["metric", "time", "room", "value"])
        self.assertEqual(len(df), TIMES.size * len(ROOMS))
        self.assertEqual(set(df["metric"]), {"queue_length"})
        row = df[(df["time"] == 15.0) & (df["room"] == "centre_a/clinic")]
        self.assertEqual(row["value"].tolist(), [QUEUE[1, 1]])
        wide = df.pivot(index="time", columns="room", values="value")[ROOMS]
        np.testing.assert_array_equal(wide.to_numpy(), QUEUE)

    def test_load_timeseries_all_metrics(self) -> None:
        df = ct.load_timeseries(self.path)
        self.assertEqual(sorted(set(df["metric"])), ["busy_servers", "queue_length"])
        self.assertEqual(len(df), 2 * TIMES.size * len(ROOMS))
        busy = df[df["metric"] == "busy_servers"]
        np.testing.assert_array_equal(busy["value"].to_numpy(), (QUEUE + 10).ravel())
        with self.assertRaisesRegex(ct.TraceError, "no time series 'capacity'"):
            ct.load_timeseries(self.path, "capacity")

    def test_load_summary(self) -> None:
        df = ct.load_summary(self.path)
        self.assertEqual(list(df.columns), ["name", "entity", "entity_id", "entity_name", "value", "unit"])
        self.assertEqual(df["name"].tolist(), ["mean_wait", "mean_wait", "utilisation", "requests"])
        self.assertEqual(df["entity"].tolist(), ["service", "service", "room", "run"])
        self.assertEqual(df["entity_id"].tolist(), [0, 2, 1, 0])
        self.assertEqual(df["entity_name"].tolist(), ["pension", "meals", "centre_a/clinic", "test-centre"])
        self.assertEqual(df["unit"].tolist(), ["min", "min", "share", "count"])
        self.assertEqual(df["value"].tolist(), [2.0, 0.1 + 0.2, 0.75, 4.0])
        for column in ("name", "entity", "unit"):
            self.assertFalse(any("\0" in text for text in df[column]))

    def test_load_histogram(self) -> None:
        h = ct.load_histogram(self.path)
        np.testing.assert_array_equal(h["edges"], EDGES)
        self.assertEqual(list(h["counts"].index), ROOMS)
        self.assertEqual(h["counts"].shape, (len(ROOMS), EDGES.size - 1))
        np.testing.assert_array_equal(h["counts"].to_numpy(), COUNTS)
        self.assertEqual(h["counts"].loc["centre_a/desk"].iloc[2], 3)
        self.assertEqual(h["counts"].columns[0], pd.Interval(0.5, 1.0, closed="right"))
        self.assertEqual(h["zero_count"]["centre_a/desk"], 4)
        self.assertEqual(h["overflow_count"].tolist(), [0, 1, 0])
        self.assertEqual(list(h["overflow_count"].index), ROOMS)
        self.assertEqual(h["relative_error"], 0.01)
        with self.assertRaisesRegex(ct.TraceError, "/histograms/sojourn"):
            ct.load_histogram(self.path, "sojourn")

    # --- tables (TraceSink::write_table) ----------------------------------------------------

    def test_load_table(self) -> None:
        columns = ["y_m", "x_m", "reach.community_centre/health.general"]
        rows = np.array([(1.5, -2.0, 1.0), (NAN, 0.1 + 0.2, 0.0)], dtype=[(c, "<f8") for c in columns])
        with h5py.File(self.path, "a") as f:
            table = f.create_dataset("geography/grids", data=rows)
            table.attrs["travel_target"] = 15.0
            table.attrs["unit"] = "m"
        frame = ct.load_table(self.path, "geography/grids")
        self.assertEqual(list(frame.columns), columns)  # the order written, not sorted
        self.assertEqual(frame["x_m"].tolist(), [-2.0, 0.1 + 0.2])
        self.assertTrue(math.isnan(frame["y_m"].iloc[1]))
        self.assertEqual(frame["reach.community_centre/health.general"].dtype, np.float64)
        self.assertEqual(frame.attrs, {"travel_target": 15.0, "unit": "m"})

    def test_load_table_missing_or_not_a_table(self) -> None:
        with self.assertRaisesRegex(ct.TraceError, "no table /geography/grids"):
            ct.load_table(self.path, "geography/grids")
        with self.assertRaisesRegex(ct.TraceError, "/lookup/services is not a table"):
            ct.load_table(self.path, "lookup/services")

    # --- command line -------------------------------------------------------------------------

    def run_cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(MODULE_DIR / "circlesim_trace.py"), *args],
            capture_output=True, text=True, check=False,
        )

    def test_cli_json(self) -> None:
        result = self.run_cli(str(self.path), "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        document = json.loads(result.stdout)
        self.assertEqual(document["provenance"]["scenario_name"], "test-centre")
        self.assertEqual(document["requests"], len(REQUEST_ROWS))
        self.assertEqual(
            document["outcomes"],
            {"served": 1, "reneged": 1, "balked": 1, "sent_away": 0, "unmet": 0, "escalated": 1},
        )
        self.assertEqual(
            document["scalars"][1],
            {"name": "mean_wait", "entity": "service", "entity_id": 2, "value": 0.1 + 0.2, "unit": "min"},
        )

    def test_cli_json_summary_level(self) -> None:
        path = write_trace(self.dir / "summary.h5", level="summary")
        document = json.loads(self.run_cli(str(path), "--json").stdout)
        self.assertIsNone(document["requests"])
        self.assertEqual(document["outcomes"], {})
        self.assertEqual(len(document["scalars"]), len(SCALAR_ROWS))

    def test_cli_text(self) -> None:
        result = self.run_cli(str(self.path))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("requests: 4", result.stdout)
        self.assertIn("sent_away", result.stdout)
        self.assertIn("utilisation", result.stdout)

    def test_cli_refuses_partial(self) -> None:
        path = write_trace(self.dir / "running.h5.part", status="running")
        result = self.run_cli(str(path))
        self.assertEqual(result.returncode, 1)
        self.assertIn("'running'", result.stderr)
        self.assertEqual(self.run_cli(str(path), "--allow-partial").returncode, 0)


@unittest.skipUnless(
    os.environ.get("CIRCLESIM_TRACE_FILE") and os.environ.get("CIRCLESIM_TRACE_JSON"),
    "set CIRCLESIM_TRACE_FILE and CIRCLESIM_TRACE_JSON to check a trace written by circlesim",
)
class RealTraceTest(unittest.TestCase):
    """Checks the reader against `circlesim inspect FILE --json` on a file circlesim wrote."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.path = os.environ["CIRCLESIM_TRACE_FILE"]
        with open(os.environ["CIRCLESIM_TRACE_JSON"], encoding="utf-8") as stream:
            cls.document = json.load(stream)

    def test_request_rows(self) -> None:
        expected = self.document["datasets"]["/trace/requests"]["rows"]
        self.assertEqual(len(ct.load_requests(self.path)), expected)

    def test_scalars_equal_exactly(self) -> None:
        summary = ct.load_summary(self.path)
        found: dict[tuple, list[float]] = {}
        for row in summary.itertuples(index=False):
            found.setdefault((row.name, row.entity, int(row.entity_id)), []).append(row.value)
        expected: dict[tuple, list[float]] = {}
        for scalar in self.document["scalars"]:
            # JSON has no NaN: a null value stands for one.
            value = NAN if scalar["value"] is None else float(scalar["value"])
            expected.setdefault((scalar["name"], scalar["entity"], int(scalar["entity_id"])), []).append(value)
        self.assertTrue(expected, "the JSON lists no scalars")
        for key, values in expected.items():
            with self.subTest(scalar=key):
                self.assertIn(key, found)
                self.assertEqual(len(found[key]), len(values))
                for got, want in zip(found[key], values):
                    if math.isnan(want):
                        self.assertTrue(math.isnan(got), f"{got!r} != NaN")
                    else:
                        self.assertEqual(got, want)  # exact: the text must round-trip the double


if __name__ == "__main__":
    unittest.main()
