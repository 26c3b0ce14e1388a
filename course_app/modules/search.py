"""Search the lessons a user may open: SQLite FTS5 by default, PostgreSQL full-text search
when the database is PostgreSQL, behind one function (the indexes: the evaluation-and-search
migration; SQLite's is kept current by triggers on ``lessons``, so loading content or editing
a lesson in the browser updates it).

The query is never handed to either engine's syntax: it is cut to words (letters and digits),
each quoted for FTS5 or passed to ``plainto_tsquery``, so quotes, ``*``, ``NEAR``, ``OR`` or
brackets are plain text and bad input finds nothing instead of failing.
"""

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from course_app.modules.services import course_statuses
from course_app.modules.structure import LessonPage

MAX_QUERY = 200
MAX_TERMS = 8
LIMIT = 20
#: Around each matched word in a snippet (split into parts for the page to mark).
START, STOP = "\u27e6", "\u27e7"
WORD = re.compile(r"\w+")
MARKUP = re.compile(r"[*`#]+")


@dataclass(frozen=True)
class Hit:
    course_slug: str
    course_title: str
    lesson: LessonPage
    #: The snippet as (text, matched) parts.
    parts: tuple[tuple[str, bool], ...]


def terms_of(query: str) -> list[str]:
    """The words searched for (at most ``MAX_TERMS``, from the first ``MAX_QUERY`` chars)."""
    return [word.lower() for word in WORD.findall(query[:MAX_QUERY])][:MAX_TERMS]


def search_lessons(session: Session, user, query: str) -> list[Hit]:
    """The best matches among the lessons ``user`` may open, best first, with snippets."""
    from course_app.permissions import can_read_lessons

    terms = terms_of(query)
    if not terms:
        return []
    user_id = user.id if user.is_authenticated else None
    openable = {
        page.id: (status, page)
        for status in course_statuses(session, user_id).values()
        if can_read_lessons(user, status)
        for page in status.lessons.values()
    }
    if not openable:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = _postgres(session, terms, list(openable))
    else:
        rows = _sqlite(session, terms, list(openable))
    hits = []
    for lesson_id, snippet in rows:
        status, page = openable[lesson_id]
        hits.append(Hit(status.course.slug, status.course.title, page, parts_of(snippet)))
    return hits


def _sqlite(session: Session, terms: list[str], ids: list[int]):
    match = " ".join(f'"{term}"' for term in terms)  # every word, none read as syntax
    statement = text(
        "SELECT rowid, snippet(lesson_search, 1, :start, :stop, '…', 24) FROM lesson_search "
        "WHERE lesson_search MATCH :match AND rowid IN :ids ORDER BY rank LIMIT :limit"
    ).bindparams(bindparam("ids", expanding=True))
    values = {"match": match, "ids": ids, "start": START, "stop": STOP, "limit": LIMIT}
    return session.execute(statement, values).all()


def _postgres(session: Session, terms: list[str], ids: list[int]):
    # The document expression is written out twice (no string building: the statement is one
    # constant); it matches the expression index the search migration creates.
    statement = text(
        "SELECT id, ts_headline('english', body_markdown, query, :options) "
        "FROM lessons, plainto_tsquery('english', :words) AS query "
        "WHERE to_tsvector('english', title || ' ' || body_markdown) @@ query AND id IN :ids "
        "ORDER BY ts_rank(to_tsvector('english', title || ' ' || body_markdown), query) DESC, "
        "id LIMIT :limit"
    ).bindparams(bindparam("ids", expanding=True))
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12"
    values = {"words": " ".join(terms), "ids": ids, "options": options, "limit": LIMIT}
    return session.execute(statement, values).all()


def parts_of(snippet: str) -> tuple[tuple[str, bool], ...]:
    """``a ⟦b⟧ c`` → (("a ", False), ("b", True), (" c", False)); Markdown's emphasis, code
    and heading marks are dropped (the snippet is read, not rendered)."""
    parts = []
    for index, raw in enumerate(re.split(f"[{START}{STOP}]", snippet or "")):
        piece = MARKUP.sub("", raw)
        if piece:
            parts.append((piece, index % 2 == 1))
    return tuple(parts)
