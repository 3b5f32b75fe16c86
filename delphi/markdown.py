"""Text that staff write for panellists (section guidance, item explanations, information
sheets), written in Markdown and shown as HTML: the one place it is rendered and sanitised.

markdown-it-py renders CommonMark; nh3 (the Ammonia sanitiser) then keeps only the tags and
attributes listed here, so whatever the text holds, the page gets no script, no inline event
handler, no style, no frame and no link other than http, https or mailto. Every link opens in a
new tab with ``rel="noopener noreferrer"``, so the page it leads to cannot reach back to the
questionnaire. Templates use the ``markdown`` filter: ``{{ section.guidance|markdown }}``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them, not only their tags.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

# Raw HTML in the text is parsed (html=True) so that the sanitiser removes it whole, rather than
# showing its tags as text; a Markdown "# Heading" becomes <h2>, below the page's own <h1>.
_RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")


@lru_cache(maxsize=512)
def render_markdown(text: str | None) -> Markup:
    """The text as sanitised HTML, safe to print in any page or PDF."""
    if not text or not text.strip():
        return Markup("")
    tokens = _RENDERER.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    html = _RENDERER.renderer.render(tokens, _RENDERER.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
    return Markup(clean)  # sanitised by nh3 just above


def register(app: Flask) -> None:
    """The ``markdown`` filter, in every template."""
    app.add_template_filter(render_markdown, "markdown")
