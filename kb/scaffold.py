"""`kb init`: a new knowledge base with a config, a starter taxonomy and one example article."""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

from kb.check import run_date
from kb.config import CONFIG_FILE
from kb.errors import KbError, NotAKnowledgeBase, UsageError
from kb.project import KnowledgeBase, find_root
from kb.schema import SCHEMA_FILE, dumps, editor_schema

STARTER = "starter"
_DATES = re.compile(r"^(created|reviewed): \d{4}-\d\d-\d\d$", re.MULTILINE)


def init_kb(dest: Path, *, name: str | None = None) -> KnowledgeBase:
    """Create a KB in `dest` (made if missing). Refuses to overwrite an existing KB."""
    if (dest / CONFIG_FILE).exists():
        raise UsageError(f"{dest / CONFIG_FILE} already exists", hint="this folder is already a knowledge base")
    _refuse_inside_articles(dest)
    dest.mkdir(parents=True, exist_ok=True)
    starter = resources.files("kb").joinpath("data", STARTER)
    with resources.as_file(starter) as source:
        for item in sorted(Path(source).rglob("*")):
            if item.is_dir() or "__pycache__" in item.parts:
                continue
            target = dest / item.relative_to(source).as_posix().replace("dot-", ".", 1)
            if target.exists():
                continue  # never clobber a file the user already has
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.suffix == ".md" and "articles" in item.relative_to(source).parts:
                # The example article is written today and reviewed today: it must not start out
                # overdue for review because the starter was written long ago.
                # Today is $KB_TODAY when set, the day kb check judges review dates by.
                text = _DATES.sub(rf"\1: {run_date().isoformat()}", item.read_text("utf-8"))
                target.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(item, target)
    if name:
        config = dest / CONFIG_FILE
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("name: My knowledge base", f"name: {_quote(name)}", 1), encoding="utf-8")
    kb = KnowledgeBase(dest)
    write_editor_schema(kb)
    return kb


def _refuse_inside_articles(dest: Path) -> None:
    """Refuse a KB inside another KB's articles folder: the outer KB would read the new KB's
    example article as one of its own, and `kb check` there would find the outer KB."""
    try:
        outer = find_root(dest)
    except NotAKnowledgeBase:
        return
    try:
        articles = KnowledgeBase(outer).articles_dir
    except KbError:  # the outer KB's config is broken: its articles folder is most likely the default
        articles = outer / "articles"
    inside, top = dest.resolve(), articles.resolve()
    if inside.is_relative_to(top):
        where = "is the articles folder" if inside == top else "is inside the articles folder"
        raise UsageError(
            f"{dest} {where} of the knowledge base in {outer}",
            hint="make the new knowledge base outside it, or write articles there with kb new",
        )


def write_editor_schema(kb: KnowledgeBase) -> Path:
    """Write `schemas/article.schema.json` from the taxonomy; return its path."""
    path = kb.schemas_dir / SCHEMA_FILE
    path.write_text(dumps(editor_schema(kb.config, kb.taxonomy)), encoding="utf-8")
    return path


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
