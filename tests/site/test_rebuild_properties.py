"""Property: kb serve's rebuild after any series of edits to the articles makes the sites a fresh
build makes, and the public site never holds an internal article's id or an internal note.

The builder reuses what earlier builds made (pages, lists of articles, link tables, banners,
check results); each kind of edit below changes what some other page shows (a home, tag, code
or redirect page, a banner, a link). Edits in place are told to the builder as kb serve's
watcher tells them (the edited files); a file added or removed is told as `changed=None`.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.project import KnowledgeBase
from kb.site.build import Builder, build
from tests.site.conftest import SITE_KB, TODAY, read_tree

HEALTH = "internal/health/index.html"  # a rebuild keeps the whole-KB audit of the last full build
MANIFEST = ".kb-build/internal.manifest.json"  # its key holds that report's
CODES = ["AUTH-401", "AUTH-403", "PAY-402", "OPS-500", "0x8004DEF4"]  # in the registry or its pattern
TAGS = ["sso", "billing", "admin", "ops-only-tag-charlie", "new-tag-kilo"]
MISSING_ID = "KB-0999"
KINDS = ["audience", "confidence", "title", "tag", "link", "internal-note", "code", "reviewed", "add", "remove"]
_MARKER = re.compile(r"MARKER-[A-Z-]+")
_NOTE = re.compile(r"\n::: internal\n.*?\n:::\n?", re.DOTALL)


@dataclass(frozen=True)
class Edit:
    kind: str
    article: int  # which article file (modulo how many there are)
    choice: int  # which target, code, tag or variant (modulo how many there are)


edits = st.builds(Edit, kind=st.sampled_from(KINDS), article=st.integers(0, 20), choice=st.integers(0, 20))


@dataclass
class Sources:
    """The KB being edited: its article files and what the edits have added."""

    root: Path
    count: int = 0  # edits so far, for titles, ids and notes no other text contains
    added: list[Path] = field(default_factory=list)

    def articles(self) -> list[Path]:
        return sorted((self.root / "articles").rglob("*.md"))

    def apply(self, edit: Edit) -> set[Path] | None:
        """Make `edit`; the article files edited in place, or None when a file came or went."""
        self.count += 1
        articles = self.articles()
        path = articles[edit.article % len(articles)]
        if edit.kind == "add":
            new = self.root / f"articles/added/copy-{self.count}.md"
            new.parent.mkdir(exist_ok=True)
            front, body = _split(path.read_text(encoding="utf-8"))
            front = _set(front, "id", f"KB-{100 + self.count:04d}")
            front = _set(_drop(front, "aliases"), "title", f"Copied article number {self.count} zz")
            new.write_text(_join(front, body), encoding="utf-8")
            self.added.append(new)
            return None
        if edit.kind == "remove":
            if self.added:  # an article added before, linked to by path or id or not
                gone = self.added.pop(edit.choice % len(self.added))
                gone.unlink()
            return None
        front, body = _split(path.read_text(encoding="utf-8"))
        ids = [_get(_split(a.read_text(encoding="utf-8"))[0], "id") for a in articles]
        if edit.kind == "audience":
            front = _set(front, "audience", "public" if _get(front, "audience") == "internal" else "internal")
        elif edit.kind == "confidence":
            if _get(front, "confidence") == "archived":
                front = _set(_drop(front, "replaced_by"), "confidence", "validated")
            else:
                front = _set(
                    _set(front, "confidence", "archived"),
                    "replaced_by",
                    [*ids, MISSING_ID][edit.choice % (len(ids) + 1)],
                )
        elif edit.kind == "title":
            front = _set(front, "title", f"Renamed article number {self.count} zz")
        elif edit.kind == "tag":
            tags = _list(front, "tags")
            if edit.choice % 2 and tags:
                tags.remove(tags[edit.choice % len(tags)])
            elif TAGS[edit.choice % len(TAGS)] not in tags:
                tags.append(TAGS[edit.choice % len(TAGS)])
            front = _set(front, "tags", f"[{', '.join(tags)}]") if tags else _drop(front, "tags")
        elif edit.kind == "link":
            target = articles[edit.choice % len(articles)]
            by = [os.path.relpath(target, path.parent), _get(_split(target.read_text(encoding="utf-8"))[0], "id")]
            href = by[edit.choice % 2] + ("#resolution" if edit.choice % 4 >= 2 else "")
            body += f"\nSee [the related article]({href}).\n"
        elif edit.kind == "internal-note":
            if edit.choice % 2 and _NOTE.search(body):
                body = _NOTE.sub("\n", body)
            else:
                body += f"\n::: internal\nMARKER-ADDED-NOTE-{self.count}: staff ask the on-call engineer first.\n:::\n"
        elif edit.kind == "code":
            codes = _list(front, "error_codes")
            code = CODES[edit.choice % len(CODES)]
            front = _set(front, "error_codes", f"[{', '.join([*codes, code] if code not in codes else codes)}]")
        elif edit.kind == "reviewed":  # overdue on TODAY for every type, or recent
            front = _set(front, "reviewed", "2024-01-01" if edit.choice % 2 == 0 else "2026-02-20")
        path.write_text(_join(front, body), encoding="utf-8")
        return {path}

    def withheld(self) -> set[str]:
        """What the public site must never hold: the ids of internal and partner articles, and
        the markers in every internal note."""
        found: set[str] = set()
        for path in self.articles():
            front, body = _split(path.read_text(encoding="utf-8"))
            if _get(front, "audience") not in {"public", "customer"}:
                found.add(_get(front, "id"))
            for note in _NOTE.findall(body):
                found.update(_MARKER.findall(note))
        return found


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=2, max_size=5))
def test_a_rebuild_after_any_edits_is_the_fresh_build_and_leaks_nothing(steps: list[Edit]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "kb"
        shutil.copytree(SITE_KB, root)
        sources = Sources(root)
        with Builder(root, out=Path(scratch) / "serve", today=TODAY, search=False) as builder:
            builder.build()
            for number, edit in enumerate(steps):
                changed = sources.apply(edit)
                builder.build(changed=changed)
                fresh = Path(scratch) / f"fresh-{number}"
                build(KnowledgeBase(root), out=fresh, today=TODAY, search=False, cache=False)

                served, made = read_tree(Path(scratch) / "serve"), read_tree(fresh)
                assert served.keys() == made.keys(), number
                differ = {name for name in served if served[name] != made[name]}
                assert differ <= {HEALTH, MANIFEST}, (number, differ)
                assert _health_rows(served[HEALTH]) == _health_rows(made[HEALTH]), number
                withheld = "|".join(rf"(?<![\w-]){re.escape(text)}(?![\w])" for text in sources.withheld())
                for name, content in served.items():
                    if withheld and name.startswith("public/"):
                        assert not re.search(withheld, content.decode("utf-8", "replace")), (number, name)


@pytest.mark.parametrize(
    ("copied", "href"),
    [
        ("articles/billing/payment-required.md", "KB-0100"),  # published: its page is linked
        ("articles/runbooks/sso-failover.md", "KB-0100"),  # internal: text on the public site
        ("articles/billing/payment-required.md", "new.md"),  # by path, to a file not there yet
    ],
)
def test_a_link_is_rendered_again_when_its_article_is_added(tmp_path: Path, copied: str, href: str) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    page = root / "articles/billing/payment-required.md"
    source = root / copied
    copy = re.sub(r"^id: .*$", "id: KB-0100", source.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    with Builder(root, out=tmp_path / "serve", today=TODAY, search=False) as builder:
        builder.build()
        page.write_text(page.read_text(encoding="utf-8") + f"\nSee [the new article]({href}).\n", "utf-8")
        builder.build(changed={page})
        (source.parent / "new.md").write_text(copy, "utf-8")
        builder.build()  # a file came: changed=None, as kb serve says
    build(KnowledgeBase(root), out=tmp_path / "fresh", today=TODAY, search=False, cache=False)
    served, made = read_tree(tmp_path / "serve"), read_tree(tmp_path / "fresh")
    for name in ["internal/articles/kb-0005.html", "public/articles/kb-0005.html"]:
        assert served[name] == made[name], name  # its link goes to kb-0100.html, or is text on public


def _health_rows(page: bytes) -> str:
    text = page.decode("utf-8")  # the table of every article, after the audit report
    return text[text.index('id="by-article"') :]


# -- front matter, line by line (the fixture's articles keep each field on one line) ---------------


def _split(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def _join(front: str, body: str) -> str:
    return f"---\n{front}---\n{body}"


def _get(front: str, key: str) -> str:
    found = re.search(rf"^{key}: (.*)$", front, re.MULTILINE)
    return found.group(1) if found else ""


def _list(front: str, key: str) -> list[str]:
    return [item.strip() for item in _get(front, key).strip("[]").split(",") if item.strip()]


def _set(front: str, key: str, value: str) -> str:
    if re.search(rf"^{key}: ", front, re.MULTILINE):
        return re.sub(rf"^{key}: .*$", lambda _: f"{key}: {value}", front, count=1, flags=re.MULTILINE)
    return front + f"{key}: {value}\n"


def _drop(front: str, key: str) -> str:
    return re.sub(rf"^{key}: .*\n", "", front, flags=re.MULTILINE)
