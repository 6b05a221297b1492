"""Library tests of `kb.load`: bytes to an article with positions, or to one clear finding per trap."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kb.findings import Location
from kb.load import Loaded, load_article, load_bytes
from kb.project import MAX_ARTICLE_BYTES
from kb.schema import to_json
from tests.conftest import FIXTURES

GOOD = FIXTURES / "good" / "billing-invoice-email-missing.md"
TRAPS = FIXTURES / "good" / "sign-in-code-not-accepted.md"
CASES = FIXTURES / "cases"
RELPATH = "articles/billing/article.md"


def load(data: bytes) -> Loaded:
    return load_bytes(data, Path("/kb") / RELPATH, RELPATH)


def loaded_article(data: bytes) -> Loaded:
    result = load(data)
    assert result.article is not None, [str(f) for f in result.findings]
    return result


# -- a good article ---------------------------------------------------------------------------


def test_a_good_article_keeps_front_matter_body_and_digest() -> None:
    data = GOOD.read_bytes()

    result = loaded_article(data)

    article = result.article
    assert article is not None
    assert result.findings == []
    assert article.relpath == RELPATH
    assert article.id == "KB-0101"
    assert article.error_codes == ["E-2040"]
    assert article.versions == ["1.0"]
    assert article.body.startswith("## Issue\n")
    assert article.body_line == 16
    assert article.text == data.decode("utf-8")
    assert article.digest == hashlib.sha256(data).hexdigest()
    assert [s.title for s in article.sections] == ["Issue", "Environment", "Resolution", "Cause"]


@pytest.mark.parametrize("data", [b"---\nid: KB-1\n---", b"---\nid: KB-1\n---\n", b"---\n---\n\n## Issue"])
def test_the_text_reads_back_as_written_when_the_body_is_empty_or_short(data: bytes) -> None:
    article = loaded_article(data).article
    assert article is not None

    assert article.text == data.decode("utf-8")
    assert article.body == data.decode("utf-8").split("---", 2)[2].removeprefix("\n")


def test_front_matter_values_and_keys_keep_their_file_positions() -> None:
    article = loaded_article(GOOD.read_bytes()).article
    assert article is not None

    assert article.field_location("title") == Location(RELPATH, 3, 8)
    assert article.field_location("title", key=True) == Location(RELPATH, 3, 1)
    assert article.field_location("error_codes", 0) == Location(RELPATH, 8, 15)
    assert article.field_location("environment", "versions", 0) == Location(RELPATH, 13, 47)
    assert article.field_location("replaced_by") == Location(RELPATH, 2, 1)  # absent: the mapping's start


def test_body_lines_map_to_file_lines() -> None:
    article = loaded_article(GOOD.read_bytes()).article
    assert article is not None
    lines = GOOD.read_text(encoding="utf-8").split("\n")

    for section in article.sections:
        location = article.body_location(section.line)
        assert lines[location.line - 1] == f"## {section.title}"


# -- the YAML traps that must not bite ----------------------------------------------------------


def test_yaml_1_1_booleans_unquoted_versions_and_dates_read_as_meant() -> None:
    article = loaded_article(TRAPS.read_bytes()).article
    assert article is not None

    assert article.tags == ["NO", "yes", "on", "off"]
    assert article.versions == ["1.0"]
    assert article.meta["created"] == dt.date(2026, 1, 12)
    assert article.meta["reviewed"] == dt.date(2026, 2, 3)  # a quoted ISO date in a date field is a date
    assert to_json(article.meta)["created"] == "2026-01-12"
    assert to_json(article.meta)["reviewed"] == "2026-02-03"


def test_plain_scalars_in_text_fields_read_back_as_written() -> None:
    article = loaded_article((FIXTURES / "load" / "values-as-written.md").read_bytes()).article
    assert article is not None

    assert article.meta["title"] == "2024-05-01"
    assert article.meta["description"] == "yes"
    assert article.meta["error_codes"] == ["0x8004DEF4", "550", "E-1001"]
    assert article.meta["tags"] == ["NO", "yes", "on", "off", "true", "4.10"]
    assert article.meta["environment"] == {
        "product": "My Product",
        "version": "4.10",
        "versions": ["4.10", "1.0", "4.2"],
        "platforms": ["on", "0755"],
    }
    assert article.meta["created"] == dt.date(2026, 1, 10)  # a date and time in a date field is its date
    assert type(article.meta["created"]) is dt.date


# -- file traps: one clear finding each ---------------------------------------------------------


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _cr(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r")


def _bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


@pytest.mark.parametrize(
    ("change", "code"),
    [(_crlf, "KB005"), (_cr, "KB005"), (_bom, "KB004")],
    ids=["crlf", "cr", "bom"],
)
def test_bom_and_line_endings_are_one_finding_and_the_article_still_loads(
    change: Callable[[bytes], bytes], code: str
) -> None:
    clean = loaded_article(GOOD.read_bytes()).article
    assert clean is not None

    result = loaded_article(change(GOOD.read_bytes()))

    assert [(f.code, str(f.location)) for f in result.findings] == [(code, f"{RELPATH}:1:1")]
    article = result.article
    assert article is not None
    assert (article.meta, article.body, article.body_line) == (clean.meta, clean.body, clean.body_line)
    assert article.field_location("owner") == clean.field_location("owner")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_crlf, "the file has CRLF (Windows) line endings"),
        (_cr, "the file has CR (classic Mac OS) line endings"),
    ],
    ids=["crlf", "cr"],
)
def test_line_endings_are_named_for_what_they_are(change: Callable[[bytes], bytes], message: str) -> None:
    (finding,) = load(change(GOOD.read_bytes())).findings

    assert finding.message == message


def test_a_lone_cr_in_an_lf_file_is_reported_at_its_line() -> None:
    data = GOOD.read_bytes().replace(b"owner: team-support\n", b"owner: team-support\r")

    (finding,) = loaded_article(data).findings

    assert (finding.code, finding.location.line) == ("KB005", 10)
    assert finding.message == "this line ends with a lone CR (carriage return), not LF"


def test_crlf_is_reported_at_its_first_line() -> None:
    data = GOOD.read_bytes().replace(b"## Environment\n", b"## Environment\r\n")

    findings = load(data).findings

    assert [(f.code, f.location.line) for f in findings] == [("KB005", 21)]


def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column() -> None:
    data = GOOD.read_bytes().replace(b"monthly invoice", "monthly \u00e9-invoice".encode("latin-1"))
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    col = data.index(b"\xe9") - data.rfind(b"\n", 0, data.index(b"\xe9"))

    result = load(data)

    assert result.article is None
    assert [str(f) for f in result.findings] == [
        f"{RELPATH}:{line}:{col}: KB002 not-utf8: byte 0xE9 is not valid UTF-8"
    ]
    assert (line, col) == (18, 50)


@pytest.mark.parametrize(
    ("encode", "byte_order"),
    [
        (lambda text: b"\xff\xfe" + text.encode("utf-16-le"), "little-endian"),
        (lambda text: b"\xfe\xff" + text.encode("utf-16-be"), "big-endian"),
        (lambda text: text.encode("utf-16-le"), "little-endian"),  # no byte order mark: NULs tell
        (lambda text: text.encode("utf-16-be"), "big-endian"),
    ],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_a_utf16_file_is_not_utf8_not_binary_with_a_hint_to_resave_it(
    encode: Callable[[str], bytes], byte_order: str
) -> None:
    result = load(encode(GOOD.read_text(encoding="utf-8")))

    assert result.article is None
    assert [(f.code, str(f.location), f.message) for f in result.findings] == [
        ("KB002", f"{RELPATH}:1:1", f"the file is UTF-16 ({byte_order}), not UTF-8")
    ]
    assert "save the file as UTF-8" in result.findings[0].hint


def test_nul_bytes_that_are_not_utf16_text_are_still_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"

    assert [f.code for f in load(png).findings] == ["KB001"]


@pytest.mark.parametrize(
    ("case", "code", "line", "col"),
    [
        ("empty.md", "KB003", 1, 1),
        ("bom-only.md", "KB003", 1, 1),
        ("binary.md", "KB001", 1, 1),
        ("utf16.md", "KB002", 1, 1),
        ("not-utf8.md", "KB002", 22, 48),
        ("no-front-matter.md", "KB006", 1, 1),
        ("unclosed-front-matter.md", "KB007", 1, 1),
        ("unclosed-front-matter-at-end.md", "KB007", 1, 1),
        ("heading-in-front-matter.md", "KB007", 15, 1),
        ("front-matter-list.md", "KB011", 2, 1),
        ("front-matter-scalar.md", "KB011", 2, 1),
        ("yaml-syntax.md", "KB008", 3, 13),
        ("control-character.md", "KB008", 3, 35),
        ("tab-indentation.md", "KB009", 14, 1),
        ("duplicate-key.md", "KB010", 11, 1),
        ("duplicate-key-nested.md", "KB010", 16, 3),
        ("python-tag.md", "KB012", 9, 7),
        ("merge-key.md", "KB012", 15, 3),
        ("alias-bomb.md", "KB012", 9, 17),
        ("too-many-digits.md", "KB012", 9, 17),
        ("nested-too-deeply.md", "KB008", 9, 1006),
    ],
)
def test_every_trap_is_exactly_one_finding_with_file_and_line(case: str, code: str, line: int, col: int) -> None:
    result = load((CASES / case).read_bytes())

    assert result.article is None
    assert [(f.code, f.location) for f in result.findings] == [(code, Location(RELPATH, line, col))]
    assert result.findings[0].message
    assert result.findings[0].hint


def test_a_yaml_finding_carries_the_offending_line_as_context() -> None:
    (finding,) = load((CASES / "duplicate-key.md").read_bytes()).findings

    assert finding.context == "audience: internal"


def test_front_matter_may_close_with_three_dots() -> None:
    data = GOOD.read_bytes().replace(b"\n---\n## Issue", b"\n...\n## Issue")

    assert loaded_article(data).article is not None


def test_empty_front_matter_is_an_article_without_fields() -> None:
    article = loaded_article(b"---\n---\n## Issue\n").article
    assert article is not None

    assert article.meta == {}
    assert article.body_line == 3


def test_a_file_that_cannot_be_read_is_a_finding(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like-an-article.md"
    folder.mkdir()

    missing = load_article(tmp_path / "gone.md", "gone.md")
    unreadable = load_article(folder, "looks-like-an-article.md")

    assert [(f.code, f.message) for f in missing.findings] == [
        ("KB000", "cannot read the file: No such file or directory")
    ]
    assert [(f.code, f.message) for f in unreadable.findings] == [("KB000", "cannot read the file: Is a directory")]
    assert missing.article is None
    assert unreadable.article is None


class StillReading(Exception):
    """A read that `bounded` stopped."""


@contextmanager
def bounded(seconds: int = 10, memory: int = 2 * 1024**3) -> Iterator[None]:
    """Fail, rather than hang or fill the machine's memory, when reading takes longer than
    `seconds` or `memory` bytes more than this process has now."""

    def timeout(signum: int, frame: object) -> None:
        raise StillReading(f"still reading after {seconds} s")  # not TimeoutError: kb catches OSError

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0]) * resource.getpagesize()
    limit = in_use + memory if hard == resource.RLIM_INFINITY else min(hard, in_use + memory)
    previous = signal.signal(signal.SIGALRM, timeout)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


needs_special_files = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="named pipes, /dev/zero and /proc as Linux has them"
)


@needs_special_files
def test_a_named_pipe_or_a_device_named_like_an_article_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # reading it waits for a writer that never comes
    (tmp_path / "zero.md").symlink_to("/dev/zero")  # reading it never ends

    with bounded():
        pipe = load_article(tmp_path / "pipe.md", "pipe.md")
        zero = load_article(tmp_path / "zero.md", "zero.md")

    assert [(f.code, f.message) for f in pipe.findings] == [
        ("KB000", "cannot read the file: it is a named pipe (FIFO), not a regular file")
    ]
    assert [(f.code, f.message) for f in zero.findings] == [
        ("KB000", "cannot read the file: it is a character device, not a regular file")
    ]
    assert pipe.article is None
    assert zero.article is None


def test_a_file_past_the_size_limit_is_a_finding_and_a_5_mb_article_still_loads(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as file:  # sparse: no disk space taken
        file.truncate(MAX_ARTICLE_BYTES + 1)
    paragraph = b"\nThe sync client stops when the disk is full. Free some space, then try again.\n"
    big = tmp_path / "big.md"
    big.write_bytes(GOOD.read_bytes() + paragraph * (5_000_000 // len(paragraph)))

    refused = load_article(huge, "huge.md")
    loaded = load_article(big, "big.md")

    assert [(f.code, f.message) for f in refused.findings] == [
        ("KB000", "the file is larger than 10 MB: kb does not read it as an article")
    ]
    assert loaded.article is not None
    assert big.stat().st_size > 5_000_000
