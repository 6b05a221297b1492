"""`kb import` run for real on small sources in temporary folders: what it must refuse, keep apart or report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from kb.cli import cli
from kb.project import KnowledgeBase

HERE = Path(__file__).resolve().parent / "fixtures"


def kb_import(kb: KnowledgeBase, src: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(kb.root), "import", str(src), *args])


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
