"""The one way a blueprint registers its URLs: a ``RULES`` table, read by ``add_rules``.

Each capability's ``blueprint.py`` lists every URL it serves as ``(rule, endpoint, view,
methods)`` rows, so all of a blueprint's URLs and methods fit on one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Blueprint

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

Rule = tuple[str, str, Callable[..., Any], Sequence[str]]


def add_rules(blueprint: Blueprint, rules: Iterable[Rule]) -> None:
    """Register each ``(rule, endpoint, view, methods)`` row of ``rules`` on ``blueprint``."""
    for rule, endpoint, view, methods in rules:
        blueprint.add_url_rule(rule, endpoint, view, methods=list(methods))
