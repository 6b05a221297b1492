"""A re-import after the support team has worked on the imported articles in kb: their edits stay."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from kb.cli import cli
from kb.importer import ImportOptions, import_articles
from kb.importer.record import RECORD_FILE
from kb.project import KnowledgeBase

HERE = Path(__file__).resolve().parent / "fixtures"


def kb_import(kb: KnowledgeBase, src: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(kb.root), "import", str(src), *args])


def copy_source(tmp_path: Path) -> Path:
    src = tmp_path / "helpdesk"
    shutil.copytree(HERE / "reimport", src)
    return src


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_article_edited_in_kb_is_kept_and_reported_until_overwrite(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    src = copy_source(tmp_path)
    assert kb_import(fresh_kb, src).exit_code == 0
    printer = fresh_kb.articles_dir / "guides" / "printer-offline.md"
    scanner = fresh_kb.articles_dir / "guides" / "scanner-jam.md"
    edit(printer, "2. Restart the Print Spooler service.", "2. Restart the Print Spooler service, then the printer.")
    edited = printer.read_text(encoding="utf-8")
    edit(src / "guides" / "printer-offline.md", "Open Services.", "Open services.msc.")
    edit(src / "guides" / "scanner-jam.md", "remove the sheet", "remove the jammed sheet")

    result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    assert "Imported 2 articles" in result.output
    assert "0 new, 1 updated, 0 unchanged, 1 kept as edited in kb." in result.output
    assert (
        "guides/printer-offline.md:1: edited-since-import: articles/guides/printer-offline.md was edited in kb "
        "since the import wrote it; kept as it is (--overwrite replaces it with the source's version)"
    ) in result.output
    assert printer.read_text(encoding="utf-8") == edited  # the analyst's fix is still there
    assert "remove the jammed sheet" in scanner.read_text(encoding="utf-8")  # not edited in kb: updated
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["kept"] == ["articles/guides/printer-offline.md"]
    assert data["problem_counts"]["edited-since-import"] == 1

    again = kb_import(fresh_kb, src)  # still edited: still kept, still said
    assert "0 new, 0 updated, 1 unchanged, 1 kept as edited in kb." in again.output
    assert printer.read_text(encoding="utf-8") == edited

    overwritten = kb_import(fresh_kb, src, "--overwrite")

    assert "0 new, 1 updated, 1 unchanged." in overwritten.output, overwritten.output
    text = printer.read_text(encoding="utf-8")
    assert "Open services.msc." in text
    assert "then the printer" not in text
    assert "id: KB-0002" in text
    assert "0 new, 0 updated, 2 unchanged." in kb_import(fresh_kb, src).output


def test_a_rerun_with_nothing_changed_writes_nothing_not_even_the_record(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    src = copy_source(tmp_path)
    assert kb_import(fresh_kb, src).exit_code == 0
    record = fresh_kb.root / RECORD_FILE
    written = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in [record, *fresh_kb.articles_dir.rglob("*.md")]}

    result = kb_import(fresh_kb, src)

    assert "0 new, 0 updated, 2 unchanged." in result.output
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in written} == written


def test_articles_imported_without_a_record_are_kept_when_they_differ_from_the_source(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    """An older kb kept no record: a difference may be an analyst's edit, so it is kept, not lost."""
    src = copy_source(tmp_path)
    import_articles(fresh_kb, src)
    (fresh_kb.root / RECORD_FILE).unlink()
    printer = fresh_kb.articles_dir / "guides" / "printer-offline.md"
    edit(printer, "The print spooler stopped.", "The print spooler stopped after an update.")
    edit(printer, "audience: internal", "audience: public")  # a re-run keeps this anyway: no edit

    report = import_articles(fresh_kb, src)

    assert report.kept == ["articles/guides/printer-offline.md"]
    assert report.unchanged == ["articles/guides/scanner-jam.md"]
    [kept] = [p for p in report.problems if p.kind == "edited-since-import"]
    assert "or its source changed (no import record says which)" in kept.message
    assert "after an update" in printer.read_text(encoding="utf-8")

    report = import_articles(fresh_kb, src, ImportOptions(overwrite=True))
    assert report.updated == ["articles/guides/printer-offline.md"]
    assert "after an update" not in printer.read_text(encoding="utf-8")
    assert "audience: public" in printer.read_text(encoding="utf-8")


def test_a_dry_run_reports_the_kept_articles_and_writes_no_record(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    src = copy_source(tmp_path)

    report = import_articles(fresh_kb, src, ImportOptions(dry_run=True))

    assert len(report.created) == 2
    assert not (fresh_kb.root / RECORD_FILE).exists()
