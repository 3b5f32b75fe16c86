"""Pieces of rendered pages that several suites look into."""
from __future__ import annotations


def item_block(page: str, code: str) -> str:
    """The HTML of one item's fieldset on a questionnaire section page."""
    start = page.index(f'<span class="code">{code}</span>')
    end = page.find("</fieldset>", start)
    return page[start:end]
