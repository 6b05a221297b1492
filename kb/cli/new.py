"""`kb new`: start an article from its type's template."""

from __future__ import annotations

import click

from kb.cli.common import Env, display_path, pass_env, verbosity


@click.command("new")
@click.option(
    "--type", "type_name", required=True, help="Article type from the taxonomy (troubleshooting, how-to, ...)."
)
@click.option("--title", required=True, help="The issue in the customer's words.")
@click.option("--area", required=True, help="Product area from the taxonomy (identity/sso).")
@click.option("--owner", help="Owner from the taxonomy (default: the area's owner).")
@click.option("--audience", default="internal", show_default=True, help="KCS audience.")
@click.option("--confidence", default="wip", show_default=True, help="KCS confidence.")
@click.option("--code", "codes", multiple=True, help="An error code the article resolves (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@verbosity
@pass_env
def command(
    env: Env, type_name: str, title: str, area: str, owner: str | None, audience: str,
    confidence: str, codes: tuple[str, ...], tags: tuple[str, ...],
) -> None:  # fmt: skip
    """Write a new article with the next free id and today's date.

    The [TODO: ...] placeholders it leaves are reported by `kb check` until you fill them.
    """
    from kb.new import new_article  # Jinja2: only when writing an article

    kb = env.kb()
    created = new_article(
        kb, type_name=type_name, title=title, area=area, owner=owner, audience=audience,
        confidence=confidence, codes=list(codes), tags=list(tags),
    )  # fmt: skip
    click.echo(display_path(kb, kb.relpath(created.path)))
    env.info(f"Created {created.id}. Fill the [TODO: ...] placeholders, then run kb check.")
