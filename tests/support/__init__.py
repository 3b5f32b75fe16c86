"""Helpers several test suites share: plain functions and classes with public names, imported by
the suites and by bench/ (which imports from here, never the other way round)."""
