"""Benchmarks of issue 8: ``make bench`` runs ``bench/run.py`` and writes ``bench/RESULTS.md``."""
