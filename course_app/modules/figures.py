"""Media: a course's own figures and downloadable documents, in ``content/<course>/media/``,
described by ``media/figures.toml`` and ``media/documents.toml``. A lesson places one with a
line ``{{ figure <key> }}`` or ``{{ document <key> }}``.

Pure parsing and checking (like the rest of ``content.py``): every item has its file and a
title and description (figures also alt text); every file in ``media/`` is described; an SVG
is checked to be inert — no script, no event attribute, no external reference, no embedded
foreign content — before anything serves it; no lesson shows a remote image.
"""

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from course_app.markdown import MEDIA_DIRECTIVE
from course_app.modules.translation_files import is_translation
from course_app.toml_source import (
    ContentProblem,
    TomlSource,
    array_of_tables,
    load_toml,
    read_bool,
    read_slug,
    read_strings,
    read_text,
    unknown_keys,
)


@dataclass(frozen=True)
class Kind:
    """A kind of media: its index file, the keys an entry may have, the types it accepts."""

    name: str
    index: str
    keys: frozenset[str]
    types: dict[str, str]


FIGURE = Kind(
    "figure",
    "figures.toml",
    frozenset({"key", "file", "title", "alt", "description", "muscles", "lesson", "archived"}),
    {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"},
)
DOCUMENT = Kind(
    "document",
    "documents.toml",
    frozenset({"key", "file", "title", "description", "lesson"}),
    {
        ".md": "text/markdown; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".pdf": "application/pdf",
    },
)
KINDS = (FIGURE, DOCUMENT)
#: A diagram or a template is a few tens of kilobytes; more is a photograph or a mistake.
MAX_BYTES = 200_000
#: Alt text says what the figure shows in a sentence; the long description says the rest.
MAX_ALT = 250
REMOTE_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*(?:https?:)?//"  # ![alt](https://…) or (//…)
    r"|<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//",  # <img src="https://…">
    re.IGNORECASE,
)
#: A raster figure is checked by its first bytes, then decoded (within this many pixels).
MAX_PIXELS = 4096 * 4096
RASTERS = {
    "image/png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    "image/webp": ("WEBP", (b"RIFF",)),
}
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "image", "iframe", "object", "embed", "audio",
                      "video", "animate", "set", "handler", "listener"}  # fmt: skip


@dataclass(frozen=True)
class MediaSpec:
    kind: str  # "figure" or "document"
    key: str
    file: str
    title: str
    description: str
    media_type: str
    data: bytes = field(repr=False)
    alt: str = ""
    muscles: tuple[str, ...] = ()
    line: int = 0
    index: str = ""  # the index file that describes it
    #: Archived (``archived = true``, figures only): kept and still checked, but lessons no
    #: longer show it (a line placing it shows nothing).
    archived: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def referenced(body: str, kind: str = "figure") -> list[str]:
    """The keys of this kind a lesson's Markdown places, in order."""
    return [key for found, key in MEDIA_DIRECTIVE.findall(body) if found == kind]


def parse_media(media: Path) -> tuple[tuple[MediaSpec, ...], list[ContentProblem]]:
    """Read the media indexes and the files they name (no media folder: no media)."""
    if not media.is_dir():
        return (), []
    items: list[MediaSpec] = []
    problems: list[ContentProblem] = []
    for kind in KINDS:
        index = media / kind.index
        if index.is_file():
            source = TomlSource(str(index), index.read_text(encoding="utf-8"))
            data = load_toml(source)
            items += [] if data is None else _entries(source, data, media, kind)
            problems += source.problems
    problems += _undeclared(media, {item.file for item in items})
    return tuple(items), problems


def _entries(source: TomlSource, data: dict, media: Path, kind: Kind) -> list[MediaSpec]:
    items: list[MediaSpec] = []
    for entry, line in array_of_tables(source, data, kind.index.removesuffix(".toml")):
        unknown_keys(source, entry, set(kind.keys), after=line)
        item = _item(source, entry, line, media, kind)
        if item is None:
            continue
        if item.key in {i.key for i in items}:
            source.problem(line, f"{kind.name} key {item.key!r} is used twice")
        items.append(item)
    return items


def _item(source: TomlSource, entry: dict, line: int, media: Path, kind: Kind) -> MediaSpec | None:
    key = read_slug(source, entry, "key", after=line)
    name = read_text(source, entry, "file", after=line)
    alt = read_text(source, entry, "alt", after=line) if kind is FIGURE else ""
    if len(alt) > MAX_ALT:
        source.problem(source.line_of("alt", line), f"'alt' is over {MAX_ALT} characters: "
                       "say what the figure shows; the rest goes in 'description'")  # fmt: skip
    path = media / name
    if not name or Path(name).name != name or not path.is_file():
        source.problem(source.line_of("file", line), f"no file {name!r} in {media}")
        return None
    media_type = kind.types.get(path.suffix.lower())
    if media_type is None:
        allowed = ", ".join(sorted(kind.types))
        source.problem(source.line_of("file", line), f"{name}: a {kind.name} is one of {allowed}")
        return None
    raw = path.read_bytes()
    for problem in file_problems(name, media_type, raw):
        source.problem(source.line_of("file", line), problem)
    return MediaSpec(
        kind=kind.name,
        key=key,
        file=name,
        title=read_text(source, entry, "title", after=line),
        description=read_text(source, entry, "description", after=line),
        media_type=media_type,
        data=raw,
        alt=alt,
        muscles=_muscles(source, entry),
        line=line,
        index=source.path,
        archived=kind is FIGURE and read_bool(source, entry, "archived", False, after=line),
    )


