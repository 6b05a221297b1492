"""Library tests of `kb.check`: every case file's findings against its snapshot, and the KB-wide rules.

Each `fixtures/cases/NAME.md` is checked inside a KB made by `kb init` plus the good fixture
articles; its findings must equal `fixtures/cases/NAME.findings`. Regenerate the snapshots with
`KB_UPDATE_SNAPSHOTS=1 pytest tests/test_check.py` and review the diff (see tests/README.md).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from kb.check import CheckResult, check
from kb.errors import ConfigError, NotAKnowledgeBase, UsageError
from kb.findings import Finding, Level
from kb.fix import fix_files
from kb.load import load_article
from kb.new import new_article, next_id
from kb.project import KnowledgeBase, find_root
from kb.scaffold import init_kb
from tests.conftest import FIXTURES, WriteArticle
from tests.test_load import bounded, needs_special_files

CASES = FIXTURES / "cases"
UPDATE = os.environ.get("KB_UPDATE_SNAPSHOTS") == "1"


def snapshot_line(finding: Finding) -> str:
    """`file:line:col: CODE name: message`, with the file's name only (snapshots move with the fixtures)."""
    loc = finding.location
    return f"{loc.name}:{loc.line}:{loc.col}: {finding.code} {finding.name}: {finding.message}"


def codes(result: CheckResult) -> list[str]:
    return [f.code for f in result.findings]


# -- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_case_findings_match_snapshot(case: Path, good_kb: KnowledgeBase, today: dt.date) -> None:
    target = good_kb.articles_dir / "cases" / case.name
    target.parent.mkdir()
    shutil.copyfile(case, target)

    result = check(good_kb, [target], today=today)

    actual = "".join(snapshot_line(f) + "\n" for f in result.findings)
    snapshot = case.with_suffix(".findings")
    if UPDATE:
        snapshot.write_text(actual, encoding="utf-8")
        return
    assert snapshot.exists(), f"no snapshot for {case.name}: run KB_UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert actual == snapshot.read_text(encoding="utf-8")
    assert result.findings, "every case is a mistake that kb must report"
    assert {f.location.path for f in result.findings} == {good_kb.relpath(target)}


def test_every_snapshot_belongs_to_a_case() -> None:
    orphans = [s.name for s in CASES.glob("*.findings") if not s.with_suffix(".md").exists()]
    assert orphans == []


def test_good_fixture_articles_have_no_findings_at_any_level(good_kb: KnowledgeBase, today: dt.date) -> None:
    result = check(good_kb, today=today)

    assert [str(f) for f in result.findings] == []
    assert len(result.checked) == 1 + len(list((FIXTURES / "good").glob("*.md")))
    assert not result.failed(Level.INFO)


def test_the_starter_kb_passes_its_own_check(kb: KnowledgeBase, today: dt.date) -> None:
    result = check(kb, today=today)

    assert result.findings == []
    assert result.checked == ["articles/account/sign-in/session-expired-e-1001.md"]


# -- rules that compare articles ----------------------------------------------------------------


def test_duplicate_id_is_reported_on_both_files(
    good_kb: KnowledgeBase, write_article: WriteArticle, today: dt.date
) -> None:
    original = (FIXTURES / "good" / "how-to-download-invoices.md").read_text(encoding="utf-8")
    write_article("billing/copy-of-how-to.md", original)

    result = check(good_kb, today=today)

    duplicates = [f for f in result.findings if f.code == "KB601"]
    assert [(f.location.path, f.location.line, f.location.col) for f in duplicates] == [
        ("articles/billing/copy-of-how-to.md", 2, 5),
        ("articles/good/how-to-download-invoices.md", 2, 5),
    ]
    assert "also used by articles/good/how-to-download-invoices.md" in duplicates[0].message
    assert "also used by articles/billing/copy-of-how-to.md" in duplicates[1].message
    # A copy is also a near-duplicate (KB602, at the title), reported on both files.
    assert codes(result) == ["KB601", "KB602", "KB601", "KB602"]


