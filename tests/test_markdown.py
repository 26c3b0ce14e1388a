"""Lesson Markdown is rendered and sanitized: author HTML can never run script."""

from html.parser import HTMLParser

import pytest

from course_app.markdown import render_markdown


class _Elements(HTMLParser):
    """Collect (tag, attributes) of every element, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Text <img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="alert(1)" style="x">hi</p>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ],
)
def test_script_never_survives(source):
    for tag, attributes in elements(render_markdown(source)):
        assert tag not in {"script", "iframe", "svg", "object", "embed", "style"}
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        for name in ("href", "src"):
            scheme = attributes.get(name, "").strip().lower().split(":")[0]
            assert scheme not in {"javascript", "data", "vbscript"}


def test_ordinary_markdown_renders():
    html = render_markdown(
        "## Heading\n\n**bold** and [a link](https://example.org)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h2>Heading</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_escaped_text_stays_text():
    assert "&lt;b&gt;" in render_markdown("`<b>`")
