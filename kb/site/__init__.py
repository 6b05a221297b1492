"""Publishing: the internal and public sites, built from the articles each may show.

The builder is `kb.site.build` (`Builder`, `build`). This package imports nothing itself, so that
`kb check`'s rules can ask the sanitiser and the redirects (`kb.site.sanitize`, `kb.site.routes`)
without loading the builder, its templates and its workers: 0.5 s a process.
"""