def test_checking_one_file_still_compares_it_with_the_whole_kb(
    good_kb: KnowledgeBase, write_article: WriteArticle, today: dt.date
) -> None:
    original = (FIXTURES / "good" / "how-to-download-invoices.md").read_text(encoding="utf-8")
    copy = write_article("billing/copy-of-how-to.md", original)

    result = check(good_kb, [copy], today=today)

    assert result.checked == ["articles/billing/copy-of-how-to.md"]
    assert [str(f.location) for f in result.findings] == [
        "articles/billing/copy-of-how-to.md:2:5",  # KB601 duplicate-id
        "articles/billing/copy-of-how-to.md:3:8",  # KB602 near-duplicate
    ]


def test_replaced_by_may_point_at_an_article_that_is_not_checked(good_kb: KnowledgeBase, today: dt.date) -> None:
    archived = good_kb.articles_dir / "good" / "archived-old-sign-in-code.md"

    assert check(good_kb, [archived], today=today).findings == []


def test_every_file_is_checked_even_when_others_are_broken(
    kb: KnowledgeBase, write_article: WriteArticle, today: dt.date
) -> None:
    for name in ("binary.md", "yaml-syntax.md", "unknown-owner.md", "not-utf8.md", "missing-resolution.md"):
        write_article(f"billing/{name}", (CASES / name).read_bytes())

    result = check(kb, today=today)

    reported = {f.location.name: f.code for f in result.findings}
    assert reported == {
        "binary.md": "KB001",
        "yaml-syntax.md": "KB008",
        "unknown-owner.md": "KB306",
        "not-utf8.md": "KB002",
        "missing-resolution.md": "KB101",
    }
    assert len(result.checked) == 6
    assert [a.relpath for a in result.articles] == [
        "articles/account/sign-in/session-expired-e-1001.md",
        "articles/billing/missing-resolution.md",
        "articles/billing/unknown-owner.md",
    ]


def test_findings_are_sorted_by_file_line_and_column(kb: KnowledgeBase, write_article: WriteArticle) -> None:
    write_article("billing/b.md", (CASES / "invalid-fields.md").read_bytes())
    write_article("billing/a.md", (CASES / "unregistered-error-code.md").read_bytes())

    findings = check(kb).findings

    assert findings == sorted(findings, key=Finding.sort_key)
    assert {f.location.name for f in findings} == {"a.md", "b.md"}


# -- sections and aliases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "passes"),
    [
        ("## Resolution", True),
        ("## resolution", True),
        ("## Resolution:", True),
        ("## Solution", True),  # an alias from the starter taxonomy
        ("## Fix", True),
        ("# Resolution", True),
        ("### Resolution", False),  # a sub-heading is not a section
        ("## Resolutions", False),
    ],
)
def test_required_section_headings_and_their_aliases(
    heading: str, passes: bool, kb: KnowledgeBase, write_article: WriteArticle, today: dt.date
) -> None:
    text = (FIXTURES / "good" / "billing-invoice-email-missing.md").read_text(encoding="utf-8")
    path = write_article("billing/article.md", text.replace("## Resolution", heading))

    result = check(kb, [path], today=today)

    assert codes(result) == ([] if passes else ["KB101"])


def test_missing_sections_of_each_type(kb: KnowledgeBase, write_article: WriteArticle, today: dt.date) -> None:
    path = write_article(
        "billing/only-goal.md", (FIXTURES / "good" / "how-to-download-invoices.md").read_text(encoding="utf-8")
    )
    text = path.read_text(encoding="utf-8").split("## Environment")[0]
    path.write_text(text, encoding="utf-8")

    result = check(kb, [path], today=today)

    assert [f.message for f in result.findings] == [
        "the 'Environment' section is missing (required for how-to articles)",
        "the 'Steps' section is missing (required for how-to articles)",
    ]


