"""`kb import` run for real on small sources in temporary folders: what it must refuse, keep apart or report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.scaffold import init_kb
from tests.importer.importer_fixtures import DOCFX

HERE = Path(__file__).resolve().parent / "fixtures"


def kb_import(kb: KnowledgeBase, src: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(kb.root), "import", str(src), *args])


def source_with(tmp_path: Path, name: str, text: str) -> Path:
    """A source folder holding one file, `guides/<name>`, with `text`."""
    src = tmp_path / "src"
    (src / "guides").mkdir(parents=True)
    (src / "guides" / name).write_text(text, encoding="utf-8")
    return src


def problems(report: Path) -> list[str]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return [f"{p['source']}:{p['line']}: {p['kind']}" for p in data["problems"]]


def test_an_include_leading_outside_the_source_is_refused_and_reported(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    src = tmp_path / "src"
    shutil.copytree(HERE / "include-outside", src)
    secret = tmp_path / "secret.md"
    secret.write_text("SECRET TEXT OUTSIDE THE SOURCE\n", encoding="utf-8")
    (src / "includes" / "linked.md").symlink_to(secret)
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").is_file() else ""

    result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    text = (fresh_kb.articles_dir / "guides" / "escape.md").read_text(encoding="utf-8")
    assert "SECRET TEXT" not in text
    if hostname:
        assert hostname not in text.splitlines()
    assert "Text of an include inside the source." in text
    found = problems(tmp_path / "r.json")
    assert "guides/escape.md:9: include-outside" in found
    assert "guides/escape.md:11: include-outside" in found


def imported(kb: KnowledgeBase) -> dict[str, str]:
    return {
        p.relative_to(kb.articles_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(kb.articles_dir.rglob("*.md"))
        if "\nsource:" in p.read_text(encoding="utf-8")
    }


@pytest.mark.parametrize("into", [("--into", "teamA", "--into", "teamB"), ()])
def test_importing_a_second_source_never_overwrites_the_first(
    tmp_path: Path, fresh_kb: KnowledgeBase, into: tuple[str, ...]
) -> None:
    sources = HERE / "two-sources"
    first, second = (into[:2], into[2:]) if into else ((), ())

    assert kb_import(fresh_kb, sources / "srcA", *first).exit_code == 0
    result = kb_import(fresh_kb, sources / "srcB", *second)

    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated" in result.output
    articles = imported(fresh_kb)
    assert len(articles) == 2
    assert sum("Team A's relay" in text for text in articles.values()) == 1
    assert sum("Team B's print server" in text for text in articles.values()) == 1
    if into:
        assert "Team B's print server" in articles["teamB/guides/setup.md"]
    again = kb_import(fresh_kb, sources / "srcA", *first)
    assert "0 new, 0 updated, 1 unchanged" in again.output
    assert imported(fresh_kb) == articles


def test_an_article_imported_before_source_named_the_folder_is_still_updated_in_place(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    assert kb_import(fresh_kb, HERE / "two-sources" / "srcA").exit_code == 0
    article = fresh_kb.articles_dir / "guides" / "setup.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("source: srcA/guides/setup.md", "source: guides/setup.md"), encoding="utf-8")

    result = kb_import(fresh_kb, HERE / "two-sources" / "srcA")

    assert "0 new, 1 updated" in result.output, result.output
    assert imported(fresh_kb) == {"guides/setup.md": text}


def kb_files(kb: KnowledgeBase) -> dict[str, str]:
    return {
        p.relative_to(kb.root).as_posix(): p.read_text(encoding="utf-8")
        for folder in (kb.articles_dir, kb.schemas_dir)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_import_cut_off_among_the_articles_is_completed_by_a_re_run(tmp_path: Path) -> None:
    whole, cut = init_kb(tmp_path / "whole"), init_kb(tmp_path / "cut")
    options = ("--include-root", str(DOCFX / "snippets"))
    assert kb_import(whole, DOCFX / "articles", *options).exit_code == 0
    blocker = cut.articles_dir / "Widgets"  # a file where the last articles' folder goes: their writes fail
    blocker.write_text("in the way\n", encoding="utf-8")

    failed = kb_import(cut, DOCFX / "articles", *options)

    assert failed.exit_code != 0
    expected = kb_files(whole)
    written = kb_files(cut)
    for name in ("schemas/taxonomy.yaml", "schemas/error-codes.yaml"):
        assert written[name] == expected[name], name  # the registry is complete before any article
    articles = {name: text for name, text in written.items() if name.endswith(".md") and "\nsource:" in text}
    assert articles
    assert all(expected[name] == text for name, text in articles.items())  # each article whole
    blocker.unlink()
    assert kb_import(cut, DOCFX / "articles", *options).exit_code == 0
    assert kb_files(cut) == expected


def test_a_report_that_cannot_be_written_stops_the_import_before_it_writes(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    before = kb_files(fresh_kb)

    result = kb_import(fresh_kb, HERE / "two-sources" / "srcA", "--report", str(tmp_path / "missing" / "r.json"))

    assert result.exit_code == 2
    assert "Error: --report" in result.output
    assert "no such folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert kb_files(fresh_kb) == before


def test_a_file_kb_would_not_read_is_reported_never_imported(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    # Over 10 MB: kb check refuses it (KB000), so an import of it would add a copy on every re-run.
    src = source_with(tmp_path, "huge.md", "---\ntitle: A huge export\n---\n# A huge export\n")
    huge = src / "guides" / "huge.md"
    with huge.open("r+b") as file:
        file.truncate(10 * 1024 * 1024 + 1)  # sparse: no 10 MB written to disk

    for _ in range(2):
        result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))
        assert result.exit_code == 0, result.output

    assert problems(tmp_path / "r.json") == ["guides/huge.md:1: not-an-article"]
    assert not list(fresh_kb.articles_dir.rglob("huge*.md"))


def test_an_upper_case_suffix_is_imported_as_kb_reads_it(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    src = source_with(tmp_path, "SHOUT.MD", "---\ntitle: Printing fails with PRN-404\n---\nText.\n")

    result = kb_import(fresh_kb, src)

    assert result.exit_code == 0, result.output
    assert [p.name.lower() for p in (fresh_kb.articles_dir / "guides").glob("*")] == ["shout.md"]


def test_an_xref_link_is_reported_where_it_is(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    text = "---\ntitle: Parsing fails with FMT-400\n---\nCall <xref:System.String.Format> with `<xref:in.code>`.\n"
    src = source_with(tmp_path, "api.md", text)

    result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    found = problems(tmp_path / "r.json")
    assert [p for p in found if p.endswith("unconvertible")] == ["guides/api.md:4: unconvertible"]  # not in code


def test_a_mapping_where_text_belongs_is_reported_and_left_out(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    src = source_with(tmp_path, "odd.md", "---\ntitle: {a: b}\n---\n# Printing fails with PRN-404\n\nText.\n")

    result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    assert "guides/odd.md:2: bad-value" in problems(tmp_path / "r.json")
    written = next((fresh_kb.articles_dir / "guides").glob("*.md")).read_text(encoding="utf-8")
    assert 'title: "Printing fails with PRN-404"' in written  # from the heading, as with no title


@pytest.mark.parametrize(("first", "second"), [("teamA", "teamB"), ("teamB", "teamA")])
def test_a_folder_of_the_same_name_never_takes_the_other_ones_article(
    tmp_path: Path, fresh_kb: KnowledgeBase, first: str, second: str
) -> None:
    sources = HERE / "same-name"
    assert kb_import(fresh_kb, sources / first / "docs").exit_code == 0
    vpn = fresh_kb.articles_dir / "vpn.md"
    before = vpn.read_text(encoding="utf-8")

    result = kb_import(fresh_kb, sources / second / "docs", "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    assert vpn.read_text(encoding="utf-8") == before  # still the first folder's article
    assert "vpn.md:1: other-folder" in problems(tmp_path / "r.json")
    assert "articles/vpn.md (source: docs/vpn.md) was imported from " in result.output
    assert f"same-name/{first}/docs, another folder than " in result.output
    assert "--source-name NAME" in result.output
    assert "printers.md" not in "".join(problems(tmp_path / "r.json"))  # a file the first folder lacks is new
    assert f"Team {first[-1]} connects" in vpn.read_text(encoding="utf-8")
    # Named apart, the second folder gets an article of its own beside the first one's.
    named = kb_import(fresh_kb, sources / second / "docs", "--source-name", f"{second}-docs")
    assert named.exit_code == 0, named.output
    assert "other-folder" not in named.output
    articles = imported(fresh_kb)
    assert sum(f"Team {second[-1]} connects" in text for text in articles.values()) == 1
    assert sum(f"Team {first[-1]} connects" in text for text in articles.values()) == 1
    assert articles["vpn.md"] == before
    # And the first folder's own re-run still finds its article.
    assert "0 updated" in kb_import(fresh_kb, sources / first / "docs").output


def test_a_source_folder_that_moved_still_updates_its_articles_and_keeps_their_edits(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    """Moved (or checked out elsewhere beside the KB), the folder recorded is gone: it is the
    same folder, not another one, so no --overwrite is needed, which would replace edits too."""
    docs = tmp_path / "old" / "docs"
    docs.mkdir(parents=True)
    for name in ("vpn", "printers"):
        (docs / f"{name}.md").write_text(f"---\ntitle: Connect to the {name}\n---\nFirst text.\n", encoding="utf-8")
    assert kb_import(fresh_kb, docs).exit_code == 0
    printers = fresh_kb.articles_dir / "printers.md"
    printers.write_text(printers.read_text(encoding="utf-8") + "\nA step added in kb.\n", encoding="utf-8")
    (tmp_path / "old").rename(tmp_path / "new")
    moved = tmp_path / "new" / "docs"
    for name in ("vpn", "printers"):
        with (moved / f"{name}.md").open("a", encoding="utf-8") as source:
            source.write("A line added at the source.\n")

    result = kb_import(fresh_kb, moved)

    assert result.exit_code == 0, result.output
    assert "other-folder" not in result.output
    assert "A line added at the source." in (fresh_kb.articles_dir / "vpn.md").read_text(encoding="utf-8")
    assert "A step added in kb." in printers.read_text(encoding="utf-8")  # kept, and reported
    assert "edited-since-import" in result.output


def test_a_source_name_that_is_no_folder_name_is_a_usage_error(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    result = kb_import(fresh_kb, HERE / "same-name" / "teamA" / "docs", "--source-name", "team/A")

    assert result.exit_code == 2
    assert "Error: --source-name 'team/A' is not a folder name" in result.output


def test_reference_and_html_images_are_copied_like_inline_ones_and_missing_ones_reported(
    tmp_path: Path, fresh_kb: KnowledgeBase
) -> None:
    src = tmp_path / "src"
    shutil.copytree(HERE / "images", src)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not the source's")
    (src / "guides" / "media" / "link.png").symlink_to(secret)

    result = kb_import(fresh_kb, src, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    media = fresh_kb.articles_dir / "guides" / "media"
    assert sorted(p.name for p in media.iterdir()) == ["panel.png", "spooler settings.png", "tray.png"]
    assert (media / "tray.png").read_bytes() == (src / "guides" / "media" / "tray.png").read_bytes()
    assert not (fresh_kb.articles_dir / "secret.png").exists()
    assert [p for p in problems(tmp_path / "r.json") if p.endswith("missing-image")] == [
        "guides/printer-tray.md:13: missing-image",
        "guides/printer-tray.md:13: missing-image",
        "guides/printer-tray.md:15: missing-image",
        "guides/printer-tray.md:15: missing-image",
    ]
    assert "image 'media/gone.png' is not in the source" in result.output
    assert "image 'media/absent.png' is not in the source" in result.output
    assert "image '../../secret.png' leads outside the source; not copied" in result.output
    assert "image 'media/link.png' leads outside the source; not copied" in result.output


def test_a_duplicate_front_matter_key_is_reported_at_its_file_lines(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    result = kb_import(fresh_kb, HERE / "duplicate-key", "--report", str(tmp_path / "r.json"))

    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    found = [f"{p['source']}:{p['line']}: {p['message']}" for p in data["problems"] if p["kind"] == "front-matter"]
    assert found == [
        "guides/after-blank-lines.md:7: front matter: the key 'ms.topic' is already set on line 6",
        "guides/twice.md:4: front matter: the key 'ms.topic' is already set on line 3",
    ]
