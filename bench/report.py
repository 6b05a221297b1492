"""The results of one run: a table for people (medians, spread, ratios vs the anchors) and JSON for tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bench.timing import Measurement


@dataclass
class Row:
    """One benchmark or anchor measured at one size; `ratios` maps an anchor to kb median / its median
    (`cpu_ratios` the same for CPU time, steadier than wall time when other work shares the machine)."""

    kind: Literal["kb", "anchor"]
    name: str
    label: str
    size: int
    measurement: Measurement
    ratios: dict[str, float] = field(default_factory=dict)
    cpu_ratios: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    """Everything `python -m bench` measured in one run, with what is needed to reproduce it."""

    meta: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)  # what each row times and how to read its ratios

    def as_json(self) -> dict[str, Any]:
        return {"meta": self.meta, "legend": self.legend, "results": [_row_json(row) for row in self.rows]}


def format_report(report: Report) -> str:
    """The table, then what each row means, then the facts and caveats of each row."""
    meta = report.meta
    anchors = [row.name for row in report.rows if row.kind == "anchor"]
    anchors = list(dict.fromkeys(anchors))
    header = ["benchmark", "size", "runs", "median", "min", "max", "IQR", "per 1k", "CPU", "peak RSS"]
    header += [f"vs {name}" for name in anchors]
    table = [header]
    for row in report.rows:
        t = row.measurement.timing
        rss, cpu = t.peak_rss_max, t.cpu_median
        cells = [
            row.label,
            f"{row.size:,}",
            str(t.runs),
            seconds(t.median),
            seconds(t.min),
            seconds(t.max),
            seconds(t.iqr) if t.runs > 1 else "-",
            seconds(t.per(row.size)),
            "-" if cpu is None else seconds(cpu),
            "-" if rss is None else f"{rss / 2**20:,.0f} MiB",
        ]
        cells += [ratio(row.ratios[name]) if name in row.ratios else "" for name in anchors]
        table.append(cells)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = [
        f"kb bench · {meta['source']} · {meta['cpus']} CPUs · load {meta['load_before']} → {meta['load_after']}"
        f" · kb {meta['kb_commit']} · Python {meta['python']}",
        " · ".join(f"{name} {version}" for name, version in meta["anchor_versions"].items())
        + f" · anchors' network: {meta['network']}",
        "",
    ]
    for n, cells in enumerate(table):
        padded = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        lines.append("  ".join(padded).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.extend(headline(row) for row in report.rows if row.kind == "kb")
    lines.append("")
    lines.append("ratio = kb median / anchor median, same articles, same run; below 1x means kb takes less time.")
    lines.append(
        "per 1k = median scaled to 1,000 articles; CPU = median user+system seconds (above the median: parallel work;"
        " far below: the machine was busy, so compare CPU times too)."
    )
    lines.extend(report.legend)
    for row in report.rows:
        m = row.measurement
        details = ", ".join(
            f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}" for key, value in m.facts.items()
        )
        lines.append(f"{row.label} {row.size:,}: {details}")
        lines.extend(f"    {note}" for note in m.notes)
    return "\n".join(lines)


def headline(row: Row) -> str:
    """The row in one line: `kb parse 1,715: 5.96 s (3 runs; 3.47 s per 1,000) | vs hugo 1.7x | ...`."""
    t = row.measurement.timing
    parts = [
        f"{row.label} {row.size:,}: {seconds(t.median)} (median of {t.runs}; {seconds(t.per(row.size))} per 1,000)"
    ]
    for name, value in row.ratios.items():
        cpu = row.cpu_ratios.get(name)
        parts.append(f"vs {name} {ratio(value)}" + ("" if cpu is None else f" (CPU time {ratio(cpu)})"))
    return " | ".join(parts)


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


def ratio(value: float) -> str:
    if value >= 10:
        return f"{value:.0f}x"
    if value >= 1:
        return f"{value:.1f}x"
    return f"{value:.2g}x"


def _row_json(row: Row) -> dict[str, Any]:
    t = row.measurement.timing
    return {
        "kind": row.kind,
        "name": row.name,
        "label": row.label,
        "size": row.size,
        "seconds": list(t.seconds),
        "peak_rss_bytes": list(t.peak_rss),
        "median": t.median,
        "min": t.min,
        "max": t.max,
        "iqr": t.iqr,
        "median_per_1000": t.per(row.size),
        "cpu_seconds": list(t.cpu),
        "ratios": row.ratios,
        "cpu_ratios": row.cpu_ratios,
        "facts": row.measurement.facts,
        "notes": row.measurement.notes,
    }
