"""`kb import` of a small DocFX repository: golden articles, the report, re-runs, and checks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kb.check import check
from kb.cli import cli
from kb.errors import ConfigError, UsageError
from kb.importer import ImportOptions, ImportReport, import_articles
from kb.importer.infer import code_message
from kb.project import KnowledgeBase
from kb.scaffold import init_kb
from kb.search.codes import ErrorCodeFilter
from tests.importer.importer_fixtures import DOCFX, EXPECTED, FIXTURES, matches_golden

TODAY = dt.date(2026, 1, 15)


def run_import(kb: KnowledgeBase, **options: Any) -> ImportReport:
    return import_articles(
        kb,
        DOCFX / "articles",
        ImportOptions(include_root=DOCFX / "snippets", today=TODAY, **options),
    )


def imported_files(kb: KnowledgeBase) -> dict[str, str]:
    return {
        p.relative_to(kb.root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(kb.articles_dir.rglob("*.md"))
        if "source:" in p.read_text(encoding="utf-8")
    }


def test_articles_match_the_golden_files(fresh_kb: KnowledgeBase) -> None:
    run_import(fresh_kb)
    files = imported_files(fresh_kb)
    assert len(files) == 5
    for relpath, text in files.items():
        assert matches_golden(text, EXPECTED / relpath), relpath
    registry = (fresh_kb.schemas_dir / "error-codes.yaml").read_text(encoding="utf-8")
    assert matches_golden(registry, EXPECTED / "schemas" / "error-codes.yaml")
    taxonomy = (fresh_kb.schemas_dir / "taxonomy.yaml").read_text(encoding="utf-8")
    assert matches_golden(taxonomy, EXPECTED / "schemas" / "taxonomy.yaml")


def code_message_cases() -> list[tuple[str, ...]]:
    lines = (FIXTURES / "code-messages.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(("code", "title", "heading", "expected"), code_message_cases())
def test_a_new_code_is_registered_with_the_message_its_title_or_heading_gives(
    code: str, title: str, heading: str, expected: str
) -> None:
    assert code_message(code, title, heading, ErrorCodeFilter()) == expected


def test_the_report_lists_what_did_not_map_with_file_and_line(fresh_kb: KnowledgeBase) -> None:
    report = run_import(fresh_kb)
    text = report.render(per_kind=None).replace(str(DOCFX), "DOCFX")
    assert matches_golden(text + "\n", EXPECTED / "report.txt")
    found = {str(p) for p in report.problems}
    assert (
        "Contoso/MailFlow/delivery/relay-denied.md:12: unknown-key: unknown key 'ms.reviwer' "
        '(did you mean "ms.reviewer"?); dropped' in found
    )
    assert any("broken-include" in p and "sync-error-codes.md:15" in p for p in found)


def test_the_result_passes_schema_and_taxonomy_checks(fresh_kb: KnowledgeBase) -> None:
    run_import(fresh_kb)
    result = check(fresh_kb)
    schema_or_taxonomy = [f for f in result.findings if f.code.startswith(("KB0", "KB30"))]
    assert schema_or_taxonomy == []


def test_ids_are_deterministic(tmp_path: Path) -> None:
    one, two = init_kb(tmp_path / "one"), init_kb(tmp_path / "two")
    run_import(one)
    run_import(two)
    assert imported_files(one) == imported_files(two)
    ids = sorted(text.split("\n")[1] for text in imported_files(one).values())
    assert ids == ["id: KB-0002", "id: KB-0003", "id: KB-0004", "id: KB-0005", "id: KB-0006"]


def test_imported_ids_come_after_the_ids_of_files_that_do_not_load(fresh_kb: KnowledgeBase) -> None:
    shutil.copyfile(FIXTURES.parent / "load" / "broken-yaml-holding-ids.md", fresh_kb.articles_dir / "broken.md")

    report = run_import(fresh_kb)

    ids = sorted(text.split("\n")[1] for text in imported_files(fresh_kb).values())
    assert ids == ["id: KB-6001", "id: KB-6002", "id: KB-6003", "id: KB-6004", "id: KB-6005"]
    assert len(report.created) == 5


def test_a_rerun_updates_and_never_duplicates(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    source = tmp_path / "source"
    shutil.copytree(DOCFX / "articles", source)
    options = ImportOptions(include_root=DOCFX / "snippets", today=TODAY)
    import_articles(fresh_kb, source, options)
    before = imported_files(fresh_kb)

    again = import_articles(
        fresh_kb, source, ImportOptions(include_root=DOCFX / "snippets", today=TODAY.replace(day=20))
    )
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 5)
    assert imported_files(fresh_kb) == before

    relay = source / "Contoso/MailFlow/delivery/relay-denied.md"
    relay.write_text(relay.read_text(encoding="utf-8").replace("Open the connector", "Open the receive connector"))
    article = fresh_kb.articles_dir / "Contoso/MailFlow/delivery/relay-denied.md"
    article.write_text(article.read_text(encoding="utf-8").replace("audience: internal", "audience: public"))
    third = import_articles(fresh_kb, source, options)
    assert third.updated == ["articles/Contoso/MailFlow/delivery/relay-denied.md"]
    text = article.read_text(encoding="utf-8")
    assert "id: KB-0002" in text
    assert "Open the receive connector" in text
    assert "audience: public" in text  # set by hand since the first import: kept
    assert len(imported_files(fresh_kb)) == 5

    import_articles(fresh_kb, source, ImportOptions(include_root=DOCFX / "snippets", today=TODAY, audience="partner"))
    assert "audience: partner" in article.read_text(encoding="utf-8")  # given on the command line: applied


def test_a_moved_article_is_still_found_by_its_source(fresh_kb: KnowledgeBase) -> None:
    run_import(fresh_kb)
    old = fresh_kb.articles_dir / "Widgets/reset-widget.md"
    new = fresh_kb.articles_dir / "how-to/reset.md"
    new.parent.mkdir()
    old.rename(new)
    report = run_import(fresh_kb)
    assert report.unchanged.count("articles/how-to/reset.md") == 1
    assert not old.exists()


def test_flags_and_into(fresh_kb: KnowledgeBase) -> None:
    run_import(fresh_kb, audience="public", confidence="validated", owner="team-docs", into="imported")
    article = (fresh_kb.articles_dir / "imported/Widgets/reset-widget.md").read_text(encoding="utf-8")
    assert "audience: public\n" in article
    assert "confidence: validated\n" in article
    assert "owner: team-docs\n" in article
    assert "team-docs:" in (fresh_kb.schemas_dir / "taxonomy.yaml").read_text(encoding="utf-8")


def test_a_bad_audience_is_a_usage_error(fresh_kb: KnowledgeBase) -> None:
    with pytest.raises(UsageError, match=r'unknown audience .publik. \(did you mean "public"\?\)'):
        run_import(fresh_kb, audience="publik")


def test_links_from_the_old_sites_root_lead_into_the_link_base_and_kb_check_is_content(fresh_kb: KnowledgeBase) -> None:
    """Without --link-base the links are kept and reported, and kb check's KB407 finds them; with
    it (the flag, or importer.link_base) they lead into the old site, and KB407 finds none."""
    CliRunner().invoke(cli, ["--root", str(fresh_kb.root), "import", str(DOCFX / "articles"), "-q"])
    assert "KB407" in {f.code for f in check(fresh_kb).findings}

    result = CliRunner().invoke(
        cli,
        ["--root", str(fresh_kb.root), "import", str(DOCFX / "articles"), "--link-base", "https://docs.example.com/"],
    )
    assert result.exit_code == 0, result.output
    assert "root-absolute-link" not in result.stdout
    text = (fresh_kb.articles_dir / "Widgets" / "reset-widget.md").read_text(encoding="utf-8")
    assert "[the service limits](https://docs.example.com/widgets/service-limits#reset)" in text
    assert '<a href="https://docs.example.com/widgets/faq">' in text
    assert "[limits]: https://docs.example.com/widgets/limits" in text
    assert "`[status](/widgets/status)`" in text  # code is left as written
    assert "KB407" not in {f.code for f in check(fresh_kb).findings}


def test_a_link_base_that_is_no_address_is_a_usage_error(fresh_kb: KnowledgeBase) -> None:
    with pytest.raises(UsageError, match=r"--link-base must be a full http:// or https:// address, not 'learn'"):
        run_import(fresh_kb, link_base="learn")
    (fresh_kb.root / "kb.yaml").write_text("importer:\n  link_base: learn\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"importer.link_base must be a full http:// or https:// address"):
        run_import(KnowledgeBase(fresh_kb.root))


def test_a_mapping_file_maps_other_front_matter(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    source = FIXTURES / "jekyll"
    report = import_articles(
        fresh_kb, source, ImportOptions(mapping=str(FIXTURES / "jekyll-mapping.yaml"), today=TODAY)
    )
    assert len(report.created) == 1
    text = (fresh_kb.articles_dir / "2024-05-01-printer-offline.md").read_text(encoding="utf-8")
    assert "product_area: printing/network\n" in text
    assert "reviewed: 2024-05-01\n" in text
    assert "tags: [printer, network]\n" in text
    assert 'error_codes: ["0x00000709"]\n' in text
    assert [p.kind for p in report.problems] == []


def test_a_broken_mapping_file_points_at_its_line(fresh_kb: KnowledgeBase) -> None:
    with pytest.raises(ConfigError) as caught:
        import_articles(fresh_kb, DOCFX / "articles", ImportOptions(mapping=str(FIXTURES / "bad-mapping.yaml")))
    assert caught.value.line == 3
    assert "did you mean 'reviewed'" in caught.value.hint


def test_kb_import_writes_a_json_report(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        ["--root", str(fresh_kb.root), "import", str(DOCFX / "articles"), "--include-root", str(DOCFX / "snippets"),
         "--report", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Imported 5 articles" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["imported"] == 5
    assert {"source", "line", "kind", "message"} <= set(data["problems"][0])
    assert data["problem_counts"]["unknown-key"] == 2


def test_a_dry_run_writes_nothing(fresh_kb: KnowledgeBase) -> None:
    taxonomy = (fresh_kb.schemas_dir / "taxonomy.yaml").read_bytes()
    report = run_import(fresh_kb, dry_run=True)
    assert report.render().startswith("Would import 5 articles")
    assert imported_files(fresh_kb) == {}
    assert (fresh_kb.schemas_dir / "taxonomy.yaml").read_bytes() == taxonomy


def test_binary_and_empty_files_are_left_out_and_reported(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    source = tmp_path / "source"
    shutil.copytree(DOCFX / "articles", source)
    (source / "program.md").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    (source / "empty.md").write_text("\n  \n", encoding="utf-8")

    report = import_articles(fresh_kb, source, ImportOptions(include_root=DOCFX / "snippets", today=TODAY))

    assert len(report.created) == 5  # the articles only
    left_out = sorted((p.source, p.kind) for p in report.problems if p.kind == "not-an-article")
    assert left_out == [("empty.md", "not-an-article"), ("program.md", "not-an-article")]
