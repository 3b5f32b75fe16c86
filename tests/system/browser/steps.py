"""Steps the browser journeys share: reading a page once it is parsed whole, answering a section.

A page reached by a click can still be on its way, or partly parsed, when the test looks at it:
these steps wait for the element, then for the whole document, before they read or act.
"""
from __future__ import annotations

from playwright.sync_api import expect


def rate_every_item(page, section_title: str, point: int) -> None:
    """Rate every item on the section page titled ``section_title`` at ``point``.

    The page is waited for first, then parsed whole: a list of the page's radios taken just
    after the click that led there can come from the page before it or from a page the browser
    has only partly parsed, and misses items. Every item's rating is checked as given.
    """
    expect(page.get_by_role("heading", level=1, name=section_title)).to_be_visible()
    page.wait_for_load_state("domcontentloaded")
    items = page.get_by_role("radiogroup").count()
    assert items, f"no items to rate on the section “{section_title}”"
    for label in page.locator(f"label[for^='rating-'][for$='-{point}']").all():
        label.click()
    expect(page.locator(f"input[type=radio][value='{point}']:checked")).to_have_count(items)


def words_of(locator) -> str:
    """The text of ``locator``, its whitespace collapsed, read once its page is parsed whole."""
    locator.wait_for(state="attached")
    locator.page.wait_for_load_state("domcontentloaded")
    return " ".join(locator.inner_text().split())
