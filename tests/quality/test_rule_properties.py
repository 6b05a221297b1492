"""Property: `kb check` runs every rule on any article body without failing, and every finding
points inside the file it names.

Real articles kb has never seen must not crash a rule. The bodies are made of the pieces rules
look at (headings, lists, fences, `::: internal` blocks, tables, links and anchors, raw HTML,
secrets, codes, suppression comments) mixed with any text, so that generated articles reach the
rules' corners; the check is the real one, on real files in a copy of the quality KB.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.check import check
from kb.project import KnowledgeBase
from tests.quality.conftest import QUALITY
from tests.test_properties import quote

FRONT = """---
id: KB-{number}
title: {title}
type: troubleshooting
confidence: validated
audience: public
product_area: identity/sso
error_codes: [SSO-1002]
owner: team-identity
created: 2025-03-02
reviewed: 2026-02-14
environment: {{product: Acme Cloud, versions: ["4.3"]}}
description: Single sign-on stops with SSO-1002 when the identity provider signs with a new certificate.
---
"""

PIECES = [
    *("# Title", "## Issue", "## Environment", "## Resolution", "## Cause", "### Step", "## ", "#"),
    *("- item", "1. step", "  - nested", "    indented code", "* ", "10) ten", "- [ ] task"),
    *("```", "```bash", "~~~", "::: internal", ":::internal", "::: Internal note", ":::", "::: tip"),
    *("| a | b |", "|---|---|", "| x | [y](z.md) |", "> quote", "> [!NOTE]", "> [!WARNING]", "---", "***"),
    *("[the fix](renew-certificate.md#renew)", "[x](#cause)", "[x](#nowhere)", "[x](missing.md)", "[x](../../up.md)"),
    *("![diagram](diagram.svg)", "![](diagram.svg)", "![alt](https://example.com/i.png)", "[ref][r]", "[r]: /root.md"),
    *('<img src="a b.png">', "<img src=diagram.svg alt=x>", '<a href="kb-2004">', "</a>", "<div>", "<!-- -->"),
    *("<!-- kb-ignore KB101: a reason -->", "<!-- kb-ignore KB999 -->", "<!-- kb-ignore-next-line KB501: why -->"),
    *("AKIAIOSFODNN7EXAMPLE", "AKIAZ3QX4N7P2L5W8R6T", "password=hunter2Xq9!", "ghp_" + "a1B2" * 9, "jane@contoso.com"),
    *("8.8.8.8", "10.0.0.1", "4111 1111 1111 1111", "Contoso Pharma", "SSO-1002", "SSO-9999", "0x80070005"),
    *("Acme Cloud 1.0", "version 3.2", "[^1]", "[^1]: a note", "Setext", "===", "\t", "\\", "&amp;", "`code`"),
]

lines = st.one_of(st.sampled_from(PIECES), st.text(max_size=30), st.builds(" ".join, st.lists(st.sampled_from(PIECES))))
bodies = st.lists(lines, max_size=25).map("\n".join)
titles = st.one_of(
    st.sampled_from(["Sign-in fails with SSO-1002", "Error", "x" * 200]), st.text(min_size=1, max_size=40)
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(titles, bodies), min_size=1, max_size=3))
def test_every_rule_runs_on_any_body_and_every_finding_points_inside_its_file(articles: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "kb"
        shutil.copytree(QUALITY / "kb", root)
        written: dict[str, list[str]] = {}  # relpath: the file's lines (a lone CR ends one, as in editors)
        for number, (title, body) in enumerate(articles, start=9000):
            relpath = f"articles/base/generated-{number}.md"
            text = FRONT.format(number=number, title=quote(title[:80])) + body
            (root / relpath).write_text(text, encoding="utf-8")
            written[relpath] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kb = KnowledgeBase(root)

        result = check(kb, use_cache=False, use_baseline=False)

        assert set(written) <= set(result.checked)
        for finding in result.findings:
            location = finding.location
            if location.path in written:
                file_lines = written[location.path]
                assert 1 <= location.line <= len(file_lines), str(finding)
                assert 1 <= location.col <= len(file_lines[location.line - 1]) + 1, str(finding)
