"""Tests of analysis/python/circlesim_report.py's pieces on synthetic traces (the whole report
on traces circlesim wrote is tests/app/report_test.sh).

Run with the Debian Python: /usr/bin/python3 -m unittest discover -s tests/python -v
"""

from __future__ import annotations

import math
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "analysis" / "python"))
sys.path.insert(0, str(HERE))

import circlesim_report as cr  # noqa: E402
from test_circlesim_trace import write_trace  # noqa: E402


class ReportPiecesTest(unittest.TestCase):
    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.dir = Path(self._dir.name)

    def tearDown(self) -> None:
        self._dir.cleanup()

    def test_t_interval(self) -> None:
        estimate = cr.t_interval([1.0, 2.0, 3.0, math.nan], 0.95)
        self.assertEqual(estimate.n, 3)  # NaN left out
        self.assertEqual(estimate.mean, 2.0)
        # t(2, 0.975) = 4.302652729749464; s = 1
        self.assertAlmostEqual(estimate.half_width, 4.302652729749464 / math.sqrt(3), places=8)  # scipy: ~1e-10
        self.assertTrue(math.isnan(cr.t_interval([5.0], 0.95).half_width))
        self.assertEqual(cr.t_interval([], 0.95).n, 0)

    def test_format_estimate(self) -> None:
        self.assertEqual(cr.format_estimate(cr.Estimate(3, 0.1234, 0.01), "share"), "12.3% ± 1.0")
        self.assertEqual(cr.format_estimate(cr.Estimate(3, 3.856, 0.349), "min"), "3.86 ± 0.35")
        self.assertEqual(cr.format_estimate(cr.Estimate(1, 3816.0, math.nan), "count"), "3,816")
        self.assertEqual(cr.format_estimate(cr.Estimate(0, math.nan, math.nan), "min"), "–")

    def test_discover_orders_variants_and_skips_partial_files(self) -> None:
        for variant in ("more_staff", "baseline", "empty"):
            (self.dir / variant).mkdir()
        write_trace(self.dir / "more_staff" / "rep-0000.h5")
        write_trace(self.dir / "baseline" / "rep-0001.h5")
        write_trace(self.dir / "baseline" / "rep-0000.h5")
        write_trace(self.dir / "empty" / "rep-0000.h5.part", status="running")
        found = cr.discover(self.dir)
        self.assertEqual(list(found), ["baseline", "more_staff"])
        self.assertEqual([p.name for p in found["baseline"]], ["rep-0000.h5", "rep-0001.h5"])

    def test_waits_from_requests_skip_warmup_and_unserved(self) -> None:
        # The synthetic rows (warm-up 12 min): arrival 10 served (warm-up: left out), 11.5
        # reneged and 13.25 balked (never served), 12.0 escalated with start 12.0: one wait of 0.
        (self.dir / "baseline").mkdir()
        path = write_trace(self.dir / "baseline" / "rep-0000.h5")
        variant = cr.read_variant("baseline", [path])
        self.assertEqual(variant.wait_source, "requests")
        self.assertEqual(variant.wait_zero, 1)
        self.assertEqual(variant.wait_counts.sum() + variant.wait_over, 0)

    def test_waits_from_histograms_keep_every_observation(self) -> None:
        (self.dir / "baseline").mkdir()
        path = write_trace(self.dir / "baseline" / "rep-0000.h5", level="summary")
        variant = cr.read_variant("baseline", [path])
        self.assertEqual(variant.wait_source, "histograms")
        # zero counts 4 + 0 + 2; buckets 1+2+3 + 1 + 5; overflow 1.
        self.assertEqual(variant.wait_zero, 6)
        self.assertEqual(variant.wait_counts.sum(), 12)
        self.assertEqual(variant.wait_over, 1)
        # Bucket (1, 2] (middle 1.41 min) lands in the bin that holds 1.41.
        index = np.searchsorted(cr.WAIT_EDGES, math.sqrt(2)) - 1
        self.assertEqual(variant.wait_counts[index], 2 + 0 + 0)

    def test_parse_minutes(self) -> None:
        self.assertEqual(cr.parse_minutes("15min"), 15.0)
        self.assertEqual(cr.parse_minutes("2h"), 120.0)
        self.assertEqual(cr.parse_minutes("90s"), 1.5)
        self.assertEqual(cr.parse_minutes(7), 7.0)
        self.assertIsNone(cr.parse_minutes("soon"))


if __name__ == "__main__":
    unittest.main()