# -- the configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "col", "message", "hint"),
    [
        ("unknown-setting.yaml", 4, 1, "unknown setting 'id_digit'", "did you mean 'id_digits'?"),
        ("unknown-nested-setting.yaml", 3, 3, "unknown setting 'check.fail_levle'", "did you mean 'fail_level'?"),
        ("wrong-type.yaml", 2, 12, "id_digits must be a whole number, not 'four' (str)", ""),
        ("bad-level.yaml", 3, 15, "check.fail_level must be one of info, warning, error, not 'eror' (str)", ""),
        ("yes-is-not-a-boolean.yaml", 3, 10, "check.cache must be true or false, not 'yes' (str)", ""),
        ("not-a-mapping.yaml", 1, 1, "the file must be a mapping of settings", ""),
        ("duplicate-key.yaml", 3, 1, "the key 'id_prefix' is already set on line 2", ""),
        ("yaml-syntax.yaml", 2, 11, "mapping values are not allowed in this context", ""),
    ],
)
def test_a_bad_config_is_an_error_with_file_line_and_hint(
    name: str, line: int, col: int, message: str, hint: str, kb: KnowledgeBase
) -> None:
    shutil.copyfile(FIXTURES / "config" / name, kb.root / "kb.yaml")

    with pytest.raises(ConfigError) as raised:
        KnowledgeBase(kb.root)

    error = raised.value
    assert (error.path, error.line, error.col) == (kb.root / "kb.yaml", line, col)
    assert error.message == message
    assert error.hint == hint
    assert f"kb.yaml:{line}:{col}: {message}" in error.render()
    assert f">{line:>5} | " in error.render()  # the offending line is quoted


def test_a_config_that_is_not_utf8_is_an_error(kb: KnowledgeBase) -> None:
    (kb.root / "kb.yaml").write_bytes("name: Caf\u00e9\n".encode("latin-1"))

    with pytest.raises(ConfigError, match="not UTF-8"):
        KnowledgeBase(kb.root)


def test_a_missing_articles_folder_is_an_error_not_an_empty_check(kb: KnowledgeBase) -> None:
    config = kb.root / "kb.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("articles: articles", "articles: artciles"), encoding="utf-8"
    )

    with pytest.raises(UsageError, match=r"no such file or folder: .*artciles"):
        check(KnowledgeBase(kb.root))


def test_a_check_of_no_article_says_why_instead_of_passing_quietly(kb: KnowledgeBase) -> None:
    config = kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + 'exclude: ["**"]\n', encoding="utf-8")

    excluded = check(KnowledgeBase(kb.root))
    shutil.rmtree(kb.articles_dir)
    kb.articles_dir.mkdir()
    empty = check(KnowledgeBase(kb.root))

    assert excluded.checked == empty.checked == []
    assert [w.message for w in excluded.warnings] == [
        "exclude leaves out every article: 1 .md file under articles/, none checked"
    ]
    assert [w.message for w in empty.warnings] == ["there is no article to check under articles/"]


