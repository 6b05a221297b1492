"""The audit and its reports: scores explained by checks, and every format parses (SARIF against its schema)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.quality.health import AuditReport, audit
from kb.report import FORMATS, html
from kb.rules import ALL_RULES
from tests.quality.conftest import QUALITY

RULES = QUALITY / "rules"
SARIF_SCHEMA = json.loads((QUALITY / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def report(quality_kb: KnowledgeBase, today: dt.date) -> AuditReport:
    folder = quality_kb.articles_dir / "rules"
    folder.mkdir()
    for pair in ("KB501-secret", "KB202-wall-of-text", "KB701-review-overdue"):
        shutil.copyfile(RULES / f"{pair}.bad.md", folder / f"{pair}.md")
    (folder / "empty.md").write_text("", encoding="utf-8")
    return audit(quality_kb, today=today)


def by_name(report: AuditReport) -> dict[str, int]:
    return {h.relpath.rsplit("/", 1)[1]: h.score for h in report.articles}


def test_scores_follow_the_weights_and_say_which_checks_failed(report: AuditReport) -> None:
    scores = by_name(report)

    assert scores["renew-certificate.md"] == 100
    # An error in safe (weight 20 of 100) loses all of it; a warning loses half of its group's
    # weight: clear (10) for the wall of text, unique (10) for the secret article, which is a
    # near-duplicate of the review-overdue one (both keep the fixtures' template text).
    assert scores["KB501-secret.md"] == 100 - 20 - 5
    assert scores["KB202-wall-of-text.md"] == 100 - 5
    secret = next(h for h in report.articles if h.relpath.endswith("KB501-secret.md"))
    assert [c.group.value for c in secret.failed_checks] == ["safe", "unique"]
    assert {c.group.value: c.passed for c in secret.checks}["complete"] is True
    assert [u.relpath for u in report.unreadable] == ["articles/rules/empty.md"]


def test_the_summary_counts_what_a_knowledge_manager_needs(report: AuditReport) -> None:
    s = report.summary

    assert s.articles == 9
    assert (s.distribution[9], s.distribution[7], s.distribution[0]) == (7, 1, 1)
    assert [h.relpath for h in s.overdue] == ["articles/rules/KB701-review-overdue.md"]
    assert {r.code for r in s.top_rules} >= {"KB501", "KB202", "KB701", "KB003"}
    # The unreadable file has no owner or area: it is a row of its own, so that the rows add up.
    assert [a.name for a in s.by_owner] == ["team-identity", "(unreadable)"]
    assert sum(a.articles for a in s.by_area) == sum(a.articles for a in s.by_owner) == s.articles
    assert "SSO-1005" not in s.uncovered_codes
    assert "AUTH-401" in s.uncovered_codes


def test_the_text_summary_has_a_table_by_area_and_by_owner_worst_first(report: AuditReport) -> None:
    text = FORMATS["text"](report)

    assert (
        "\nBy product area\n"
        "  area              articles   mean  overdue\n"
        "  (unreadable)             1      0        0\n"
        "  identity/sso             7   94.3        1\n"
        "  identity/sign-in         1    100        0\n"
        "\nBy owner\n"
        "  owner          articles   mean  overdue\n"
        "  (unreadable)          1      0        0\n"
        "  team-identity         8     95        1\n"
    ) in text
    assert text.index("By product area") < text.index("Reviews:") < text.index("Findings")


def test_the_text_tables_show_the_ten_worst_and_count_the_rest(sample_kb: KnowledgeBase, today: dt.date) -> None:
    report = audit(sample_kb, today=today)
    areas = report.summary.by_area
    assert len(areas) > 10, "the sample KB has more areas than the table shows"

    lines = FORMATS["text"](report).split("\nBy product area\n")[1].split("\n\n")[0].splitlines()

    mean = {a.name: a.mean_score for a in areas}
    shown = [line.split()[0] for line in lines[1:-1]]
    assert len(shown) == 10
    assert [mean[name] for name in shown] == sorted(mean[name] for name in shown)
    assert max(mean[name] for name in shown) <= min(v for name, v in mean.items() if name not in shown)
    assert lines[-1] == f"  and {len(areas) - 10} more"


def test_sarif_is_valid_sarif_2_1_0_with_rule_help_and_stable_fingerprints(
    report: AuditReport, quality_kb: KnowledgeBase, today: dt.date
) -> None:
    log = json.loads(FORMATS["sarif"](report))

    Draft4Validator(SARIF_SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.code for r in ALL_RULES]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert "## What it does" in rule["help"]["markdown"]
        assert rule["helpUri"]
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"KB501", "KB202", "KB701", "KB003"}
    assert all(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    before = {r["partialFingerprints"]["kbFinding/v1"] for r in results}
    moved = quality_kb.articles_dir / "rules" / "KB501-secret.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("## Issue\n", "## Issue\n\nA new line.\n"), "utf-8")
    after = json.loads(FORMATS["sarif"](audit(quality_kb, today=today)))["runs"][0]["results"]
    assert {r["partialFingerprints"]["kbFinding/v1"] for r in after} == before


def test_github_annotations_name_file_line_and_column(report: AuditReport) -> None:
    lines = FORMATS["github"](report).splitlines()

    pattern = re.compile(r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=KB\d{3} [a-z-]+::.+$")
    assert all(pattern.match(line) for line in lines[:-1]), lines
    assert "::error file=articles/rules/KB501-secret.md,line=33,col=32,title=KB501 secret::" in "\n".join(lines)
    assert lines[-1].startswith("::notice title=kb audit::9 articles")


def test_junit_has_a_case_per_article_failing_on_errors(report: AuditReport) -> None:
    suite = ET.fromstring(FORMATS["junit"](report)).find("testsuite")

    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("9", "2")
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert failed == ["articles/rules/KB501-secret.md", "articles/rules/empty.md"]


def test_rdjson_is_reviewdog_diagnostics(report: AuditReport) -> None:
    data = json.loads(FORMATS["rdjson"](report))

    assert data["source"]["name"] == "kb"
    first = data["diagnostics"][0]
    assert set(first) == {"message", "location", "severity", "code"}
    assert first["location"]["range"]["start"]["line"] >= 1
    assert {d["severity"] for d in data["diagnostics"]} <= {"ERROR", "WARNING", "INFO"}
    assert "url" not in first["code"]  # no lint.rules_url: no link to a page that does not exist
    report.rules_url = "https://kb.example.com/rules/{code}"
    assert json.loads(FORMATS["rdjson"](report))["diagnostics"][0]["code"]["url"].startswith("https://kb.example")


def test_json_has_every_article_with_its_checks(report: AuditReport) -> None:
    data = json.loads(FORMATS["json"](report))

    secret = next(a for a in data["articles"] if a["path"].endswith("KB501-secret.md"))
    assert secret["score"] == 75
    assert secret["checks"]["safe"]["passed"] is False
    assert secret["staleness"] == {"state": "current", "due": "2026-08-09", "reasons": []}
    assert data["summary"]["distribution"]["90-100"] == 7


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self.links += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "svg" and values.get("aria-label"):
            self.labels.append(str(values["aria-label"]))


def test_the_html_page_is_self_contained_with_a_chart_for_each_view(report: AuditReport) -> None:
    page = _Page()
    page.feed(html.render(report))

    assert "script" not in page.tags
    assert "link" not in page.tags
    assert page.links == []
    assert page.labels == [
        "Articles per health score band",
        "Findings per rule",
        "Mean health score by product area",
        "Mean health score by owner",
        "Overdue reviews by owner",
    ]


def test_long_charts_and_lists_show_what_needs_attention_most_and_say_so(
    report: AuditReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 50,000 articles every area and every overdue review made a 40 MB page."""
    monkeypatch.setattr(html, "CHART_ROWS", 1)
    monkeypatch.setattr(html, "REVIEW_ROWS", 0)
    s = report.summary
    page = _Page()
    page.feed(html.render(report))

    lowest = min(s.by_area, key=lambda a: (a.mean_score, a.name))
    areas = next(label for label in page.labels if label.startswith("Mean health score by product area"))
    assert areas == f"Mean health score by product area: the 1 lowest of {len(s.by_area)} areas"
    chart = html.bars(*html._lowest("By area", "areas", s.by_area))
    assert chart.count("<rect") == 1
    assert f"<title>{lowest.name}: " in chart
    monkeypatch.setattr(html, "CHART_ROWS", len(s.by_area) - 1)
    names = [name for name, *_ in html._lowest("By area", "areas", s.by_area)[1]]
    assert names == [a.name for a in s.by_area if a.name in names]  # in the order of the whole chart
    reviews = len(s.overdue) + len(s.due_soon)
    content = html.content(report)
    assert reviews > 0
    assert "<tbody></tbody>" in content.split('id="h-overdue"')[1]
    assert f"The 0 due first, of {reviews}: <code>kb audit --format json</code> lists every one." in content


