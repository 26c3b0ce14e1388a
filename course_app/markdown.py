"""Markdown → safe HTML: markdown-it-py renders, nh3 sanitizes.

The same function serves the content loader and the in-browser editor's preview, so what an
author previews is what a learner gets. Anything that could run script — ``<script>``,
``on*=`` attributes, ``javascript:`` URLs — is removed, and images come only from the course's
own figures (``/media/…``): no remote image is ever shown.

A line ``{{ figure <key> }}`` places one of the course's figures: it becomes a ``<figure>``
with the image, its caption and its long description; ``{{ document <key> }}`` a download
link to one of its documents (a template, a handout). Both are built from the course's data
after sanitizing (their text is escaped, never parsed as HTML).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markupsafe import escape

#: ``{{ figure key }}`` or ``{{ document key }}`` alone on its line.
MEDIA_DIRECTIVE = re.compile(
    r"^[ \t]*\{\{\s*(figure|document)\s+([a-z0-9-]+)\s*\}\}[ \t]*$", re.MULTILINE
)
#: The only images a lesson shows: the course's own figures.
LOCAL_MEDIA = "/media/"


@dataclass(frozen=True)
class MediaRef:
    """What a lesson page needs to show a figure or offer a document."""

    kind: str
    url: str
    title: str
    description: str
    alt: str = ""
    #: For documents: what the file is and how big, e.g. "Markdown text, 3 kB".
    label: str = ""


#: {(kind, key): ref}
#: Placed media by (kind, key); None for an archived figure, which lessons no longer show.
Media = Mapping[tuple[str, str], MediaRef | None]


ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)


def render_markdown(text: str, media: Media | None = None) -> str:
    """Render Markdown to sanitized HTML (``h1`` is reserved for the page title), placing the
    figures and documents its ``{{ figure key }}`` and ``{{ document key }}`` lines name."""
    placed: dict[str, tuple[str, str]] = {}

    def placeholder(match: re.Match) -> str:
        token = f"MEDIAPLACEHOLDER{len(placed)}END"
        placed[token] = (match.group(1), match.group(2))
        return f"\n{token}\n"

    html = nh3.clean(
        _renderer.render(MEDIA_DIRECTIVE.sub(placeholder, text)),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_local_images_only,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    for token, (kind, key) in placed.items():
        if (kind, key) in (media or {}) and media[kind, key] is None:
            html = html.replace(f"<p>{token}</p>", "")  # archived: no longer shown
            continue
        found = (media or {}).get((kind, key))
        html = html.replace(f"<p>{token}</p>", media_html(kind, key, found))
    return html.replace("<table>", TABLE_REGION).replace("</table>", "</table></div>")


#: A wide table scrolls within this region on a phone (reachable by keyboard), never the page.
TABLE_REGION = '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>'


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith(LOCAL_MEDIA):
        return None
    return value


def media_html(kind: str, key: str, ref: MediaRef | None) -> str:
    """A figure with its caption and long description, or a document's download link (their
    text escaped)."""
    if ref is None:
        return f'<p class="figure-missing">[The {kind} “{escape(key)}” is missing.]</p>'
    if kind == "document":
        return (
            f'<p class="document"><a href="{escape(ref.url)}" download>{escape(ref.title)}</a>'
            f' <span class="meta">({escape(ref.label)})</span>: {escape(ref.description)}</p>'
        )
    figure = ref
    return (
        f'<figure class="figure" id="figure-{escape(key)}">'
        f'<img src="{escape(figure.url)}" alt="{escape(figure.alt)}">'
        f"<figcaption>{escape(figure.title)}"
        f"<details><summary>Description of the figure</summary>"
        f"<p>{escape(figure.description)}</p></details></figcaption></figure>"
    )
