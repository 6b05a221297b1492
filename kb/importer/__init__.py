"""`kb import`: bring an existing knowledge base (DocFX / Microsoft Learn Markdown and the like) into kb."""

from __future__ import annotations

from kb.importer.article import render_article
from kb.importer.mapping import FieldMapping, docfx_mapping, load_mapping
from kb.importer.report import ImportProblem, ImportReport
from kb.importer.run import ImportOptions, import_articles

__all__ = [
    "FieldMapping",
    "ImportOptions",
    "ImportProblem",
    "ImportReport",
    "docfx_mapping",
    "import_articles",
    "load_mapping",
    "render_article",
]
