"""kb: a docs-as-code knowledge base for support teams."""

__version__ = "0.1.0"
