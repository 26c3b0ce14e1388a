"""Reading TOML documents with problems reported as ``file:line: message``.

Shared by the course, lesson and quiz parsers: each value is read with a check, and a bad
value adds a problem (pointing at the line of its key) instead of raising.
"""

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class TomlSource:
    """One TOML document and where it sits in its file, for line numbers."""

    path: str
    text: str
    first_line: int = 1
    problems: list[ContentProblem] = field(default_factory=list)

    def line_of(self, key: str, after: int = 0) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.text.splitlines(), start=1):
            if number > after and pattern.match(line):
                return number + self.first_line - 1
        return self.first_line

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, message))


def load_toml(source: TomlSource) -> dict[str, Any] | None:
    try:
        return tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        line = int(found.group(1)) + source.first_line - 1 if found else source.first_line
        source.problem(line, f"invalid TOML: {error}")
        return None


def read_text(
    source: TomlSource, data: dict, key: str, required: bool = True, after: int = 0
) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        source.problem(source.line_of(key, after), f"'{key}' must be a non-empty string")
        return ""
    return value.strip()


def read_integer(
    source: TomlSource,
    data: dict,
    key: str,
    low: int,
    high: int,
    default: int | None = None,
    after: int = 0,
) -> int:
    """A whole number in [low, high]; ``default`` makes the key optional."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        message = f"'{key}' must be a whole number from {low} to {high}"
        source.problem(source.line_of(key, after), message)
        return low
    return value


def read_strings(source: TomlSource, data: dict, key: str, allow_empty: bool) -> tuple[str, ...]:
    value = data.get(key)
    valid = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if not valid or (not allow_empty and not value):
        need = "a list of strings" if allow_empty else "a non-empty list of strings"
        source.problem(source.line_of(key), f"'{key}' must be {need}")
        return ()
    return tuple(v.strip() for v in value)


def read_slug(source: TomlSource, data: dict, key: str = "slug", after: int = 0) -> str:
    slug = read_text(source, data, key, after=after)
    if slug and not SLUG_PATTERN.match(slug):
        source.problem(
            source.line_of(key, after),
            f"'{key}' must be lower-case letters, digits and single hyphens: {slug!r}",
        )
    return slug


def table_lines(source: TomlSource, header: str) -> list[int]:
    lines = source.text.splitlines()
    return [n for n, line in enumerate(lines, start=1) if line.strip() == f"[[{header}]]"]


def array_of_tables(source: TomlSource, data: dict, key: str) -> list[tuple[dict, int]]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        source.problem(source.first_line, f"add at least one [[{key}]] table")
        return []
    lines = table_lines(source, key) + [source.first_line] * len(entries)
    return list(zip(entries, lines, strict=False))


def read_bool(source: TomlSource, data: dict, key: str, default: bool, after: int = 0) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        source.problem(source.line_of(key, after), f"'{key}' must be true or false")
        return default
    return value


def read_choice(
    source: TomlSource, data: dict, key: str, choices: tuple[str, ...], default: str
) -> str:
    value = data.get(key, default)
    if value not in choices:
        source.problem(source.line_of(key), f"'{key}' must be one of: {', '.join(choices)}")
        return default
    return value


def unknown_keys(source: TomlSource, data: dict, allowed: set[str], after: int = 0) -> None:
    """Report keys the format does not know: a typo must not be silently ignored."""
    for key in sorted(set(data) - allowed):
        source.problem(
            source.line_of(key, after),
            f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
        )
