"""A secret or a card number keeps an article off a customer site whatever kb.yaml's lint settings
say: they decide what `kb check` reports, not what customers may read. Only an inline suppression
with its reason (a made-up example) lets the article through."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.check import check
from kb.project import KnowledgeBase
from kb.site.build import build
from tests.site.conftest import TODAY
from tests.site.test_build import all_text

ARTICLE = Path("articles") / "billing" / "payment-required.md"  # KB-0005, on the public site
KEY = "AKIA" + "Q3EGXJ7LWRZ5TN2B"  # an AWS access key id's shape (split: no secret scanner trips on it here)
CARD = "4111 1111 " + "1111 1111"

RULE_OFF = {
    "ignored": "lint:\n  ignore: [KB501]\n",
    "ignored by name": "lint:\n  ignore: [secret]\n",
    "ignored with its group": "lint:\n  ignore: [safe]\n",
    "not selected": "lint:\n  select: [complete]\n",
    "ignored for its path": 'lint:\n  per_path:\n    - paths: ["articles/billing/*.md"]\n      ignore: [secret]\n',
}


def _add(kb_root: Path, lines: str, config: str = "") -> Path:
    article = kb_root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + lines, "utf-8")
    if config:
        with (kb_root / "kb.yaml").open("a", encoding="utf-8") as file:
            file.write("\n" + config)
    return article


@pytest.mark.parametrize("config", RULE_OFF.values(), ids=RULE_OFF.keys())
def test_a_secret_is_kept_off_the_public_site_when_the_lint_settings_turn_its_rule_off(
    kb_root: Path, tmp_path: Path, config: str
) -> None:
    article = _add(kb_root, f"\nUse the key {KEY} to call the API.\n", config)
    kb = KnowledgeBase(kb_root)
    assert not [f for f in check(kb, today=TODAY).findings if f.code == "KB501"]  # kb check is quiet, as set

    report = build(kb, out=tmp_path / "out", today=TODAY, search=False)

    public = all_text(tmp_path / "out" / "public")
    assert not [name for name, text in public.items() if KEY in text or "KB-0005" in text]
    assert (tmp_path / "out" / "internal" / "articles" / "kb-0005.html").is_file()  # staff still see it
    [warning] = report.warnings
    shown = warning.render()
    assert shown.startswith(
        f"{article}: not published on the public site: KB501 secret on line 32: AWS access key AKIA…"
    )
    assert "kb.yaml" in shown.splitlines()[0]  # why kb check did not report it
    assert KEY not in shown


def test_a_card_number_is_kept_off_the_public_site_when_its_rule_is_ignored(kb_root: Path, tmp_path: Path) -> None:
    _add(kb_root, f"\nThe payment with card {CARD} was declined.\n", "lint:\n  ignore: [card-number]\n")

    report = build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    public = all_text(tmp_path / "out" / "public")
    assert not [name for name, text in public.items() if CARD in text or "KB-0005" in text]
    assert [w.message.split(":")[1].strip() for w in report.warnings] == ["KB504 card-number on line 32"]


@pytest.mark.parametrize("config", ["", RULE_OFF["ignored"]], ids=["rule on", "rule ignored"])
def test_an_inline_suppression_with_its_reason_publishes_a_made_up_secret(
    kb_root: Path, tmp_path: Path, config: str
) -> None:
    suppressed = f'\n<!-- kb: disable=secret reason="a made-up key" -->\nUse the key {KEY} to call the API.\n'
    _add(kb_root, suppressed, config)

    report = build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    page = (tmp_path / "out" / "public" / "articles" / "kb-0005.html").read_text(encoding="utf-8")
    assert KEY in page
    assert not [w for w in report.warnings if "not published" in w.message]


def test_the_warning_blames_the_lint_settings_only_for_a_rule_they_turn_off(kb_root: Path, tmp_path: Path) -> None:
    _add(kb_root, f"\nUse the key {KEY} to call the API.\n", "lint:\n  ignore: [card-number]\n")

    report = build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    [warning] = report.warnings
    assert warning.message.endswith("KB501 secret on line 32: AWS access key AKIA…")


def test_a_staff_note_never_closed_inside_an_alert_keeps_the_article_off_the_public_site(
    kb_root: Path, tmp_path: Path
) -> None:
    """A lazy line ends the note early, so the parser puts the lines after it outside the note,
    though the writer meant them for staff: published, they leaked (KB104 warned, the build went on)."""
    _add(kb_root, "\n> [!TIP]\n> ::: internal\n> Staff only: first line\nstaff lazy line\n>\n"
                  "> QA-MARKER-LEAK staff only: the waiver code is quokka.\n> :::\n")  # fmt: skip

    report = build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    public = all_text(tmp_path / "out" / "public")
    assert not [name for name, text in public.items() if "QA-MARKER-LEAK" in text or "KB-0005" in text]
    assert "QA-MARKER-LEAK" in (tmp_path / "out" / "internal" / "articles" / "kb-0005.html").read_text("utf-8")
    [warning] = [w.render() for w in report.warnings if "KB104" in w.render()]
    assert ": not published on the public site: KB104 unclosed-internal-block on line 33:" in warning


def test_an_alert_holding_only_a_staff_note_shows_nothing_of_it_on_the_public_site(
    kb_root: Path, tmp_path: Path
) -> None:
    """Its `> :::` line printed as a quote, under an empty Note box."""
    _add(kb_root, "\n> [!NOTE]\n> ::: internal\n> Refunds over 500 EUR need a second approver.\n> :::\n"
                  "\nTail paragraph.\n\n> [!TIP]\n> ::: internal\n> Staff: check the ledger first.\n> :::\n>\n"
                  "> Customers can retry the payment.\n")  # fmt: skip

    report = build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    assert not [w for w in report.warnings if "KB-0005" in w.render() or "payment-required" in w.render()]
    page = (tmp_path / "out" / "public" / "articles" / "kb-0005.html").read_text("utf-8")
    assert ":::" not in page
    assert "markdown-alert-note" not in page  # the Note had nothing else: no empty box
    assert "Tail paragraph." in page
    assert page.count("markdown-alert-tip") == 1  # the rest of the Tip stays in it
    assert "Customers can retry the payment." in page
    assert "second approver" not in page
    assert "ledger" not in page
    staff = (tmp_path / "out" / "internal" / "articles" / "kb-0005.html").read_text("utf-8")
    assert "second approver" in staff
    assert "markdown-alert-note" in staff
