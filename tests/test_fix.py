"""`kb check --fix` on real files: what it rewrites, and the links it never replaces."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.fix import SkippedLink, fix_articles
from kb.project import KnowledgeBase
from tests.conftest import FIXTURES

CRLF = FIXTURES / "cases" / "crlf-line-endings.md"


def fix(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kb.root)
    result = CliRunner().invoke(cli, ["check", "--fix", "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_article_linked_to_a_file_in_the_kb_stays_a_link_and_that_file_is_fixed(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = kb.root / "shared" / "invoice-emails.md"
    shared.parent.mkdir()
    shutil.copyfile(CRLF, shared)
    link = kb.articles_dir / "billing" / "invoice-emails.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(Path("../../shared/invoice-emails.md"))

    fix(kb, monkeypatch)

    assert link.is_symlink()
    assert link.resolve() == shared.resolve()
    assert shared.read_bytes() == CRLF.read_bytes().replace(b"\r\n", b"\n")
    assert sorted(p.name for p in link.parent.iterdir()) == ["invoice-emails.md"]  # no temporary left


def test_an_article_linked_to_a_file_outside_the_kb_is_left_alone_and_said_so(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "other-repo" / "invoice-emails.md"
    outside.parent.mkdir()
    shutil.copyfile(CRLF, outside)
    link = kb.articles_dir / "billing" / "invoice-emails.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)

    fix(kb, monkeypatch)

    assert link.is_symlink()
    assert outside.read_bytes() == CRLF.read_bytes()
    fixes = fix_articles(kb.article_paths(None), kb.root)
    assert fixes.changed == []
    assert fixes.skipped == [SkippedLink(link, outside.resolve())]
    assert "outside the knowledge base" in fixes.skipped[0].reason
    said = CliRunner().invoke(cli, ["check", "--fix"])
    assert f"articles/billing/invoice-emails.md: not fixed: it links to {outside.resolve()}, outside" in said.output


def test_one_run_removes_a_doubled_byte_order_mark(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    one_mark = FIXTURES / "cases" / "byte-order-mark.md"
    article = kb.articles_dir / "billing" / "invoice-emails.md"
    article.parent.mkdir(parents=True)
    article.write_bytes(b"\xef\xbb\xbf" + one_mark.read_bytes())

    fix(kb, monkeypatch)

    assert article.read_bytes() == one_mark.read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert fix_articles([article]).changed == []
