"""`kb serve`: build both sites, serve them on 127.0.0.1, rebuild and reload the browser on change."""

from __future__ import annotations

import threading

import click

from kb.cli.common import Env, pass_env, verbosity
from kb.site.serve import IN_MEMORY_MOST, DevServer


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port of the first site; each further site takes the next one (0: any free ports).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-search", is_flag=True, help="Skip the Pagefind index (faster rebuilds; search pages say so).")
@click.option(
    "--apart/--in-memory", default=None,
    help="Build each time in a process of its own, as kb build does (less memory, slower rebuilds), or keep "
    f"the last build in memory (about 45 KB an article). Default: in memory up to {IN_MEMORY_MOST:,} articles.",
)  # fmt: skip
@verbosity
@pass_env
def command(env: Env, port: int, host: str, no_search: bool, apart: bool | None) -> None:
    """Build every site and serve each on its own port, rebuilding when an article changes.

    Watches articles/, schemas/, templates/ and kb.yaml; after a change only what it affects is
    rebuilt and open pages reload. Each site also answers /api/search?q= and /api/errors/CODE
    from its own index only. Ctrl+C stops.
    """
    kb = env.kb()
    search = False if no_search else None
    in_memory = None if apart is None else not apart
    server = DevServer(kb.root, host=host, port=port, search=search, log=env.info, in_memory=in_memory)
    if apart is None and not server.in_memory:
        env.info(
            f"More than {IN_MEMORY_MOST:,} articles: each build runs in a process of its own "
            "(--in-memory for rebuilds in a second, at about 45 KB an article)."
        )
    env.info(f"Building {kb.config.name} ...")
    sites = server.start()
    width = max(len(site.name) for site in sites)
    env.info("Serving (Ctrl+C to stop):")
    for site in sites:
        click.echo(f"  {site.name:<{width}}  {site.url}   API: {site.url}api/search?q=  {site.url}api/errors/CODE")
    env.info("Watching articles/, schemas/, templates/ and kb.yaml for changes.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        env.info("Stopping.")
    finally:
        server.stop()
