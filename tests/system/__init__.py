"""Suites that exercise the whole system: a browser, gunicorn stacks under faults and load, security, scale and the installed entry point."""
