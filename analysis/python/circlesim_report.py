"""Write an HTML report of a circlesim run or batch: KPI table with confidence intervals per
variant, waiting-time distributions, room utilisation heat maps, a 15-minute coverage map of the
city with its facilities, and unmet demand by group (docs/report.md says what each shows).

Input: DIR/<variant>/rep-NNNN.h5 as ``circlesim run`` and ``circlesim batch`` write them (or a
single directory of rep-NNNN.h5 files); ``.part`` files are left out. Output: REPORT_DIR/index.html
and the PNG figures it shows, with relative paths, readable from the disk without a server.

Run with Debian's Python (h5py, pandas, matplotlib)::

    /usr/bin/python3 analysis/python/circlesim_report.py out -o report

``circlesim report DIR -o REPORT_DIR`` runs it and takes care of overwriting and of never leaving
a half-written report. Exit codes: 0 ok, 65 a file is not a readable circlesim trace, 66 no
complete traces, 1 anything else (with a traceback).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import h5py
import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from scipy import stats  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import circlesim_trace as ct  # noqa: E402

EXIT_INVALID = 65
EXIT_NO_INPUT = 66

# Heat maps show at most this many rooms (the busiest), so that a city's thousands stay legible.
MAX_HEATMAP_ROOMS = 40
# Wait-time bins of the distributions: exact zeros apart, then log-spaced edges in minutes.
WAIT_EDGES = np.concatenate([[0.0], np.logspace(-1, 4, 151)])
# Request rows are read in blocks of this many rows, so that a large trace is never whole in memory.
BLOCK_ROWS = 1 << 20
# Distinct colours and markers for variants and facility kinds.
COLOURS = plt.get_cmap("tab10").colors
KIND_STYLE = {
    "community_centre": ("s", "#1f77b4", "community centre"),
    "neighbourhood_centre": ("D", "#2ca02c", "neighbourhood centre"),
    "red_station": ("^", "#d62728", "red station"),
    "street_office": ("P", "#9467bd", "street office"),
    "district_department": ("*", "#8c564b", "district department"),
}


# ------------------------------------------------------------------------------------------------
# Reading


@dataclass
class Replication:
    path: Path
    provenance: dict[str, Any]
    summary: pd.DataFrame
    # Key -> value for the scalar lookups below: (name, entity, entity_name).
    scalars: dict[tuple[str, str, str], float]


@dataclass
class Variant:
    name: str
    replications: list[Replication] = field(default_factory=list)
    wait_source: str = "none"  # "requests", "histograms" or "none"
    wait_zero: float = 0.0  # waits of exactly zero, pooled over the replications
    wait_counts: np.ndarray = field(default_factory=lambda: np.zeros(WAIT_EDGES.size - 1))
    wait_over: float = 0.0  # waits beyond the last edge
    grids: pd.DataFrame | None = None
    facilities: pd.DataFrame | None = None
    facility_kinds: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    travel_target: float | None = None


def discover(directory: Path) -> dict[str, list[Path]]:
    """Variant name -> its complete traces (rep-*.h5, sorted): subdirectories of `directory`,
    or `directory` itself when it holds traces directly. 'baseline' comes first."""
    found: dict[str, list[Path]] = {}
    own = sorted(directory.glob("rep-*.h5"))
    if own:
        found[directory.resolve().name] = own
    for sub in sorted(p for p in directory.iterdir() if p.is_dir()):
        files = sorted(sub.glob("rep-*.h5"))
        if files:
            found[sub.name] = files
    order = sorted(found, key=lambda name: (name != "baseline", name))
    return {name: found[name] for name in order}


def read_replication(path: Path) -> Replication:
    try:
        opened = ct.open_trace(path)
    except OSError as error:  # h5py's words for a file that is not HDF5 at all
        raise ct.TraceError(f"{path}: not a readable HDF5 trace ({error})") from error
    with opened as file:
        provenance = ct.provenance(file)
        summary = ct.load_summary(file) if "scalars" in file else pd.DataFrame(
            columns=["name", "entity", "entity_id", "entity_name", "value", "unit"]
        )
    scalars = {
        (row.name, row.entity, str(row.entity_name)): float(row.value)
        for row in summary.itertuples(index=False)
    }
    return Replication(path, provenance, summary, scalars)


def add_waits_from_requests(variant: Variant, file: h5py.File, warmup: float) -> None:
    """Bins the waits of served requests that arrived after the warm-up, block by block."""
    dataset = file["trace/requests"]
    for first in range(0, dataset.shape[0], BLOCK_ROWS):
        rows = dataset.fields(["arrival", "start", "travel"])[first : first + BLOCK_ROWS]
        measured = (rows["arrival"] >= warmup) & ~np.isnan(rows["start"])
        wait = rows["start"][measured] - (rows["arrival"][measured] + rows["travel"][measured])
        wait = np.maximum(wait, 0.0)  # rounding can make an immediate start a hair negative
        variant.wait_zero += float(np.count_nonzero(wait == 0))
        positive = wait[wait > 0]
        variant.wait_over += float(np.count_nonzero(positive > WAIT_EDGES[-1]))
        counts, _ = np.histogram(positive[positive <= WAIT_EDGES[-1]], bins=WAIT_EDGES)
        variant.wait_counts += counts


def add_waits_from_histograms(variant: Variant, file: h5py.File) -> None:
    """Adds /histograms/wait summed over rooms, each bucket moved to the bin of its geometric
    middle (within the histogram's own relative error)."""
    histogram = ct.load_histogram(file, "wait")
    counts = histogram["counts"].to_numpy().sum(axis=0).astype(float)
    edges = histogram["edges"]
    middles = np.sqrt(np.maximum(edges[:-1], 1e-12) * edges[1:])
    variant.wait_zero += float(histogram["zero_count"].sum())
    variant.wait_over += float(histogram["overflow_count"].sum()) + float(
        counts[middles > WAIT_EDGES[-1]].sum()
    )
    inside = middles <= WAIT_EDGES[-1]
    index = np.clip(np.searchsorted(WAIT_EDGES, middles[inside], side="left") - 1, 0, WAIT_EDGES.size - 2)
    np.add.at(variant.wait_counts, index, counts[inside])


def read_variant(name: str, files: list[Path]) -> Variant:
    variant = Variant(name)
    has_requests = True
    has_histograms = True
    for path in files:
        replication = read_replication(path)
        variant.replications.append(replication)
        with ct.open_trace(path) as file:
            has_requests &= isinstance(file.get("trace/requests"), h5py.Dataset)
            has_histograms &= isinstance(file.get("histograms/wait"), h5py.Group)
    # Every replication the same way, so that the pooled distribution is not a mixture.
    variant.wait_source = "requests" if has_requests else "histograms" if has_histograms else "none"
    for replication in variant.replications:
        with ct.open_trace(replication.path) as file:
            if variant.wait_source == "requests":
                add_waits_from_requests(variant, file, float(replication.provenance.get("warmup", 0.0)))
            elif variant.wait_source == "histograms":
                add_waits_from_histograms(variant, file)
    # Geography and lookups: the same in every replication of a variant; read from the first.
    with ct.open_trace(files[0]) as file:
        for kind, attribute in (("offers", "offers"), ("groups", "groups"), ("facility_kinds", "facility_kinds")):
            if isinstance(file.get(f"lookup/{kind}"), h5py.Dataset):
                setattr(variant, attribute, ct.lookup(file, kind))
        if isinstance(file.get("geography/grids"), h5py.Dataset):
            variant.grids = ct.load_table(file, "geography/grids")
            variant.travel_target = float(variant.grids.attrs.get("travel_target", math.nan))
        if isinstance(file.get("geography/facilities"), h5py.Dataset):
            variant.facilities = ct.load_table(file, "geography/facilities")
    return variant


def scenario_confidence(variant: Variant) -> float | None:
    """run.confidence of the resolved scenario of the first trace, if it says."""
    with ct.open_trace(variant.replications[0].path) as file:
        dataset = file.get("scenario/resolved_yaml")
        if not isinstance(dataset, h5py.Dataset):
            return None
        text = dataset[()]
    try:
        resolved = json.loads(text.decode() if isinstance(text, bytes) else text)
        value = resolved.get("run", {}).get("confidence")
        return float(value) if value is not None else None
    except (ValueError, AttributeError):
        return None


def scenario_targets(variant: Variant) -> dict[str, float]:
    """The wait target in minutes, from the resolved scenario when it says (for the plots)."""
    with ct.open_trace(variant.replications[0].path) as file:
        dataset = file.get("scenario/resolved_yaml")
        if not isinstance(dataset, h5py.Dataset):
            return {}
        text = dataset[()]
    try:
        resolved = json.loads(text.decode() if isinstance(text, bytes) else text)
    except ValueError:
        return {}
    targets = resolved.get("targets", {}) if isinstance(resolved, dict) else {}
    result = {}
    for key in ("wait", "travel"):
        minutes = parse_minutes(targets.get(key))
        if minutes is not None:
            result[key] = minutes
    return result


def parse_minutes(value: Any) -> float | None:
    """A duration as the scenario writes it ('15min', '1h', '90s', '2d', or minutes)."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    units = {"s": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0}
    for unit in sorted(units, key=len, reverse=True):
        if value.endswith(unit):
            try:
                return float(value[: -len(unit)]) * units[unit]
            except ValueError:
                return None
    return None


# ------------------------------------------------------------------------------------------------
# Statistics


@dataclass
class Estimate:
    n: int
    mean: float
    half_width: float  # NaN with fewer than two values


def t_interval(values: list[float], confidence: float) -> Estimate:
    """Mean of the replications and the Student t half-width; NaN values are left out."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if x.size == 0:
        return Estimate(0, math.nan, math.nan)
    if x.size == 1:
        return Estimate(1, float(x[0]), math.nan)
    quantile = stats.t.ppf(0.5 + confidence / 2, df=x.size - 1)
    return Estimate(int(x.size), float(x.mean()), float(quantile * x.std(ddof=1) / math.sqrt(x.size)))


def ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or not math.isfinite(part) or not whole:
        return None
    return part / whole


# ------------------------------------------------------------------------------------------------
# KPIs: a spec computes one value per replication from its scalars; specs whose value is missing
# in every replication of every variant are left out.


@dataclass
class Kpi:
    section: str
    label: str
    unit: str  # "min", "share", "count", "1"
    value: Callable[[dict[tuple[str, str, str], float]], float | None]
    better: str = ""  # "lower" / "higher": shown as a hint


def entity_names(variants: list[Variant], entity: str) -> list[str]:
    """Names of the entities of a kind that appear in the scalars, in first-seen order."""
    names: dict[str, None] = {}
    for variant in variants:
        for replication in variant.replications:
            frame = replication.summary
            for name in frame.loc[frame.entity == entity, "entity_name"]:
                names.setdefault(str(name))
    return list(names)


def kpi_specs(variants: list[Variant]) -> list[Kpi]:
    def get(name: str, entity: str, who: str) -> Callable[[dict], float | None]:
        return lambda s: s.get((name, entity, who))

    specs: list[Kpi] = []
    groups = entity_names(variants, "group")
    if groups:  # the city model
        general = groups[0]
        g = lambda name: get(name, "group", general)  # noqa: E731
        section = f"Requests of all residents ({general})"
        specs += [
            Kpi(section, "requests", "count", g("requests")),
            Kpi(section, "mean wait", "min", g("mean_wait"), "lower"),
            Kpi(section, "p90 wait", "min", g("p90_wait"), "lower"),
            Kpi(
                section,
                "served within the wait target",
                "share",
                lambda s: ratio(
                    s.get(("within_wait_target", "group", general)),
                    (s.get(("served", "group", general)) or 0) + (s.get(("escalated", "group", general)) or 0),
                ),
                "higher",
            ),
            Kpi(
                section,
                "unmet",
                "share",
                lambda s: ratio(s.get(("unmet", "group", general)), s.get(("requests", "group", general))),
                "lower",
            ),
            Kpi(
                section,
                "reneged (gave up waiting)",
                "share",
                lambda s: ratio(s.get(("reneged", "group", general)), s.get(("requests", "group", general))),
                "lower",
            ),
            Kpi(section, "mean travel", "min", g("mean_travel"), "lower"),
        ]
        section = "Unmet demand by group (share of the group's requests)"
        for group in groups[1:]:
            specs.append(
                Kpi(
                    section,
                    group,
                    "share",
                    lambda s, group=group: ratio(s.get(("unmet", "group", group)), s.get(("requests", "group", group))),
                    "lower",
                )
            )
        offers = entity_names(variants, "offer")
        if offers:
            section = f"15-minute coverage by group (mean over the {len(offers)} kinds of service place)"
            for group in groups:
                def coverage(s: dict, group: str = group) -> float | None:
                    values = [s.get((f"coverage.{group}", "offer", offer)) for offer in offers]
                    values = [v for v in values if v is not None and math.isfinite(v)]
                    return float(np.mean(values)) if values else None

                specs.append(Kpi(section, group, "share", coverage, "higher"))
        home = [n for n in entity_names(variants, "service")]
        section = "Home services (grid members at the door)"
        for service in home:
            specs.append(Kpi(section, f"{service}: mean response", "min", get("home.mean_response", "service", service), "lower"))
            specs.append(
                Kpi(
                    section,
                    f"{service}: within the response target",
                    "share",
                    lambda s, service=service: ratio(
                        s.get(("home.within_response_target", "service", service)),
                        s.get(("home.served", "service", service)),
                    ),
                    "higher",
                )
            )
        section = "Proactive care visits"
        for policy in entity_names(variants, "visit_policy"):
            specs.append(
                Kpi(
                    section,
                    f"{policy}: on time",
                    "share",
                    lambda s, policy=policy: ratio(
                        s.get(("visit.on_time", "visit_policy", policy)), s.get(("visit.due", "visit_policy", policy))
                    ),
                    "higher",
                )
            )
        section = "Red stations"
        for offer in entity_names(variants, "station_offer"):
            specs.append(Kpi(section, f"{offer}: blocking", "share", get("red_station.blocking", "station_offer", offer), "lower"))
    else:  # a scenario of rooms alone
        for service in entity_names(variants, "service"):
            section = f"Service {service}"
            specs += [
                Kpi(section, "arrivals", "count", get("arrivals", "service", service)),
                Kpi(section, "mean wait", "min", get("mean_wait", "service", service), "lower"),
                Kpi(section, "delayed (waited at all)", "share", get("p_delayed", "service", service), "lower"),
                Kpi(section, "abandoned", "share", get("p_abandon", "service", service), "lower"),
                Kpi(section, "turned away", "share", get("p_turned_away", "service", service), "lower"),
            ]
    rooms = entity_names(variants, "room")
    if 0 < len(rooms) <= 12:
        for room in rooms:
            specs.append(Kpi("Room utilisation", room, "share", get("utilisation", "room", room)))
    return specs


def kpi_table(variants: list[Variant], specs: list[Kpi], confidence: float) -> list[tuple[Kpi, list[Estimate]]]:
    rows = []
    for spec in specs:
        estimates = [
            t_interval([spec.value(r.scalars) for r in variant.replications], confidence) for variant in variants
        ]
        if any(e.n > 0 for e in estimates):
            rows.append((spec, estimates))
    return rows


def format_estimate(estimate: Estimate, unit: str) -> str:
    if estimate.n == 0:
        return "–"
    scale, suffix, digits = (100.0, "%", 1) if unit == "share" else (1.0, "", 2 if unit == "min" else 0)
    if unit == "count" and abs(estimate.mean) < 100:
        digits = 1
    mean = f"{estimate.mean * scale:,.{digits}f}{suffix}"
    if not math.isfinite(estimate.half_width):
        return mean
    return f"{mean} ± {estimate.half_width * scale:,.{digits}f}"


# ------------------------------------------------------------------------------------------------
# Figures


def save(figure: plt.Figure, out: Path, name: str) -> str:
    figure.savefig(out / name, dpi=100, bbox_inches="tight")
    plt.close(figure)
    return name


def figure_kpi_bars(variants: list[Variant], rows: list[tuple[Kpi, list[Estimate]]], out: Path) -> str | None:
    """The first few KPIs of the table as bars with their intervals, one bar per variant."""
    chosen = [(k, e) for k, e in rows if k.unit in ("min", "share") and not k.section.startswith(("Unmet", "15-minute"))][:6]
    if not chosen:
        return None
    columns = min(3, len(chosen))
    lines = math.ceil(len(chosen) / columns)
    figure, axes = plt.subplots(lines, columns, figsize=(4.2 * columns, 3.0 * lines), squeeze=False)
    for ax in axes.flat[len(chosen):]:
        ax.axis("off")
    for ax, (kpi, estimates) in zip(axes.flat, chosen):
        scale = 100.0 if kpi.unit == "share" else 1.0
        means = [e.mean * scale for e in estimates]
        errors = [e.half_width * scale if math.isfinite(e.half_width) else 0.0 for e in estimates]
        ax.bar(range(len(variants)), means, yerr=errors, capsize=4, color=[COLOURS[i % 10] for i in range(len(variants))])
        ax.set_xticks(range(len(variants)), [v.name for v in variants], rotation=20, ha="right", fontsize=8)
        ax.set_title(f"{kpi.label}", fontsize=9)
        ax.set_ylabel("%" if kpi.unit == "share" else kpi.unit)
        ax.set_ylim(bottom=0)
    figure.suptitle("Key indicators: mean of the replications with its confidence interval", fontsize=10)
    figure.tight_layout()
    return save(figure, out, "kpis.png")


def figure_waits(variants: list[Variant], wait_target: float | None, confidence: float, out: Path) -> tuple[str, str]:
    """The distribution of waits per variant (ECDF from binned waits), or, when no trace holds
    waits, the quantiles the summaries give."""
    figure, ax = plt.subplots(figsize=(8, 4.5))
    usable = [v for v in variants if v.wait_source != "none" and (v.wait_zero + v.wait_counts.sum() + v.wait_over) > 0]
    if usable:
        sources = sorted({v.wait_source for v in usable})
        for i, variant in enumerate(variants):
            if variant not in usable:
                continue
            total = variant.wait_zero + variant.wait_counts.sum() + variant.wait_over
            cdf = (variant.wait_zero + np.cumsum(variant.wait_counts)) / total
            x = np.concatenate([[WAIT_EDGES[1] / 2], WAIT_EDGES[1:]])
            y = np.concatenate([[variant.wait_zero / total], cdf])
            label = f"{variant.name} ({int(total):,} waits, {variant.wait_zero / total:.0%} none)"
            ax.step(x, y, where="post", color=COLOURS[i % 10], label=label)
        ax.set_xscale("log")
        ax.set_xlabel("wait (min, log scale; waits of 0 at the left edge)")
        ax.set_ylabel("share of those served waiting at most this long")
        ax.set_ylim(0, 1.01)
        ax.grid(alpha=0.3, which="both")
        if wait_target:
            ax.axvline(wait_target, color="grey", linestyle="--", linewidth=1)
            ax.text(wait_target, 0.02, f" target {wait_target:g} min", color="grey", fontsize=8)
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title("Waiting time of the requests served (pooled over the replications)", fontsize=10)
        note = (
            "from the request rows of the traces (arrivals after the warm-up)"
            if sources == ["requests"]
            else "from the rooms' wait histograms (/histograms/wait, summed over rooms)"
            if sources == ["histograms"]
            else "from request rows or wait histograms, as each variant's traces hold them"
        )
    else:
        # Quantiles of the summary (every trace level has them).
        names = [("mean_wait", "mean"), ("p50_wait", "p50"), ("p90_wait", "p90"), ("p95_wait", "p95")]
        width = 0.8 / max(1, len(variants))
        groups = [r.summary for v in variants for r in v.replications]
        entity = "group" if any((f.entity == "group").any() for f in groups) else "service"
        who = entity_names(variants, entity)[:1]
        for i, variant in enumerate(variants):
            means, errors = [], []
            for name, _ in names:
                estimate = t_interval(
                    [r.scalars.get((name, entity, who[0])) if who else None for r in variant.replications], confidence
                )
                means.append(estimate.mean)
                errors.append(estimate.half_width if math.isfinite(estimate.half_width) else 0.0)
            ax.bar(np.arange(len(names)) + i * width, means, width, yerr=errors, capsize=3, color=COLOURS[i % 10], label=variant.name)
        ax.set_xticks(np.arange(len(names)) + width * (len(variants) - 1) / 2, [label for _, label in names])
        ax.set_ylabel("wait (min)")
        ax.legend(fontsize=8)
        ax.set_title(
            f"Waiting time of {who[0] if who else 'all'}: mean and quantiles ({confidence:.0%} intervals)", fontsize=10
        )
        note = (
            "from the summary quantiles: these traces hold neither request rows nor wait histograms "
            "(run with --trace-level requests for the whole distribution)"
        )
    figure.tight_layout()
    return save(figure, out, "waits.png"), note


def hourly_utilisation(variant: Variant) -> pd.DataFrame | None:
    """Rooms x 24 hours, mean over the replications: from the utilisation_HHh scalars, else from
    the time series (busy staff over staff on duty by hour of the day, after the warm-up)."""
    frames = []
    for replication in variant.replications:
        s = replication.summary
        hourly = s[(s.entity == "room") & s.name.str.match(r"^utilisation_\d\dh$")]
        if not hourly.empty:
            table = hourly.assign(hour=hourly.name.str[12:14].astype(int)).pivot_table(
                index="entity_name", columns="hour", values="value", aggfunc="mean"
            )
            frames.append(table)
            continue
        with ct.open_trace(replication.path) as file:
            series = file.get("timeseries")
            if not isinstance(series, h5py.Group) or "busy_servers" not in series or "capacity" not in series:
                continue
            rooms = ct.lookup(file, "rooms")
            time = series["busy_servers/time"][()]
            busy = series["busy_servers/value"][()]
            capacity = series["capacity/value"][()]
            interval = float(series["busy_servers"].attrs.get("interval", 15.0))
        warmup = float(replication.provenance.get("warmup", 0.0))
        keep = time >= warmup
        hours = ((time[keep] % 1440) // 60).astype(int)
        table = pd.DataFrame(index=pd.Index(rooms, name="entity_name"), columns=range(24), dtype=float)
        for hour in range(24):
            at = hours == hour
            on_duty = capacity[keep][at].sum(axis=0) * interval
            used = busy[keep][at].sum(axis=0) * interval
            with np.errstate(invalid="ignore", divide="ignore"):
                table[hour] = np.where(on_duty > 0, used / on_duty, np.nan)
        frames.append(table)
    if not frames:
        return None
    return pd.concat(frames).groupby(level=0, sort=False).mean()


def figure_heatmaps(variants: list[Variant], out: Path) -> list[tuple[str, str]]:
    """One heat map per variant of the same busiest rooms."""
    tables = {v.name: hourly_utilisation(v) for v in variants}
    tables = {k: t for k, t in tables.items() if t is not None and not t.empty}
    if not tables:
        return []
    everything = pd.concat(tables.values())
    busiest = everything.mean(axis=1).groupby(level=0).max().sort_values(ascending=False)
    total = busiest.size
    rooms = list(busiest.index[:MAX_HEATMAP_ROOMS])
    result = []
    for index, (name, table) in enumerate(tables.items()):
        shown = table.reindex(rooms)
        height = max(2.5, 0.22 * len(rooms) + 1.2)
        figure, ax = plt.subplots(figsize=(9, height))
        image = ax.imshow(shown.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        ax.set_yticks(range(len(rooms)), rooms, fontsize=7)
        ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=7)
        ax.set_xlabel("hour of the day")
        ax.set_title(f"{name}: utilisation by hour (busy staff / staff; mean of the replications)", fontsize=10)
        figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="utilisation")
        figure.tight_layout()
        caption = (
            f"{name}: the {len(rooms)} busiest of {total} rooms (by mean hourly utilisation over the variants)"
            if total > len(rooms)
            else f"{name}: all {total} rooms"
        ) + "; blank cells: hours never measured (warm-up) or without staff on duty"
        result.append((save(figure, out, f"utilisation_{index}.png"), caption))
    return result


def reach_share(variant: Variant, group: str) -> np.ndarray | None:
    """Per grid, the share of the offers (kinds of service place) within the target for `group`."""
    grids = variant.grids
    columns = [f"reach.{offer}.{group}" for offer in variant.offers]
    columns = [c for c in columns if c in grids.columns]
    if not columns:
        return None
    return grids[columns].to_numpy(dtype=float).mean(axis=1)


def map_groups(variant: Variant) -> list[str]:
    """General, and the group that reaches least (a slower walker), when it differs."""
    groups = [g for g in variant.groups if reach_share(variant, g) is not None]
    if not groups:
        return []
    general = groups[0]
    residents = variant.grids["residents"].to_numpy(dtype=float)
    weights = residents if residents.sum() > 0 else None

    def mean_reach(group: str) -> float:
        return float(np.average(reach_share(variant, group), weights=weights))

    worst = min(groups, key=mean_reach)
    return [general] if math.isclose(mean_reach(worst), mean_reach(general)) else [general, worst]


def same_geography(a: Variant, b: Variant) -> bool:
    return (
        a.grids is not None
        and b.grids is not None
        and a.grids.equals(b.grids)
        and (a.facilities.equals(b.facilities) if a.facilities is not None and b.facilities is not None else a.facilities is b.facilities)
    )


def figure_coverage_maps(variants: list[Variant], out: Path) -> list[tuple[str, str]]:
    """A map per variant whose geography differs from those before: grids coloured by the
    share of kinds of service place in reach, sized by residents; facilities by kind."""
    result = []
    drawn: list[Variant] = []
    for index, variant in enumerate(variants):
        if variant.grids is None:
            continue
        same_as = next((d for d in drawn if same_geography(d, variant)), None)
        if same_as is not None:
            result.append(("", f"{variant.name}: the same grids, facilities and reach as {same_as.name} (map above)."))
            continue
        drawn.append(variant)
        groups = map_groups(variant)
        if not groups:
            continue
        grids = variant.grids
        x = grids["x_m"].to_numpy() / 1000
        y = grids["y_m"].to_numpy() / 1000
        residents = grids["residents"].to_numpy(dtype=float)
        sizes = 8 + 120 * np.sqrt(residents / residents.max()) if residents.max() > 0 else 20
        if len(grids) > 1000:
            sizes = sizes / 6  # a city: thousands of grids
        span_x = max(np.ptp(x), 0.5)
        span_y = max(np.ptp(y), 0.5)
        panel_width = 6.0
        panel_height = min(9.0, max(3.0, panel_width * span_y / span_x))
        figure, axes = plt.subplots(1, len(groups), figsize=(panel_width * len(groups) + 1.5, panel_height + 1.3), squeeze=False)
        for ax, group in zip(axes.flat, groups):
            share = reach_share(variant, group)
            points = ax.scatter(x, y, c=share, s=sizes, cmap="RdYlGn", vmin=0, vmax=1, alpha=0.85, edgecolors="none")
            if variant.facilities is not None and len(variant.facilities):
                kinds = variant.facility_kinds
                facilities = variant.facilities
                for kind_id, rows in facilities.groupby(facilities["kind"].astype(int)):
                    kind = kinds[kind_id] if kind_id < len(kinds) else str(kind_id)
                    marker, colour, _ = KIND_STYLE.get(kind, ("o", "black", kind))
                    ax.scatter(
                        rows["x_m"] / 1000, rows["y_m"] / 1000, marker=marker, s=60 if len(facilities) < 300 else 12,
                        facecolors="none" if kind != "district_department" else colour, edgecolors=colour,
                        linewidths=1.3 if len(facilities) < 300 else 0.5,  # a city's grids stay visible
                    )
            people = float(np.average(share, weights=residents)) if residents.sum() > 0 else float(share.mean())
            ax.set_title(f"{group}: {people:.0%} of offers in reach on average", fontsize=9)
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xlabel("x (km)")
            ax.set_ylabel("y (km)")
            ax.grid(alpha=0.2)
        figure.colorbar(points, ax=list(axes.flat), fraction=0.03, pad=0.02,
                        label=f"share of the {len(variant.offers)} kinds of service place within {variant.travel_target:g} min")
        present = sorted(set(variant.facilities["kind"].astype(int))) if variant.facilities is not None else []
        handles = []
        for kind_id in present:
            kind = variant.facility_kinds[kind_id] if kind_id < len(variant.facility_kinds) else str(kind_id)
            marker, colour, label = KIND_STYLE.get(kind, ("o", "black", kind))
            handles.append(Line2D([], [], marker=marker, linestyle="none", markerfacecolor="none" if kind != "district_department" else colour,
                                  markeredgecolor=colour, markersize=8, label=label))
        if handles:  # below the x labels (bbox_inches="tight" keeps it in the image)
            figure.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
                          fontsize=8, frameon=False)
        figure.suptitle(f"{variant.name}: {variant.travel_target:g}-minute coverage (grids sized by residents)", fontsize=10)
        name = save(figure, out, f"coverage_map_{index}.png")
        caption = (
            f"{variant.name}: {len(grids):,} grids, {0 if variant.facilities is None else len(variant.facilities):,} facilities; "
            + ("general residents and the group that reaches least (" + groups[1] + ")" if len(groups) > 1 else "all groups reach alike")
        )
        result.append((name, caption))
    return result


