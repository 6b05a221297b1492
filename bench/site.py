"""Benchmarks `build` and `rebuild`: kb's two sites from a cold start, and a rebuild after one change.

The workload's articles are corpus articles (foreign front matter, or a replica of them); kb
publishes only articles with its own fields, so until `kb import` exists each body is wrapped,
untimed, in kb front matter (title kept, product area from the first folder) in a KB under
`bench/work/site-kb/<workload>/`, reused while the workload's files are the same.

- `build` times `kb build --no-search --full --no-cache` in a new process: both sites, nothing
  reused (compare with one anchor site: the target is at most 1x Hugo and 0.1x MkDocs).
- `rebuild` times what `kb serve` does after one article is saved: the same builder, told which
  file changed (target under 1 s at 10,000 articles); facts give a new `kb build` process's time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import statistics
import sys
from pathlib import Path

from bench.content import WORK, Workload
from bench.timing import Measurement, measure, run_process

KB = Path(sys.executable).parent / "kb"
TODAY = dt.date(2026, 3, 1)  # staleness is judged on a fixed day: the same output every run

_FRONT = re.compile(r"\A(?:\ufeff)?---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)
_TITLE = re.compile(r"^title:\s*(.*?)\s*$", re.MULTILINE)
_SLUG = re.compile(r"[^a-z0-9]+")
_TAXONOMY = """\
product_areas:
{areas}types:
  troubleshooting: {{title: Troubleshooting, review_interval_days: 3650}}
owners:
  team: {{name: Team}}
sites:
  internal:
    title: Internal
    audiences: [internal, partner, customer, public]
    confidences: [wip, not-validated, validated, archived]
  public:
    title: Public
    audiences: [customer, public]
    confidences: [validated]
    public: true
"""


def kb_copy(workload: Workload) -> Path:
    """A KB holding the workload's articles in kb front matter (made once, untimed)."""
    digest = hashlib.sha256("\n".join(workload.relpath(p) for p in workload.files).encode()).hexdigest()
    root = WORK / "site-kb" / workload.name
    marker = root / "ready"
    if marker.is_file() and marker.read_text(encoding="utf-8") == digest:
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "schemas").mkdir(parents=True)
    (root / "kb.yaml").write_text("name: Bench\nid_prefix: KB-\nid_digits: 5\n", encoding="utf-8")
    areas: set[str] = set()
    for number, path in enumerate(workload.files, start=1):
        relpath = path.relative_to(workload.articles_dir)
        parts = [p for p in relpath.parts[:-1] if not p.startswith("copy-")] or ["general"]
        area = _SLUG.sub("-", parts[0].lower()).strip("-") or "general"
        areas.add(area)
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        front = _FRONT.match(text)
        found = _TITLE.search(front.group(1)) if front else None
        title = (found.group(1).strip("'\" ") if found else "") or path.stem
        body = text[front.end() :] if front else text
        quoted = json.dumps(title)
        target = root / "articles" / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"---\nid: KB-{number:05d}\ntitle: {quoted}\ntype: troubleshooting\nconfidence: validated\n"
            f"audience: public\nproduct_area: {area}\nowner: team\ncreated: 2024-01-01\nreviewed: 2025-06-01\n"
            f"description: {quoted}\n---\n{body}",
            encoding="utf-8",
        )
    lines = "".join(f"  {a}: {{title: {a}, owner: team}}\n" for a in sorted(areas))
    (root / "schemas" / "taxonomy.yaml").write_text(_TAXONOMY.format(areas=lines), encoding="utf-8")
    marker.write_text(digest, encoding="utf-8")
    return root


def _command(root: Path, out: Path, *extra: str) -> list[str]:
    return [str(KB), "--root", str(root), "build", "--no-search", "--out", str(out), "-q",
            "--today", TODAY.isoformat(), *extra]  # fmt: skip


def build(workload: Workload, repeat: int) -> Measurement:
    """A cold `kb build` of both sites in a new process: no cache read or written, every file written."""
    root = kb_copy(workload)
    out = root.parent / f"{workload.name}-out"
    timing = run_process(
        _command(root, out, "--full", "--no-cache"), repeat, cwd=root.parent, setup=lambda: shutil.rmtree(out, True)
    )
    pages = sum(1 for _ in out.rglob("*.html"))
    return Measurement(timing, {"articles": len(workload.files), "sites": 2, "pages written": pages})


def rebuild(workload: Workload, repeat: int) -> Measurement:
    """One article changes: `kb serve`'s builder rebuilds (told which file); then a new process does."""
    from kb.site import Builder

    root = kb_copy(workload)
    out = root.parent / f"{workload.name}-rebuild"
    shutil.rmtree(out, ignore_errors=True)
    article = sorted((root / "articles").rglob("*.md"))[len(workload.files) // 2]
    original = article.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def edit() -> None:
        article.write_text(original + f"\n\nEdit number {next(edits)}.\n", encoding="utf-8")

    try:
        with Builder(root, out=out, today=TODAY, search=False) as builder:
            builder.build()  # the first build, as `kb serve` starts with (not timed)
            timing, report = measure(lambda: builder.build(changed={article}), repeat, setup=edit)
        written = sum(site.written for site in report.sites)
        cold = run_process(_command(root, out), max(1, repeat // 2), cwd=root.parent, setup=edit)
    finally:
        article.write_text(original, encoding="utf-8")
    facts: dict[str, int | float | str] = {
        "articles": len(workload.files),
        "files written": written,
        "new kb build process, median s": round(statistics.median(cold.seconds), 2),
    }
    return Measurement(timing, facts)
