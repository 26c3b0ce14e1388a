"""CSV for spreadsheets, safe against formula injection (OWASP's "CSV Injection" rule).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets: a learner named
``=HYPERLINK("http://evil.example","x")`` would be a live link in the instructor's gradebook.
Such text cells get a leading single quote, which spreadsheets show as plain text. Numbers
the app computed (a negative one included) are left alone: they are not text anyone typed.
Every CSV export writes through :func:`writer`.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet should read it: text that would start a formula, quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every text cell goes through :func:`neutralise`."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])


def writer(out) -> SafeWriter:
    return SafeWriter(out)
