"""Jinja2 templates and static files: kb's own, which a KB overrides file by file from its `templates/`.

Every link a template writes goes through the `url` filter, which makes it relative to the page
being written, so the site works at any path of any host. Templates autoescape everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from kb.errors import ConfigError
from kb.site import urls
from kb.site.collect import Page
from kb.site.views import SiteInfo

STATIC_OVERRIDES = "static"  # the KB's templates/static/ overrides kb's static files
ENCODE_EVERY = 1 << 18  # characters of a page encoded at once


@dataclass(frozen=True)
class StaticFile:
    name: str
    data: bytes


class Templates:
    """The template set of one KB: its own folder first, then kb's."""

    def __init__(self, override: Path | None) -> None:
        self.override = override if override and override.is_dir() else None
        package = resources.files("kb.site") / "templates"
        loaders: list[jinja2.BaseLoader] = []
        if self.override:
            loaders.append(jinja2.FileSystemLoader(str(self.override)))
        loaders.append(jinja2.FileSystemLoader(str(package)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["url"] = _url
        self.env.filters["absolute"] = _absolute

    def fingerprint(self) -> str:
        """A digest of every template and static file in use: part of every page's key."""
        digest = hashlib.sha256()
        for name in sorted(self.env.list_templates()):
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            digest.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
        for item in self.static_files():
            digest.update(item.name.encode() + b"\0" + item.data + b"\0")
        return digest.hexdigest()

    def static_files(self) -> list[StaticFile]:
        files: dict[str, bytes] = {}
        package = resources.files("kb.site") / "static"
        for entry in package.iterdir():
            if entry.is_file():
                files[entry.name] = entry.read_bytes()
        if self.override and (self.override / STATIC_OVERRIDES).is_dir():
            for path in sorted((self.override / STATIC_OVERRIDES).iterdir()):
                if path.is_file():
                    files[path.name] = path.read_bytes()
        return [StaticFile(name, files[name]) for name in sorted(files)]

    def render(self, page: Page, site: SiteInfo, body_html: str = "") -> bytes:
        """The page's HTML. A mistake in a KB's own template is a `ConfigError` at its file and line."""
        try:
            return self._render(page, site, body_html)
        except jinja2.TemplateSyntaxError as exc:
            if exc.filename and self._overridden(exc.filename):
                raise ConfigError(f"template error: {exc.message}", path=Path(exc.filename), line=exc.lineno) from None
            raise
        except Exception as exc:
            where = self._override_frame(exc)
            if where is None:
                raise  # kb's own templates failing is a bug: keep the traceback
            raise ConfigError(
                f"template {page.template!r} failed writing {page.path}: {exc}", path=where[0], line=where[1]
            ) from None

    def _overridden(self, filename: str) -> bool:
        return self.override is not None and Path(filename).resolve().is_relative_to(self.override.resolve())

    def _override_frame(self, exc: BaseException) -> tuple[Path, int] | None:
        """The innermost place in a KB's own template that the error passed through."""
        found = None
        trace = exc.__traceback__
        while trace is not None:
            filename = trace.tb_frame.f_code.co_filename
            if self._overridden(filename):
                found = (Path(filename), trace.tb_lineno)
            trace = trace.tb_next
        return found

    def _render(self, page: Page, site: SiteInfo, body_html: str) -> bytes:
        template = self.env.get_template(page.template)
        # The 404 page is served at any depth, so its links start at the site's root path.
        rooted = _base_path(site.base_url) if page.path == urls.NOT_FOUND else ""
        context: dict[str, Any] = {
            "rooted": rooted,
            "page": page,
            "view": page.view,
            "site": site,
            "root": urls.root_of(page.path),
            "body_html": body_html,
            "urls": urls,
        }
        # Encoded as it is made, in pieces of a few hundred kilobytes: a page that lists 50,000
        # articles was held three times over (its pieces, their join, its encoding).
        out = bytearray()
        pending: list[str] = []
        size = 0
        for piece in template.generate(context):
            pending.append(piece)
            size += len(piece)
            if size > ENCODE_EVERY:
                out += "".join(pending).encode("utf-8")
                pending, size = [], 0
        out += "".join(pending).encode("utf-8")
        return bytes(out)


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A site path as a link from the page being written."""
    page: Page = context["page"]
    if context.get("rooted"):
        return str(context["rooted"]) + _served(target)
    return urls.relative(page.path, target)


def _served(target: str) -> str:
    return target[: -len("index.html")] if target.endswith("index.html") else target


def _base_path(base_url: str) -> str:
    """The path part of the site's URL ('/' when none is set), ending with '/'."""
    path = urlsplit(base_url).path if base_url else "/"
    return path if path.endswith("/") else path + "/"


@jinja2.pass_context
def _absolute(context: jinja2.runtime.Context, target: str) -> str:
    """A site path as an absolute URL (canonical links), when the site has a base URL."""
    site: SiteInfo = context["site"]
    if not site.base_url:
        return ""
    return site.base_url.rstrip("/") + "/" + _served(target)