@pytest.mark.parametrize(
    ("name", "file", "line", "message"),
    [
        ("unknown-setting", "taxonomy.yaml", 5, "unknown setting 'types.how-to.required_section'"),
        ("site-audience", "taxonomy.yaml", 9, "site 'public': unknown audience 'publik' (did you mean \"public\"?)"),
        ("public-site-internal", "taxonomy.yaml", 7, "site 'public' is public but publishes internal articles"),
        # A site's name is its folder: `../schemas` would have been built over the KB's own schemas.
        ("site-name", "taxonomy.yaml", 7, "site name '../schemas' is not a plain folder name"),
        (
            "area-owner",
            "taxonomy.yaml",
            7,
            "area 'account/sign-in': unknown owner 'team-suport' (did you mean \"team-support\"?)",
        ),
        (
            "code-twice",
            "error-codes.yaml",
            4,
            "error code 'e-1001' is registered twice (codes match case-insensitively)",
        ),
        ("bad-pattern", "error-codes.yaml", 3, "pattern 'E-[0-9' is not a valid regular expression"),
        # An interval of 0 days makes every article overdue; 10**11 days overflowed every date.
        ("interval-zero", "taxonomy.yaml", 6, "types.how-to.review_interval_days must be between 1 and 3650, not 0"),
        ("interval-huge", "taxonomy.yaml", 6, "types.how-to.review_interval_days must be between 1 and 3650"),
        # Without types every article would be "unknown type": the taxonomy is wrong, not the articles.
        ("no-types", "taxonomy.yaml", 3, "the taxonomy defines no article types"),
        ("empty", "taxonomy.yaml", 1, "the taxonomy defines no article types"),
        ("code-empty", "error-codes.yaml", 3, "an error code is empty"),
        (
            "code-area",
            "error-codes.yaml",
            4,
            "error code 'E-1001': unknown product area 'account/signin' (did you mean \"account/sign-in\"?)",
        ),
        (
            "pattern-area",
            "error-codes.yaml",
            5,
            "pattern 'E-[0-9]{4}': unknown product area 'getting-startd' (did you mean \"getting-started\"?)",
        ),
        # A pattern that matches empty text finds a "code" at every place of every article.
        ("pattern-empty", "error-codes.yaml", 5, "pattern '.*' can match empty text"),
        ("pattern-lookahead", "error-codes.yaml", 3, "pattern '(?=E-)' can match empty text"),
        # (a+)+b takes hours on a line of 40 a's: refused, as Python's re cannot be stopped.
        ("pattern-nested", "error-codes.yaml", 3, "pattern '(a+)+b' repeats a group that itself repeats"),
        # Articles are scanned with every family in one expression: (?x) must come first in it.
        ("pattern-flags", "error-codes.yaml", 3, "pattern '(?x) E - [0-9]{4}' cannot be part of a larger expression"),
        # ... where two (?P<n>...) clash, and \\1 would name another family's group.
        ("pattern-group-name", "error-codes.yaml", 5, "pattern '(?P<n>AUTH)-(?P=n)[0-9]+' names a group"),
    ],
)
def test_a_bad_taxonomy_is_an_error_with_file_and_line(
    name: str, file: str, line: int, message: str, kb: KnowledgeBase
) -> None:
    for source in (FIXTURES / "taxonomy" / name).iterdir():
        shutil.copyfile(source, kb.schemas_dir / source.name)

    with pytest.raises(ConfigError) as raised:
        _ = KnowledgeBase(kb.root).taxonomy

    error = raised.value
    assert (error.path, error.line) == (kb.schemas_dir / file, line)
    assert error.message.startswith(message)


def test_code_family_patterns_without_nested_repeats_are_accepted(kb: KnowledgeBase) -> None:
    shutil.copyfile(
        FIXTURES / "taxonomy" / "patterns-accepted" / "error-codes.yaml", kb.schemas_dir / "error-codes.yaml"
    )

    taxonomy = KnowledgeBase(kb.root).taxonomy

    assert len(taxonomy.families) == 7
    assert taxonomy.is_registered("ERR_DISK_FULL")
    assert taxonomy.is_registered("0x8007000E")


def test_a_missing_taxonomy_is_an_error(kb: KnowledgeBase) -> None:
    (kb.schemas_dir / "taxonomy.yaml").unlink()

    with pytest.raises(ConfigError, match="the taxonomy file is missing"):
        check(KnowledgeBase(kb.root))


# -- finding the KB ---------------------------------------------------------------------------


def test_the_kb_root_is_found_from_any_subfolder(kb: KnowledgeBase) -> None:
    deep = kb.articles_dir / "account" / "sign-in"

    assert find_root(deep) == kb.root
    assert KnowledgeBase.discover(deep).root == kb.root
    assert KnowledgeBase.discover(kb.schemas_dir).root == kb.root


def test_outside_a_kb_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotAKnowledgeBase, match=r"not inside a knowledge base: no kb\.yaml in "):
        find_root(tmp_path)


