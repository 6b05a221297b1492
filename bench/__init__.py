"""Benchmarks for kb, timed side by side with Hugo and MkDocs on the same articles (`python -m bench`)."""
