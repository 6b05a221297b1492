"""`python -m bench`: parse options, run the selected benchmarks with the anchors, print the table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import anchors, suite
from bench.content import WORK, real_size
from bench.errors import BenchError
from bench.report import format_report
from bench.runner import Plan, run
from kb.errors import KbError

QUICK_SIZE = 200


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time kb against Hugo and MkDocs on the same articles in the same run; print medians and "
        "ratios (kb median / anchor median).",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all; see --list)")
    parser.add_argument(
        "--sizes", type=_sizes, help="article counts, e.g. 1715,10000 (default: the source's own size, 1,715)"
    )
    parser.add_argument("--repeat", type=int, help="runs of each kb benchmark (default 5, --quick 1; quote medians)")
    parser.add_argument(
        "--anchor-repeat", type=int, help="runs of each anchor build (default: --repeat, at most 3; MkDocs is slow)"
    )
    parser.add_argument(
        "--anchors",
        default=",".join(a.name for a in anchors.ANCHORS),
        help="anchors to measure, comma-separated, or 'none' (default: %(default)s)",
    )
    parser.add_argument(
        "--source",
        default="corpus",
        help="corpus (../shared/corpus/officedocs-support), articles (this KB), or a folder (default: corpus)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: {QUICK_SIZE} articles, 1 run each, unless given otherwise"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers to FILE")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for replicas and anchor sites (%(default)s)")
    parser.add_argument("--kb-root", type=Path, help="KB whose kb.yaml and schemas/ replicated content gets")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and anchors, then exit")
    args = parser.parse_args(argv)

    if args.list:
        for benchmark in suite.BENCHMARKS:
            print(f"{benchmark.name:12} {benchmark.about}")
        for anchor in anchors.ANCHORS:
            print(f"{anchor.name:12} (anchor) {anchor.about}")
        return 0
    if any(n is not None and n < 1 for n in (args.repeat, args.anchor_repeat)):
        parser.error("--repeat and --anchor-repeat must be at least 1")
    try:
        repeat = args.repeat if args.repeat is not None else 1 if args.quick else 5
        anchor_repeat = args.anchor_repeat if args.anchor_repeat is not None else 1 if args.quick else min(repeat, 3)
        names = [] if args.anchors.strip() == "none" else [n.strip() for n in args.anchors.split(",") if n.strip()]
        plan = Plan(
            benchmarks=suite.select(args.names),
            anchors=anchors.select(names),
            source=args.source,
            sizes=args.sizes or [QUICK_SIZE if args.quick else real_size(args.source)],
            repeat=repeat,
            anchor_repeat=anchor_repeat,
            work=args.work,
            kb_root=args.kb_root,
        )
        report = run(plan, lambda line: print(line, file=sys.stderr, flush=True))
    except (BenchError, KbError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
        print(f"raw numbers: {args.json}")
    return 0


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r} (e.g. 1715,10000)") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive counts, e.g. 1715,10000")
    return sizes


if __name__ == "__main__":
    sys.exit(main())
