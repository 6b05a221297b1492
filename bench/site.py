"""Benchmark of `kb build` against Hugo and MkDocs on the same articles, in the same run.

    python -m bench.site [--count 1715] [--repeat 3] [--no-mkdocs] [--rebuilds 5]

The content is the real corpus in ../shared/corpus/officedocs-support (1,715 articles), its
bodies wrapped in kb front matter (until `kb import` exists), replicated with new ids up to
`--count`. kb builds both sites without Pagefind; Hugo and MkDocs build one site of the same
Markdown. Each tool runs as a command in a fresh process; the median of `--repeat` runs is
reported, with ratios. Then one article changes and kb rebuilds: warm (the builder `kb serve`
keeps between builds) and cold (a new `kb build` process). The machine is shared and noisy:
compare ratios from one run, never absolute times across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(
    os.environ.get("KB_BENCH_CORPUS") or REPO / ".." / "shared" / "corpus" / "officedocs-support" / "articles"
)
WORK = REPO / "bench" / "work" / "site"
BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 3, 1)

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_TITLE = re.compile(r"^title:\s*(.*?)\s*$", re.MULTILINE)
_SLUG = re.compile(r"[^a-z0-9]+")


def corpus_articles() -> list[tuple[str, str, str]]:
    """(area slug, title, body) of every corpus article, sorted by path."""
    if not CORPUS.is_dir():
        raise SystemExit(f"the corpus is missing: {CORPUS.resolve()}")
    found = []
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        front = _FRONT.match(text)
        title_match = _TITLE.search(front.group(1)) if front else None
        title = title_match.group(1).strip("'\" ") if title_match else path.stem
        body = text[front.end() :] if front else text
        area = _SLUG.sub("-", path.relative_to(CORPUS).parts[0].lower()).strip("-") or "general"
        found.append((area, title or path.stem, body))
    return found


def prepare(count: int) -> Path:
    """The same `count` articles as a kb KB, a Hugo site and an MkDocs project under bench/work/."""
    folder = WORK / str(count)
    if (folder / "ready").is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    source = corpus_articles()
    areas = sorted({area for area, _, _ in source})
    kb, hugo, mkdocs = folder / "kb", folder / "hugo", folder / "mkdocs"
    (kb / "schemas").mkdir(parents=True)
    (kb / "kb.yaml").write_text("name: Bench\nid_prefix: KB-\nid_digits: 5\n", encoding="utf-8")
    area_yaml = "".join(f"  {a}:\n    title: {a}\n    owner: team\n" for a in areas)
    (kb / "schemas" / "taxonomy.yaml").write_text(
        f"product_areas:\n{area_yaml}types:\n  troubleshooting:\n    title: Troubleshooting\n"
        "    review_interval_days: 3650\nowners:\n  team: {name: Team}\nsites:\n"
        "  internal:\n    title: Internal\n    audiences: [internal, partner, customer, public]\n"
        "    confidences: [wip, not-validated, validated, archived]\n"
        "  public:\n    title: Public\n    audiences: [customer, public]\n    confidences: [validated]\n"
        "    public: true\n",
        encoding="utf-8",
    )
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://example.test/"\ntitle = "Bench"\ndisableKinds = ["RSS"]\n'
        "[markup.goldmark.renderer]\nunsafe = true\n",
        encoding="utf-8",
    )
    layout = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>%s</main></body></html>\n"
    (hugo / "layouts" / "_default" / "single.html").write_text(
        layout % "<h1>{{ .Title }}</h1>{{ .Content }}", encoding="utf-8"
    )
    (hugo / "layouts" / "_default" / "list.html").write_text(
        layout % "<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href='{{ .RelPermalink }}'>{{ .Title }}</a></li>"
        "{{ end }}</ul>",
        encoding="utf-8",
    )
    (hugo / "layouts" / "index.html").write_text(layout % "<h1>Bench</h1>", encoding="utf-8")
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "mkdocs.yml").write_text("site_name: Bench\nuse_directory_urls: true\n", encoding="utf-8")
    (mkdocs / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
    for n in range(count):
        area, title, body = source[n % len(source)]
        copy = n // len(source)
        article_id = f"KB-{n + 1:05d}"
        name = f"{area}/copy-{copy}/{article_id.lower()}.md"
        quoted = json.dumps(title if copy == 0 else f"{title} ({copy})")
        kb_front = (
            f"---\nid: {article_id}\ntitle: {quoted}\ntype: troubleshooting\nconfidence: validated\n"
            f"audience: public\nproduct_area: {area}\nowner: team\ncreated: 2024-01-01\nreviewed: 2025-06-01\n"
            f"description: {quoted}\n---\n"
        )
        for target, text in (
            (kb / "articles" / name, kb_front + body),
            (hugo / "content" / name, f"---\ntitle: {quoted}\ndate: 2024-01-01\n---\n{body}"),
            (mkdocs / "docs" / name, f"# {title}\n\n{body}"),
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    (folder / "ready").write_text("", encoding="utf-8")
    return folder


def timed(command: list[str], cwd: Path, before: Callable[[], None]) -> float:
    before()
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def median_of(repeat: int, command: list[str], cwd: Path, out: Path) -> tuple[float, list[float]]:
    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    runs = [timed(command, cwd, clean) for _ in range(repeat)]
    return statistics.median(runs), runs


def rebuilds(folder: Path, count: int) -> dict[str, object]:
    """One article changes: kb's warm rebuild (as in `kb serve`) and a new `kb build` process
    (which reuses the disk cache the warm-up build left in .kb-cache/)."""
    from kb.site import Builder

    kb_root = folder / "kb"
    out = folder / "out-kb-incremental"
    shutil.rmtree(out, ignore_errors=True)
    builder = Builder(kb_root, out=out, today=TODAY, search=False)
    started = time.perf_counter()
    builder.build()
    first = time.perf_counter() - started
    article = sorted((kb_root / "articles").rglob("*.md"))[count // 2]
    original = article.read_text(encoding="utf-8")
    warm: list[float] = []
    told: list[float] = []
    cold: list[float] = []
    try:
        for n in range(REBUILDS):
            article.write_text(original + f"\n\nEdit number {n}.\n", encoding="utf-8")
            started = time.perf_counter()
            report = builder.build()
            warm.append(time.perf_counter() - started)
            assert sum(s.written for s in report.sites) == 2, report.sites
            # As in kb serve, whose watcher tells the builder which file changed.
            article.write_text(original + f"\n\nEdit number {n} (told).\n", encoding="utf-8")
            started = time.perf_counter()
            report = builder.build(changed={article})
            told.append(time.perf_counter() - started)
            assert sum(s.written for s in report.sites) == 2, report.sites
        for n in range(max(1, REBUILDS // 2)):
            article.write_text(original + f"\n\nCold edit number {n}.\n", encoding="utf-8")
            command = [str(BIN / "kb"), "--root", str(kb_root), "build", "--no-search", "--out", str(out), "-q"]
            cold.append(timed([*command, "--today", TODAY.isoformat()], kb_root, lambda: None))
    finally:
        article.write_text(original, encoding="utf-8")
    builder.close()
    return {"first build (warm-up)": first, "warm": warm, "told": told, "cold": cold}


REBUILDS = 5


def main() -> None:
    global REBUILDS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1715)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuilds", type=int, default=5)
    parser.add_argument("--no-mkdocs", action="store_true", help="skip MkDocs (minutes at 10,000 articles)")
    parser.add_argument("--no-full", action="store_true", help="only the one-article rebuilds")
    args = parser.parse_args()
    REBUILDS = args.rebuilds
    folder = prepare(args.count)
    print(f"{args.count} articles in {folder.relative_to(REPO)}; {os.cpu_count()} cores; load {os.getloadavg()}")
    results: dict[str, object] = {"count": args.count}
    if not args.no_full:
        # A cold build: no cache read or written, every file written.
        kb_command = [
            str(BIN / "kb"),
            "--root",
            "kb",
            "build",
            "--no-search",
            "--full",
            "--no-cache",
            "--out",
            "out-kb",
        ]
        kb_command += ["-q"]
        kb_command += ["--today", TODAY.isoformat()]
        kb, kb_runs = median_of(args.repeat, kb_command, folder, folder / "out-kb")
        print(f"kb build, both sites, no search: median {kb:.2f} s {[round(r, 2) for r in kb_runs]}")
        hugo_command = [str(BIN / "hugo"), "--source", "hugo", "--destination", str(folder / "out-hugo"), "--quiet"]
        hugo, hugo_runs = median_of(args.repeat, hugo_command, folder, folder / "out-hugo")
        print(f"hugo, one site:                  median {hugo:.2f} s {[round(r, 2) for r in hugo_runs]}")
        print(f"  kb (2 sites) / hugo (1 site) = {kb / hugo:.2f}  (target: at most 1.0)")
        results.update(kb=kb_runs, hugo=hugo_runs)
        if not args.no_mkdocs:
            mkdocs_command = [
                str(BIN / "mkdocs"),
                "build",
                "-q",
                "-f",
                "mkdocs/mkdocs.yml",
                "-d",
                str(folder / "out-mkdocs"),
            ]
            mkdocs, mkdocs_runs = median_of(args.repeat, mkdocs_command, folder, folder / "out-mkdocs")
            print(f"mkdocs, one site:                median {mkdocs:.2f} s {[round(r, 2) for r in mkdocs_runs]}")
            print(f"  mkdocs / kb = {mkdocs / kb:.1f}x  (target: at least 10x)")
            results.update(mkdocs=mkdocs_runs)
    rebuild = rebuilds(folder, args.count)
    warm = statistics.median(rebuild["warm"])  # type: ignore[arg-type]
    told = statistics.median(rebuild["told"])  # type: ignore[arg-type]
    cold = statistics.median(rebuild["cold"])  # type: ignore[arg-type]
    print(f"one article changed (target < 1 s): kb serve rebuild median {told:.3f} s")
    print(f"  same builder, not told which file: median {warm:.3f} s; new kb build process: median {cold:.2f} s")
    results.update(rebuild=rebuild)
    report = REPO / "bench" / "results"
    report.mkdir(parents=True, exist_ok=True)
    (report / f"site-{args.count}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
