"""JUnit XML: one test case per article, failed when it has a finding at the failing level or scores
under `--fail-under`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from kb.controls import IN_MARKUP, escaped

if TYPE_CHECKING:
    from kb.findings import Finding
    from kb.quality.health import AuditReport


def _lines(findings: list[Finding]) -> str:
    return "\n".join(f"{f.location}: {f.code} {f.name}: {f.message}" for f in findings)


def render(report: AuditReport) -> str:
    suites = ET.Element("testsuites", name="kb audit")
    suite = ET.SubElement(suites, "testsuite", name=report.kb_name or "kb")
    failures = 0
    reported: dict[str, list[Finding]] = {}
    for f in report.findings:
        reported.setdefault(f.location.path, []).append(f)
    under = {h.relpath: report.under_message(h) for h in report.failing_articles}
    cases = [(h.relpath, h.article.product_area or "articles", f"score {h.score}") for h in report.articles]
    cases += [(u.relpath, "unreadable", "score 0") for u in report.unreadable]
    for relpath, area, score in cases:
        case = ET.SubElement(suite, "testcase", classname=area, name=report.repo_path(relpath))
        found = reported.get(relpath, [])
        failing = [f for f in found if f.level >= report.fail_level]
        if failing:
            failures += 1
            first = failing[0]
            failure = ET.SubElement(
                case, "failure", message=f"{first.code} {first.name}: {first.message}", type=first.code
            )
            failure.text = _lines(failing) + (f"\n{under[relpath]}" if relpath in under else "")
        elif relpath in under:  # no finding at the failing level, but the score gate fails it
            failures += 1
            ET.SubElement(case, "failure", message=under[relpath], type="fail-under").text = under[relpath]
        others = [f for f in found if f.level < report.fail_level]
        out = ET.SubElement(case, "system-out")
        out.text = score + ("\n" + _lines(others) if others else "")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suites.set("tests", str(len(cases)))
    suites.set("failures", str(failures))
    ET.indent(suites)
    body = escaped(ET.tostring(suites, encoding="unicode"), IN_MARKUP)  # XML 1.0 holds no \x01
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