def test_readme_and_underscored_files_are_not_articles(kb: KnowledgeBase, write_article: WriteArticle) -> None:
    write_article("README.md", "# About these articles\n")
    write_article("_drafts/idea.md", "not an article yet\n")
    write_article(".hidden/x.md", "")

    assert check(kb).checked == ["articles/account/sign-in/session-expired-e-1001.md"]


def test_a_broken_link_named_like_an_article_is_reported(kb: KnowledgeBase, today: dt.date) -> None:
    link = kb.articles_dir / "billing" / "login.md"
    link.parent.mkdir()
    link.symlink_to(kb.root / "deleted.md")

    result = check(kb, today=today)

    assert [(f.code, f.location.path) for f in result.findings] == [("KB000", "articles/billing/login.md")]


@needs_special_files
def test_a_named_pipe_named_like_an_article_is_a_finding_and_the_others_are_checked(
    kb: KnowledgeBase, today: dt.date
) -> None:
    starter = "articles/account/sign-in/session-expired-e-1001.md"
    check(kb, today=today, use_cache=True)  # cached: the next check looks at it again only if it changed
    (kb.root / starter).rename(kb.root / "moved.md")
    os.mkfifo(kb.root / starter)  # reading it would wait for a writer forever
    os.mkfifo(kb.articles_dir / "pipe.md")
    shutil.copyfile(kb.root / "moved.md", kb.articles_dir / "copy.md")

    with bounded():
        result = check(kb, today=today, use_cache=True)

    message = "cannot read the file: it is a named pipe (FIFO), not a regular file"
    assert [(f.location.path, f.code, f.message) for f in result.findings] == [
        (starter, "KB000", message),
        ("articles/pipe.md", "KB000", message),
    ]
    assert [a.relpath for a in result.articles] == ["articles/copy.md"]
    crlf = kb.articles_dir / "copy.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    with bounded():  # `kb check --fix` reads every article first: never the pipe
        assert fix_files(kb.article_paths(None)) == [crlf]