def figure_unmet_by_group(variants: list[Variant], confidence: float, out: Path) -> str | None:
    groups = entity_names(variants, "group")
    if not groups:
        return None
    width = 0.8 / len(variants)
    figure, ax = plt.subplots(figsize=(max(7.0, 0.9 * len(groups) * max(1, len(variants) / 2)), 4.5))
    for i, variant in enumerate(variants):
        means, errors, counts = [], [], []
        for group in groups:
            shares = [ratio(r.scalars.get(("unmet", "group", group)), r.scalars.get(("requests", "group", group))) for r in variant.replications]
            estimate = t_interval(shares, confidence)
            means.append(estimate.mean * 100 if estimate.n else 0.0)
            errors.append(estimate.half_width * 100 if math.isfinite(estimate.half_width) else 0.0)
            counts.append(np.mean([r.scalars.get(("unmet", "group", group), 0.0) for r in variant.replications]))
        ax.bar(np.arange(len(groups)) + i * width, means, width, yerr=errors, capsize=3, color=COLOURS[i % 10], label=variant.name)
    ax.set_xticks(np.arange(len(groups)) + width * (len(variants) - 1) / 2, groups, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("unmet, % of the group's requests")
    ax.set_ylim(bottom=0)  # an interval reaching below 0 is cut at 0: no share is negative
    ax.set_title(f"Unmet demand by group (mean of the replications, {confidence:.0%} intervals)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return save(figure, out, "unmet_by_group.png")


# ------------------------------------------------------------------------------------------------
# Page

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td.label, th.label { text-align: left; }
tr.section td { background: #fafafa; font-weight: bold; text-align: left; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; }
img { max-width: 100%; border: 1px solid #eee; }
.note { font-size: 0.85em; color: #555; }
"""

# Marks <body> with data-images-loaded="ok/total" (and data-images-failed) once every image has
# loaded or failed: a headless browser's dumped DOM then says whether the page is whole.
SCRIPT = """
(function () {
  var images = Array.prototype.slice.call(document.images);
  function update() {
    var ok = 0, failed = 0;
    images.forEach(function (img) {
      if (img.complete) { if (img.naturalWidth > 0) ok++; else failed++; }
    });
    if (ok + failed === images.length) {
      document.body.setAttribute("data-images-loaded", ok + "/" + images.length);
      document.body.setAttribute("data-images-failed", String(failed));
    }
  }
  images.forEach(function (img) {
    img.addEventListener("load", update);
    img.addEventListener("error", update);
  });
  update();
})();
"""


def esc(text: Any) -> str:
    return html.escape(str(text))


def coverage_table(variant: Variant) -> str:
    """Offers x groups coverage of one variant (mean of the replications), as shaded cells."""
    frames = [r.summary for r in variant.replications]
    rows = []
    for offer in variant.offers:
        cells = []
        for group in variant.groups:
            values = [f.loc[(f.entity == "offer") & (f.entity_name == offer) & (f.name == f"coverage.{group}"), "value"] for f in frames]
            values = [float(v.iloc[0]) for v in values if len(v)]
            if not values:
                cells.append("<td>–</td>")
                continue
            share = float(np.mean(values))
            shade = int(255 - 90 * share)
            cells.append(f'<td style="background: rgb({shade}, 255, {shade})">{share:.0%}</td>')
        rows.append(f'<tr><td class="label">{esc(offer)}</td>{"".join(cells)}</tr>')
    header = "".join(f"<th>{esc(g)}</th>" for g in variant.groups)
    return f'<table><tr><th class="label">kind of place</th>{header}</tr>{"".join(rows)}</table>'


def write_page(
    out: Path,
    source: Path,
    variants: list[Variant],
    confidence: float,
    rows: list[tuple[Kpi, list[Estimate]]],
    figures: dict[str, Any],
) -> None:
    first = variants[0].replications[0].provenance
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>circlesim report: {esc(first.get('scenario_name', ''))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>circlesim report: {esc(first.get('scenario_name', ''))}</h1>",
        "<p>",
        f"Traces from <code>{esc(source.resolve())}</code>: ",
        ", ".join(f"<b>{esc(v.name)}</b> ({len(v.replications)} replications)" for v in variants),
        f". Measured {float(first.get('horizon', 0)) / 1440:g} days after a warm-up of {float(first.get('warmup', 0)) / 1440:g} days; "
        f"seed {esc(first.get('master_seed', ''))}; circlesim {esc(first.get('software_version', ''))} "
        f"(git {esc(str(first.get('git_sha', ''))[:12])}). Intervals: Student t at {confidence:.0%} over the replications.",
        "</p>",
    ]

    parts.append("<h2>Key indicators</h2>")
    if rows:
        header = "".join(f"<th>{esc(v.name)}</th>" for v in variants)
        parts.append(f'<table><tr><th class="label">indicator</th><th>unit</th>{header}</tr>')
        section = None
        for kpi, estimates in rows:
            if kpi.section != section:
                section = kpi.section
                parts.append(f'<tr class="section"><td colspan="{len(variants) + 2}">{esc(section)}</td></tr>')
            unit = "%" if kpi.unit == "share" else kpi.unit
            hint = f" ({kpi.better} is better)" if kpi.better else ""
            cells = "".join(f"<td>{esc(format_estimate(e, kpi.unit))}</td>" for e in estimates)
            parts.append(f'<tr><td class="label" title="{esc(hint)}">{esc(kpi.label)}</td><td>{esc(unit)}</td>{cells}</tr>')
        parts.append("</table>")
        parts.append('<p class="note">mean ± half-width of the interval; shares in % of the requests named. '
                     "A dash: not measured in that variant.</p>")
    if figures.get("kpis"):
        parts.append(f'<figure><img src="{figures["kpis"]}" alt="key indicators"></figure>')

    waits, note = figures["waits"]
    parts.append("<h2>Waiting times</h2>")
    parts.append(f'<figure><img src="{waits}" alt="waiting-time distributions"><figcaption>{esc(note)}.</figcaption></figure>')

    parts.append("<h2>Room utilisation by hour</h2>")
    if figures["heatmaps"]:
        for name, caption in figures["heatmaps"]:
            parts.append(f'<figure><img src="{name}" alt="utilisation heat map"><figcaption>{esc(caption)}.</figcaption></figure>')
    else:
        parts.append('<p class="note">The traces hold neither hourly utilisation nor room time series.</p>')

    parts.append("<h2>15-minute coverage</h2>")
    if figures["maps"]:
        for name, caption in figures["maps"]:
            if name:
                parts.append(f'<figure><img src="{name}" alt="coverage map"><figcaption>{esc(caption)}.</figcaption></figure>')
            else:
                parts.append(f'<p class="note">{esc(caption)}</p>')
        for variant in variants:
            if variant.offers and variant.groups:
                parts.append(f"<h3>{esc(variant.name)}: share of each group's residents whose nearest place is within reach</h3>")
                parts.append(coverage_table(variant))
    else:
        parts.append('<p class="note">No geography in these traces (a scenario of rooms alone, or traces '
                     "written before /geography existed): no map.</p>")

    parts.append("<h2>Unmet demand by group</h2>")
    if figures.get("unmet"):
        parts.append(f'<figure><img src="{figures["unmet"]}" alt="unmet demand by group"></figure>')
    else:
        parts.append('<p class="note">These traces have no population groups (a scenario of rooms alone).</p>')

    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body></html>")
    (out / "index.html").write_text("\n".join(parts), encoding="utf-8")


# ------------------------------------------------------------------------------------------------


def build_report(source: Path, out: Path, confidence: float | None) -> int:
    if not source.is_dir():
        print(f"circlesim_report: {source}: no such directory", file=sys.stderr)
        return EXIT_NO_INPUT
    found = discover(source)
    if not found:
        print(f"circlesim_report: {source}: no complete traces (<variant>/rep-NNNN.h5)", file=sys.stderr)
        return EXIT_NO_INPUT
    out.mkdir(parents=True, exist_ok=True)
    variants = []
    for name, files in found.items():
        print(f"circlesim_report: reading {name} ({len(files)} trace{'s' if len(files) != 1 else ''})", flush=True)
        variants.append(read_variant(name, files))
    level = confidence if confidence is not None else (scenario_confidence(variants[0]) or 0.95)
    targets = scenario_targets(variants[0])
    rows = kpi_table(variants, kpi_specs(variants), level)
    figures: dict[str, Any] = {
        "kpis": figure_kpi_bars(variants, rows, out),
        "waits": figure_waits(variants, targets.get("wait"), level, out),
        "heatmaps": figure_heatmaps(variants, out),
        "maps": figure_coverage_maps(variants, out),
        "unmet": figure_unmet_by_group(variants, level, out),
    }
    write_page(out, source, variants, level, rows, figures)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write an HTML report of circlesim traces.")
    parser.add_argument("directory", type=Path, help="DIR with <variant>/rep-NNNN.h5 traces")
    parser.add_argument("-o", "--output", type=Path, required=True, help="directory to write index.html and figures to")
    parser.add_argument("--confidence", type=float, help="confidence level (default: the run's run.confidence, else 0.95)")
    args = parser.parse_args(argv)
    if args.confidence is not None and not 0.5 <= args.confidence < 1:
        parser.error(f"--confidence must be in [0.5, 1), got {args.confidence}")
    try:
        return build_report(args.directory, args.output, args.confidence)
    except ct.TraceError as error:
        print(f"circlesim_report: {error}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
