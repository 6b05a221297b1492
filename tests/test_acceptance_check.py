"""Acceptance: `kb check` on a KB where broken files of every kind sit beside good articles.

The KB is made by `kb init`, filled with the good fixture articles, then with copies of a good
article broken in every way a real file can be broken (written as bytes, with real file I/O),
and with good-looking articles that carry content mistakes. Every broken file must be reported
with its name and a line, the content mistakes must still be found, and nothing may crash.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from tests.conftest import FIXTURES

SOURCE = FIXTURES / "good" / "billing-invoice-email-missing.md"
FINDING = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>KB\d{3}) (?P<name>[a-z0-9-]+): (?P<message>.+)$"
)


def _replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)

    return change


def _from_file(name: str) -> Callable[[bytes], bytes]:
    return lambda _: (FIXTURES / "cases" / name).read_bytes()


# file name -> (how the copy of SOURCE is broken, the finding it must get, its line)
BROKEN: dict[str, tuple[Callable[[bytes], bytes], str, int]] = {
    "crlf-line-endings.md": (lambda d: d.replace(b"\n", b"\r\n"), "KB005", 1),
    "byte-order-mark.md": (lambda d: b"\xef\xbb\xbf" + d, "KB004", 1),
    "latin-1.md": (_replace(b"monthly invoice", "monthly caf\u00e9 invoice".encode("latin-1")), "KB002", 18),
    "binary.md": (lambda d: d[:40] + b"\x00\x00\x00" + d[40:], "KB001", 1),
    "empty.md": (lambda _: b"", "KB003", 1),
    "no-closing-fence.md": (_replace(b"\n---\n## Issue", b"\n## Issue"), "KB007", 1),
    "front-matter-is-a-list.md": (_from_file("front-matter-list.md"), "KB011", 2),
    "no-front-matter.md": (_from_file("no-front-matter.md"), "KB006", 1),
    "impossible-date.md": (_replace(b"created: 2026-01-10", b"created: 2025-02-30"), "KB013", 11),
    "python-tag.md": (_replace(b"tags: [billing,", b"tags: !!python/object:os.system [billing,"), "KB012", 9),
    "duplicate-key.md": (
        _replace(b"owner: team-support\n", b"owner: team-support\nowner: team-billing\n"),
        "KB010",
        11,
    ),
    "tab-indentation.md": (
        _replace(b'environment: {product: My Product, versions: ["1.0"]}', b"environment:\n\tproduct: My Product"),
        "KB009",
        14,
    ),
    "yaml-syntax.md": (_replace(b"title: Invoice emails", b"title: Error: invoice emails"), "KB008", 3),
    "control-character.md": (_replace(b"title: Invoice", b"title: \x1bInvoice"), "KB008", 3),
}

# Good-looking articles with content mistakes: file name -> (change, finding, line, text in the message)
MISTAKES: dict[str, tuple[Callable[[bytes], bytes], str, int, str]] = {
    "area-typo.md": (
        _replace(b"product_area: billing", b"product_area: biling"),
        "KB305",
        7,
        "unknown product area 'biling' (did you mean \"billing\"?)",
    ),
    "no-resolution.md": (
        _replace(b"## Resolution\n", b"## Next steps\n"),
        "KB101",
        30,
        "the 'Resolution' section is missing (required for troubleshooting articles); add it before '## Cause'",
    ),
    "unregistered-code.md": (
        _replace(b"error_codes: [E-2040]", b"error_codes: [INV-2040]"),
        "KB307",
        8,
        "error code 'INV-2040' is not registered",
    ),
    "owner-typo.md": (
        _replace(b"owner: team-support", b"owner: team-suport"),
        "KB306",
        10,
        '(did you mean "team-support"?)',
    ),
}


@pytest.fixture
def messy_kb(good_kb: KnowledgeBase) -> KnowledgeBase:
    """The good KB plus every broken file and every content mistake, under articles/messy/."""
    source = SOURCE.read_bytes()
    folder = good_kb.articles_dir / "messy"
    folder.mkdir()
    changes = [(name, change) for name, (change, *_) in BROKEN.items()]
    changes += [(name, change) for name, (change, *_) in MISTAKES.items()]
    for number, (name, change) in enumerate(changes, start=900):
        with_own_id = source.replace(b"id: KB-0101", f"id: KB-{number}".encode())
        (folder / name).write_bytes(change(with_own_id))
    # A second article with the id of a good one: both must be reported.
    shutil.copyfile(FIXTURES / "good" / "how-to-download-invoices.md", folder / "duplicate-id.md")
    # Every messy file is a variation of one article, near-duplicates of each other by design;
    # near-duplicate detection has its own tests (tests/quality).
    with (good_kb.root / "kb.yaml").open("a", encoding="utf-8") as config:
        config.write("lint:\n  ignore: [near-duplicate]\n")
    return good_kb


def parse_output(stdout: str) -> list[dict[str, str]]:
    rows = []
    for line in stdout.splitlines():
        match = FINDING.match(line)
        assert match, f"not a finding line: {line!r}"
        rows.append(match.groupdict())
    return rows


def assert_every_mistake_reported(rows: list[dict[str, str]], prefix: str) -> None:
    reported = {(r["path"], r["code"], int(r["line"])) for r in rows}
    for name, (_, code, line) in BROKEN.items():
        assert (f"{prefix}messy/{name}", code, line) in reported, name
    for name, (_, code, line, message) in MISTAKES.items():
        assert (f"{prefix}messy/{name}", code, line) in reported, name
        assert any(r["path"] == f"{prefix}messy/{name}" and message in r["message"] for r in rows), name
    assert (f"{prefix}messy/duplicate-id.md", "KB601", 2) in reported
    assert (f"{prefix}good/how-to-download-invoices.md", "KB601", 2) in reported


def test_check_reports_every_broken_file_and_every_content_mistake(
    messy_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(messy_kb.articles_dir)

    result = CliRunner().invoke(cli, ["check"])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    rows = parse_output(result.stdout)
    assert_every_mistake_reported(rows, prefix="")
    # each file trap is one finding, and nothing else is said about that file
    for name, (_, code, _line) in BROKEN.items():
        assert [r["code"] for r in rows if r["path"] == f"messy/{name}"] == [code], name
    # the good articles beside them are untouched, except the one whose id was copied
    assert {r["path"] for r in rows if r["path"].startswith("good/")} == {"good/how-to-download-invoices.md"}
    articles = len(list(messy_kb.articles_dir.rglob("*.md")))
    files = len(BROKEN) + len(MISTAKES) + 2
    # The unregistered code is still written in the text as E-2040, so the text mentions a code
    # that error_codes no longer lists: one warning (KB320) beside the errors.
    assert ("messy/unregistered-code.md", "KB320", "19") in {(r["path"], r["code"], r["line"]) for r in rows}
    errors = len(rows) - 1
    assert result.stderr == f"Found {errors} errors, 1 warning in {files} of {articles} articles.\n"


def test_check_json_reports_the_same_findings(messy_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(messy_kb.root)

    text = CliRunner().invoke(cli, ["check"])
    as_json = CliRunner().invoke(cli, ["check", "--format", "json"])

    assert as_json.exit_code == 1
    findings = json.loads(as_json.stdout)
    assert all({"path", "line", "col", "code", "name", "level", "message"} <= set(f) for f in findings)
    assert [
        {"path": f["path"], "line": str(f["line"]), "col": str(f["col"]), "code": f["code"], "name": f["name"],
         "message": f["message"]}
        for f in findings
    ] == parse_output(text.stdout)  # fmt: skip
    assert_every_mistake_reported(parse_output(text.stdout), prefix="articles/")


def test_python_m_kb_check_reports_without_a_traceback(messy_kb: KnowledgeBase) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "KB_ROOT"}
    environment["CI"] = "true"

    process = subprocess.run(
        [sys.executable, "-m", "kb", "check"],
        cwd=messy_kb.articles_dir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
        check=False,
    )

    assert "Traceback" not in process.stderr
    assert process.returncode == 1, process.stderr
    rows = parse_output(process.stdout)
    assert_every_mistake_reported(rows, prefix="")
    assert process.stderr.startswith("Found ")
