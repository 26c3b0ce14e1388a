"""Lists that scale: natural sort keys and pages, the same for every admin list.

Both are pure: a view filters in the database, sorts with :func:`natural_key` where names
matter (``Learner 2`` before ``Learner 10``), and shows one :class:`Page` at a time.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, request, url_for

T = TypeVar("T")

#: Rows per page on every admin list.
PAGE_SIZE = 50
_NUMBER = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """A sort key that orders the digits in a text by value, case-insensitively:
    ``Learner 2`` < ``Learner 10`` < ``learner 100``.

    Text and number parts alternate from a text part, so any two keys compare cleanly."""
    parts = _NUMBER.split(text.casefold())
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


#: Digits a number in a name is padded to in its sort key (wider numbers sort by text).
_PADDED = 12
#: The width of the stored sort key (``users.name_key``).
KEY_LENGTH = 255


def sortable_name(text: str) -> str:
    """:func:`natural_key` as text the database can order and index: case-folded, each
    number zero-padded (``Learner 2`` → ``learner 000000000002``), so ``ORDER BY`` pages a
    list in natural order without loading it."""
    padded = _NUMBER.sub(lambda m: m.group(1).rjust(_PADDED, "0"), text.casefold())
    return padded[:KEY_LENGTH]


@dataclass(frozen=True)
class Page:
    """One page of a list: its number (from 1), the page size and how many rows in all."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """How many pages (at least one, even when the list is empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_row(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last and those near this one; None where
        numbers are left out (shown as an ellipsis)."""
        shown = {1, self.count, *range(self.number - around, self.number + around + 1)}
        result: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.count):
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result


def page_of(total: int, requested: int | None, size: int = PAGE_SIZE) -> Page:
    """The page asked for, kept within the pages there are (a missing or too large number
    shows the first or last page rather than an empty one)."""
    last = max(1, -(-total // size))
    return Page(min(max(requested or 1, 1), last), size, total)


def paginate(rows: Sequence[T], requested: int | None, size: int = PAGE_SIZE):
    """The page asked for and its rows, from a list already filtered and sorted."""
    page = page_of(len(rows), requested, size)
    return page, list(rows[page.offset : page.offset + size])


def page_url(param: str, number: int) -> str:
    """This page's address with another page number (every other query argument kept)."""
    args = {**request.args.to_dict(), param: number}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url