def test_audit_cli_writes_every_format_and_the_html_page(
    report: AuditReport, quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(quality_kb.root)
    for name in FORMATS:
        result = CliRunner().invoke(cli, ["audit", "--format", name, "-o", f"report.{name}", "--html", "health.html"])
        assert result.exit_code == 1, result.output  # KB501 and KB003 are errors
        assert (quality_kb.root / f"report.{name}").read_text(encoding="utf-8")
    assert (quality_kb.root / "health.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_fail_under_fails_on_a_low_score_even_without_errors(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(RULES / "KB202-wall-of-text.bad.md", quality_kb.articles_dir / "base" / "wall.md")
    monkeypatch.chdir(quality_kb.root)

    assert CliRunner().invoke(cli, ["audit", "-q", "--fail-under", "90"]).exit_code == 0
    failing = CliRunner().invoke(cli, ["audit", "--fail-under", "96"])
    assert failing.exit_code == 1
    why = "articles/base/wall.md: health score 95 is under 96 (failed checks: clear)"
    assert f"1 article scores under 96:\n  {why}" in failing.stdout

    # Every CI format names the article that stops the run, and why.
    github = CliRunner().invoke(cli, ["audit", "--fail-under", "96", "--format", "github"]).stdout
    annotation = "::error file=articles/base/wall.md,line=1,col=1,title=kb health score::health score 95 is under 96"
    assert annotation in github
    junit = CliRunner().invoke(cli, ["audit", "--fail-under", "96", "--format", "junit"]).stdout
    assert 'failures="1"' in junit
    assert 'type="fail-under"' in junit
    data = json.loads(CliRunner().invoke(cli, ["audit", "--fail-under", "96", "--format", "json"]).stdout)
    assert (data["fail_under"], data["under_fail_under"]) == (96, ["articles/base/wall.md"])


@pytest.mark.parametrize("option", ["-o", "--html"])
def test_a_report_that_cannot_be_written_is_a_usage_error_before_the_audit(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    monkeypatch.chdir(quality_kb.root)

    result = CliRunner().invoke(cli, ["audit", option, "no-such-folder/report.out"])

    assert result.exit_code == 2
    assert "cannot write no-such-folder/report.out: there is no folder no-such-folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_chart_labels_keep_the_end_of_long_paths_and_values_stay_inside_the_chart() -> None:
    import re as regex

    from kb.report.html import bars

    svg = bars("By area", [("exchange/exchangehybrid/administration", 100.0, "3048 in 1,234 articles", "#000")])

    assert ">…ngehybrid/administration</text>" in svg
    [x] = [float(v) for v in regex.findall(r'<text x="([\d.]+)" y="\d+">3048 in 1,234 articles', svg)]
    assert x + 7 * len("3048 in 1,234 articles") <= 520


def test_every_format_reads_right_whatever_a_file_name_or_a_line_holds(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    # A name with a space, a `%25` and a control character; a line with characters of 4 UTF-8 bytes.
    name = "we ird 50%25 \x01name.md"
    folder = quality_kb.articles_dir / "rules"
    folder.mkdir()
    lines = (RULES / "KB403-broken-anchor.bad.md").read_text(encoding="utf-8").split("\n")
    lines[31] = "\U00010400\U00010400 " + lines[31]  # the line of both broken anchors (32)
    (folder / name).write_text("\n".join(lines), encoding="utf-8")

    report = audit(quality_kb, today=today)

    anchors = [d for d in json.loads(FORMATS["rdjson"](report))["diagnostics"] if d["code"]["value"] == "KB403"]
    # reviewdog counts UTF-8 bytes: 3 characters more before `#stepz`, 9 bytes more.
    assert [d["location"]["range"]["start"]["column"] for d in anchors] == [87 + 9, 148 + 9]
    sarif = json.loads(FORMATS["sarif"](report))
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert "articles/rules/we%20ird%2050%2525%20%01name.md" in uris  # a URI reference, decoded back to the name
    junit = ET.fromstring(FORMATS["junit"](report).encode("utf-8"))  # XML 1.0 holds no \x01
    assert "articles/rules/we ird 50%25 \\x01name.md" in {case.get("name") for case in junit.iter("testcase")}
    assert "\x01" not in FORMATS["html"](report)
