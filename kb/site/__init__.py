"""Publishing: the internal and public sites, built from the articles each may show."""

from kb.site.build import Builder, BuildReport, LeakError, build

__all__ = ["BuildReport", "Builder", "LeakError", "build"]