def _muscles(source: TomlSource, entry: dict) -> tuple[str, ...]:
    if "muscles" not in entry:
        return ()
    return read_strings(source, entry, "muscles", allow_empty=True)


def file_problems(name: str, media_type: str, raw: bytes) -> list[str]:
    """Why this file may not be served; [] when it may."""
    if len(raw) > MAX_BYTES:
        return [f"{name} is {len(raw):,} bytes: at most {MAX_BYTES:,}"]
    if media_type == "image/svg+xml":
        return svg_problems(name, raw)
    if media_type in RASTERS:
        return raster_problems(name, media_type, raw)
    if media_type.startswith("text/"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return [f"{name} is not UTF-8 text"]
    return []


def svg_problems(name: str, raw: bytes) -> list[str]:
    """An SVG must be inert: nothing in it may run, load or embed anything."""
    try:
        root = ElementTree.fromstring(raw, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        return [f"{name} is not well-formed SVG: {error}"]
    problems = []
    if _local(root.tag) != "svg" or "viewBox" not in root.attrib:
        problems.append(f"{name}: the root must be <svg> with a viewBox")
    for element in root.iter():
        tag = _local(element.tag)
        if tag.lower() in FORBIDDEN_ELEMENTS:
            problems.append(f"{name}: <{tag}> is not allowed in a figure")
        for attribute, value in element.attrib.items():
            problems += _attribute_problems(name, tag, _local(attribute), value)
        if tag == "style" and re.search(r"@import|url\(\s*['\"]?(?!#)", element.text or ""):
            problems.append(f"{name}: <style> may not import or load anything")
    return sorted(set(problems))


def raster_problems(name: str, media_type: str, raw: bytes) -> list[str]:
    """A PNG, JPEG or WebP must be what its name says (by its first bytes) and decode whole,
    within :data:`MAX_PIXELS` (checked from the header, before decoding)."""
    from PIL import Image  # only when a raster is checked: web workers rarely need it

    image_format, magics = RASTERS[media_type]
    webp = media_type != "image/webp" or raw[8:12] == b"WEBP"
    if not any(raw.startswith(magic) for magic in magics) or not webp:
        return [f"{name} is not a {image_format} file: its first bytes say otherwise"]
    try:
        with Image.open(io.BytesIO(raw), formats=[image_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return [f"{name} is {width} × {height} pixels: at most {MAX_PIXELS:,} in all"]
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return [f"{name} does not decode as {image_format}: {error}"]
    return []


def _attribute_problems(name: str, tag: str, attribute: str, value: str) -> list[str]:
    if attribute.lower().startswith("on"):
        return [f"{name}: event attribute {attribute} on <{tag}>"]
    if attribute == "href" and not value.startswith("#"):
        return [f"{name}: <{tag}> refers to {value!r}: only #references inside the file"]
    if re.search(r"url\(\s*['\"]?(?!#)", value) or "javascript:" in value.lower():
        return [f"{name}: {attribute} on <{tag}> loads something from outside the file"]
    return []


def _local(tag: str) -> str:
    """An element or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _undeclared(media: Path, declared: set[str]) -> list[ContentProblem]:
    indexes = {kind.index for kind in KINDS}
    message = f"is in media/ but described in no index ({' or '.join(sorted(indexes))})"
    return [
        ContentProblem(str(path), 1, f"{path.name} {message}")
        for path in sorted(media.iterdir())
        if path.name not in indexes and path.name not in declared and not is_translation(path)
    ]


def lesson_media_problems(
    path: str, body_line: int, body: str, media: Sequence[MediaSpec]
) -> list[ContentProblem]:
    """A lesson places only media that exist, and shows no remote image."""
    known = {(item.kind, item.key) for item in media}
    problems = []
    for number, line in enumerate(body.splitlines(), start=body_line):
        for kind, key in MEDIA_DIRECTIVE.findall(line):
            if (kind, key) not in known:
                message = f"no {kind} {key!r} in media/{kind}s.toml"
                problems.append(ContentProblem(path, number, message))
        if REMOTE_IMAGE.search(line):
            message = "no remote images: add it to media/ and place it with {{ figure key }}"
            problems.append(ContentProblem(path, number, message))
    return problems


def unused_media_warnings(courses) -> list:
    """A figure or document no lesson places: place it where it is taught, or take it out."""
    from course_app.content_warnings import ContentWarning  # it imports this module's users

    warnings = []
    for course in courses:
        bodies = [lesson.body for lesson in course.lessons]
        for item in course.media:
            if item.archived:
                continue
            if not any(item.key in referenced(body, item.kind) for body in bodies):
                message = (
                    f"{item.kind} {item.key!r} is placed in no lesson: add "
                    f"{{{{ {item.kind} {item.key} }}}} where it is taught"
                )
                rule = f"{item.kind}-unused"
                warnings.append(ContentWarning(item.index, item.line, rule, item.key, message))
    return warnings
