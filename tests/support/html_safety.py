"""What a page must never hold after staff-written Markdown went through the sanitiser: found
by parsing the page as a browser would, not by searching its text."""

from __future__ import annotations

from html.parser import HTMLParser

# Markdown, and raw HTML inside it, that tries to run script or leave the page unsafely.
ATTACKS = {
    "script": "Before <script>alert('script-ran')</script> after",
    "onerror": '<img src="x" onerror="alert(\'onerror-ran\')">',
    "onclick": '<p onclick="alert(\'onclick-ran\')">Click me</p>',
    "javascript link": "[Open](javascript:alert('js-ran')) and "
    '<a href="JaVaScRiPt:alert(1)">raw</a>',
    "data link": "[Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and "
    '<a href="data:text/html,<script>alert(1)</script>">raw</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe> framed',
}


class _Unsafe(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.inline_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.found.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action") and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    # The page's own images may be data: URLs in CSS, never in links.
                    self.found.append(f"{name}={value[:30]} on <{tag}>")


def unsafe_markup(page: str) -> list[str]:
    """Every script, inline handler, frame and javascript:/data: link the page holds."""
    parser = _Unsafe()
    parser.feed(page)
    return parser.found
