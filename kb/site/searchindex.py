"""The Pagefind index of one site, built from that site's own output and nothing else.

Pagefind reads the pages marked `data-pagefind-body` (articles and error-code pages), so
redirects, lists and the 404 page stay out of search. The binary ships with the `pagefind[bin]`
package; kb never downloads anything.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kb.errors import KbError


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


def build_index(site: Path, output: Path, language: str) -> None:
    """Index the pages under `site` into `output` (the site's `pagefind/` folder)."""
    command = [
        executable(), "--site", str(site), "--output-path", str(output),
        "--force-language", language or "en", "--silent",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(f"pagefind failed on {site}: {detail[-1] if detail else result.returncode}")
