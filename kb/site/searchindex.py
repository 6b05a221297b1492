"""The Pagefind index of one site, built from that site's own output and nothing else.

Pagefind reads the pages marked `data-pagefind-body` (articles and error-code pages), so
redirects, lists and the 404 page stay out of search. The binary ships with the `pagefind[bin]`
package; kb never downloads anything.

Pagefind holds what it indexes in memory: about 150 KB for each page of the corpus's articles,
8 GB for a site of 50,000 in one run. A site with more pages than `site.search_pages_per_run`
is indexed in parts, one run each: the first part is the site's bundle (`pagefind/`), the others
are bundles inside it (`pagefind/part-1/`, ...), named in `pagefind/kb-parts.json`, and the
search page merges them (Pagefind's `mergeIndex`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from kb.errors import KbError

PARTS_FILE = "kb-parts.json"  # in the site's bundle: the other parts' folders, relative to it
_MARKER = b"data-pagefind-body"


class SearchIndexError(KbError):
    """Pagefind is missing or failed."""


def executable() -> str:
    try:
        import pagefind_bin  # type: ignore[import-untyped, import-not-found, unused-ignore]

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        if found:
            return found
    raise SearchIndexError(
        "the pagefind binary is not installed", hint="pip install 'pagefind[bin]', or set site.search: false in kb.yaml"
    )


def build_index(site: Path, output: Path, language: str, pages_per_run: int, scratch: Path) -> None:
    """Index the pages under `site` into `output` (the site's `pagefind/` folder), in parts of at
    most `pages_per_run` pages when it has more; `scratch` is a folder outside the site to use
    meanwhile."""
    pages = _html_pages(site)
    if len(pages) > pages_per_run:  # only then are they read, to keep those Pagefind indexes
        pages = _marked(site, pages)
    parts = [pages[i : i + pages_per_run] for i in range(0, len(pages), pages_per_run)]
    if len(parts) <= 1:
        _run(site, output, language, site)  # as Pagefind does it alone (a site without marked pages too)
        _write_parts(output, 0)
        return
    # Each part is a folder of hard links to its pages, at the same paths as in the site, so that
    # Pagefind gives each page its URL in the site.
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for number, part in enumerate(parts):
            tree = scratch / str(number)
            for name in part:
                _link(site / name, tree / name)
            _run(tree, output / _part_folder(number) if number else output, language, site)
            shutil.rmtree(tree)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _write_parts(output, len(parts) - 1)


def indexed_pages(site: Path) -> list[str]:
    """The pages Pagefind indexes (those marked `data-pagefind-body`), as sorted site paths."""
    return _marked(site, _html_pages(site))


def _marked(site: Path, pages: list[str]) -> list[str]:
    return [name for name in pages if _MARKER in (site / name).read_bytes()]


def _html_pages(site: Path) -> list[str]:
    """Every HTML page under `site`, as sorted site paths."""
    found: list[str] = []
    for folder, _, files in os.walk(site):
        where = Path(folder).relative_to(site)
        found.extend((where / name).as_posix() for name in files if name.endswith(".html"))
    return sorted(found)


def _part_folder(number: int) -> str:
    return f"part-{number}"


def _write_parts(output: Path, others: int) -> None:
    # Written for one part too: the search page always asks for it (a missing file is an error
    # in the browser's console).
    parts = [f"{_part_folder(n)}/" for n in range(1, others + 1)]
    (output / PARTS_FILE).write_text(json.dumps({"parts": parts}) + "\n", encoding="utf-8")


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _run(site: Path, output: Path, language: str, shown: Path) -> None:
    command = [
        executable(), "--site", str(site), "--output-path", str(output),
        "--force-language", language or "en", "--silent",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(f"pagefind failed on {shown}: {detail[-1] if detail else result.returncode}")
