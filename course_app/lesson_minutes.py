"""How long a lesson's content takes, estimated from its text, and the ``check-content``
warning (rule ``lesson-minutes``) when a lesson declares far more CE minutes than that, or
fewer than that (CE credit short of the material is as untrue as credit beyond it).

The estimate: every word of the title, objectives and body at :data:`READING_WPM`, plus time
for each table, figure (a Markdown image or a placed ``{{ figure key }}``), document offered
(``{{ document key }}``) and activity. 150 words a minute is a planning rate for a clinician
studying technical text: below the slowest usual adult rate for non-fiction (175 to 300 words
a minute, mean 238: Brysbaert 2019, a meta-analysis of 190 studies of silent reading), because
the lessons are dense with long clinical terms, figures and citations (longer words are read
more slowly: Brysbaert et al. 2021), and are read to learn, often twice. A fluent reader at
300 words a minute reads each word in half that time, which is what ``LESSON_TIME_SHARE``
(0.5) asks of learners. Pure: parsed specs in, warnings out; ``content/README.md`` documents
the figures.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from course_app.markdown import MEDIA_DIRECTIVE

if TYPE_CHECKING:
    from course_app.content_warnings import ContentWarning
    from course_app.modules.content import CourseSpec, LessonSpec

RULE = "lesson-minutes"
#: Words a minute for a clinician studying technical text (see the module's docstring).
READING_WPM = 150
#: Minutes for reading one table across its rows and columns (its words count as well).
TABLE_MINUTES = 1.0
#: Minutes for studying one figure (a Markdown image, an HTML ``<img>`` or a placed
#: ``{{ figure key }}`` with its caption and long description).
FIGURE_MINUTES = 1.0
#: Minutes for looking over one document a lesson offers (``{{ document key }}``): the
#: templates are one or two pages the learner adapts later, not read word by word here.
DOCUMENT_MINUTES = 2.0
#: Minutes for one activity: a section whose heading starts with one of ACTIVITY_WORDS.
ACTIVITY_MINUTES = 5.0
ACTIVITY_WORDS = ("activity", "exercise", "reflection", "reflect", "practice", "case study")
#: Declared minutes may exceed the estimate by this factor (note-taking, pauses to think)
#: before check-content warns.
MINUTES_FACTOR = 1.5

_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_WORD = re.compile(r"\w+(?:['’.,:-]\w+)*")
_CITATION = re.compile(r"\[[A-Z][A-Za-z0-9-]{0,15}\]")
_TAG = re.compile(r"<[^>]*>")
_IMG = re.compile(r"<img\b", re.IGNORECASE)
_ACTIVITY = re.compile(rf"^(?:{'|'.join(ACTIVITY_WORDS)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ContentEstimate:
    words: int
    tables: int = 0
    figures: int = 0
    activities: int = 0
    documents: int = 0

    @property
    def minutes(self) -> float:
        return (
            self.words / READING_WPM
            + self.tables * TABLE_MINUTES
            + self.figures * FIGURE_MINUTES
            + self.activities * ACTIVITY_MINUTES
            + self.documents * DOCUMENT_MINUTES
        )

    def describe(self) -> str:
        """``300 words at 150 a minute, 1 table, no figure, no activity``."""
        parts = [_count(self.tables, "table"), _count(self.figures, "figure")]
        parts.append(_count(self.activities, "activity", "activities"))
        if self.documents:
            parts.append(_count(self.documents, "document"))
        return f"{self.words} words at {READING_WPM} a minute, " + ", ".join(parts)


def _count(number: int, one: str, many: str | None = None) -> str:
    if number == 0:
        return f"no {one}"
    return f"{number} {one if number == 1 else many or one + 's'}"


def estimate(title: str, objectives: Sequence[str], body: str) -> ContentEstimate:
    """The content of one lesson: words read, tables, figures, documents and activities."""
    placed = [match.group(1) for match in MEDIA_DIRECTIVE.finditer(body)]
    tokens = _parser.parse(MEDIA_DIRECTIVE.sub("", body))
    texts = [title, *objectives]
    tables = activities = 0
    figures = placed.count("figure")
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            tables += 1
        elif token.type == "heading_open" and _ACTIVITY.match(tokens[index + 1].content):
            activities += 1
        elif token.type == "html_block":
            figures += len(_IMG.findall(token.content))
            texts.append(_TAG.sub(" ", token.content))
        elif token.type == "inline":
            text, images = _inline(token)
            texts.append(text)
            figures += images
    words = _words(" ".join(texts))
    return ContentEstimate(words, tables, figures, activities, placed.count("document"))


def _inline(token) -> tuple[str, int]:
    """An inline token's readable text, and how many images it holds."""
    parts, images = [], 0
    for child in token.children or ():
        if child.type == "image":
            images += 1
        elif child.type == "html_inline":
            images += len(_IMG.findall(child.content))
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return " ".join(parts), images


def _words(text: str) -> int:
    return len(_WORD.findall(_CITATION.sub(" ", text)))


def lesson_minutes_warnings(courses: Sequence["CourseSpec"]) -> list["ContentWarning"]:
    """A warning for each lesson declaring more than MINUTES_FACTOR × its estimate, or fewer
    minutes than the estimate (rounded down)."""
    return [
        warning
        for course in courses
        for lesson in course.lessons
        if (warning := lesson_minutes_warning(lesson)) is not None
    ]


def lesson_minutes_warning(lesson: "LessonSpec") -> "ContentWarning | None":
    """The warning for one lesson (None: its minutes fit its content); browser authoring
    refuses a lesson with one, as `check-content --strict` would."""
    # Imported here: content_warnings registers this check, so it imports this module.
    from course_app.content_warnings import ContentWarning

    found = estimate(lesson.title, lesson.objectives, lesson.body)
    takes = f"its content takes about {max(1, round(found.minutes))} ({found.describe()})"
    if lesson.minutes < math.floor(found.minutes):
        advice = f"fewer than the estimate; raise 'minutes' to at least {math.floor(found.minutes)}"
    elif lesson.minutes > found.minutes * MINUTES_FACTOR:
        advice = (
            f"more than {MINUTES_FACTOR:g} × the estimate; lower 'minutes' or add what the "
            "time is for"
        )
    else:
        return None
    message = f"the lesson declares {lesson.minutes} minutes but {takes}: {advice}"
    return ContentWarning(lesson.path, lesson.minutes_line, RULE, lesson.slug, message)