def test_a_file_name_that_is_not_utf8_is_a_finding_shown_escaped_and_the_others_are_checked(
    kb: KnowledgeBase, write_article: WriteArticle, today: dt.date
) -> None:
    starter = kb.articles_dir / "account" / "sign-in" / "session-expired-e-1001.md"
    try:  # Latin-1 names, as a zip file or an old Windows share leaves them
        write_article(os.fsdecode(b"account/r\xe9sum\xe9.md"), (CASES / "missing-resolution.md").read_bytes())
        write_article(os.fsdecode(b"caf\xe9/ok.md"), starter.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 names")

    whole = check(kb, today=today)
    given = check(kb, [kb.articles_dir / "account", kb.articles_dir / os.fsdecode(b"caf\xe9")], today=today)

    message = 'the name "{}" is not valid UTF-8, so kb cannot name it in findings, pages or links'
    expected = [
        ("articles/account/r\\xe9sum\\xe9.md", "KB000", message.format("r\\xe9sum\\xe9.md")),
        ("articles/caf\\xe9/ok.md", "KB000", message.format("caf\\xe9")),
    ]
    for result in (whole, given):
        assert [(f.location.path, f.code, f.message) for f in result.findings] == expected
        assert [a.relpath for a in result.articles] == ["articles/account/sign-in/session-expired-e-1001.md"]
    assert "\n".join(map(str, whole.findings)).encode("utf-8")  # printable, as the terminal and JSON need


# -- kb init and kb new -----------------------------------------------------------------------


def test_init_refuses_an_existing_kb(kb: KnowledgeBase) -> None:
    with pytest.raises(UsageError, match="already exists"):
        init_kb(kb.root)


def test_init_writes_an_editor_schema_that_is_current(tmp_path: Path) -> None:
    kb = init_kb(tmp_path / "new", name='Acme "Help" Center')

    assert kb.config.name == 'Acme "Help" Center'
    assert (kb.schemas_dir / "article.schema.json").is_file()
    assert (kb.root / ".gitattributes").is_file()
    assert (kb.root / ".gitignore").is_file()


def test_next_id_counts_every_id_and_replacement(good_kb: KnowledgeBase, write_article: WriteArticle) -> None:
    assert next_id(good_kb) == "KB-0107"

    text = (FIXTURES / "good" / "archived-old-sign-in-code.md").read_text(encoding="utf-8")
    write_article("good/archived-2.md", text.replace("id: KB-0100", "id: KB-0099").replace("KB-0102", "KB-0500"))

    assert next_id(good_kb) == "KB-0501"


def test_next_id_counts_the_ids_of_a_file_that_does_not_load(
    good_kb: KnowledgeBase, write_article: WriteArticle
) -> None:
    broken = write_article("good/broken.md", (FIXTURES / "load" / "broken-yaml-holding-ids.md").read_bytes())
    assert load_article(broken, good_kb.relpath(broken)).article is None

    assert next_id(good_kb) == "KB-6001"


def test_next_id_reads_the_ids_of_a_utf16_file(good_kb: KnowledgeBase, write_article: WriteArticle) -> None:
    write_article("good/utf16.md", (CASES / "utf16.md").read_bytes())  # id: KB-0261, not loaded

    assert next_id(good_kb) == "KB-0262"


@pytest.mark.parametrize("type_name", ["troubleshooting", "how-to", "known-issue", "reference", "runbook"])
def test_a_new_article_passes_check_except_for_its_placeholders(
    type_name: str, good_kb: KnowledgeBase, today: dt.date
) -> None:
    created = new_article(
        good_kb, type_name=type_name, title="Invoices: the total is 0.00 # sometimes", area="billing",
        codes=["E-1001"], tags=["billing"], today=today,
    )  # fmt: skip

    assert created.id == "KB-0107"
    assert created.path.parent == good_kb.articles_dir / "billing"
    assert created.path.name.startswith("invoices-the-total-is-000-")
    article = load_article(created.path, "new.md").article
    assert article is not None
    assert article.id == "KB-0107"
    assert article.title == "Invoices: the total is 0.00 # sometimes"
    assert (article.created, article.reviewed) == (today, today)
    assert (article.owner, article.audience, article.confidence) == ("team-support", "internal", "wip")
    result = check(good_kb, [created.path], today=today)
    assert {f.code for f in result.findings} == {"KB103"}
    sections = good_kb.taxonomy.types[type_name]
    placeholders = len(sections.required_sections) + len(sections.optional_sections) + 1  # + description
    assert len(result.findings) == placeholders


def test_two_new_articles_with_one_title_get_two_files(kb: KnowledgeBase, today: dt.date) -> None:
    first = new_article(kb, type_name="how-to", title="Export invoices", area="billing", today=today)
    second = new_article(kb, type_name="how-to", title="Export invoices", area="billing", today=today)

    assert (first.id, second.id) == ("KB-0002", "KB-0003")
    assert second.path.name == "export-invoices-kb-0003.md"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"type_name": "troubleshoot"}, "unknown type 'troubleshoot' (did you mean \"troubleshooting\"?)"),
        ({"area": "bililng"}, "unknown product area 'bililng' (did you mean \"billing\"?)"),
        ({"owner": "team-suport"}, "unknown owner 'team-suport' (did you mean \"team-support\"?)"),
        ({"audience": "Public"}, "unknown audience 'Public' (did you mean \"public\"?)"),
        ({"title": "  "}, "the title is empty"),
    ],
)
def test_new_refuses_unknown_values_with_a_suggestion(
    options: dict[str, str], message: str, kb: KnowledgeBase, today: dt.date
) -> None:
    values = {"type_name": "how-to", "title": "Export invoices", "area": "billing", **options}

    with pytest.raises(UsageError) as raised:
        new_article(
            kb, type_name=values["type_name"], title=values["title"], area=values["area"], owner=values.get("owner"),
            audience=values.get("audience", "internal"), today=today,
        )  # fmt: skip

    assert raised.value.message == message
