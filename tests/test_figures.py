"""Figures: the curriculum's own diagrams, checked inert before they are stored, placed in
lessons with {{ figure key }}, served by the app with caching; never a remote image."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course_app.config import REPO_ROOT
from course_app.markdown import MediaRef, render_markdown
from course_app.modules.content import parse_content
from course_app.modules.figures import svg_problems
from course_app.modules.models import Lesson, MediaFile
from tests.conftest import TEST_CONTENT
from tests.helpers import login, make_user, post, text_of

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img">'
    b'<title>t</title><rect width="10" height="10" fill="url(#g)"/></svg>'
)
ENTRY = """
[[figures]]
key = "calf"
file = "calf.svg"
title = "The calf: landmarks and no-go structures"
alt = "Back view of the calf with the popliteal fossa hatched as a no-go zone."
description = "A schematic back view of the calf: gastrocnemius, the popliteal fossa above it."
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    media = target / "basics" / "media"
    media.mkdir()
    (media / "calf.svg").write_bytes(SVG)
    (media / "figures.toml").write_text(ENTRY)
    lesson = target / "basics" / "lessons" / "one.md"
    lesson.write_text(lesson.read_text() + "\n{{ figure calf }}\n")
    return target


def problems_of(tree: Path) -> list[str]:
    return [str(p) for p in parse_content(tree)[1]]


def test_a_declared_figure_placed_in_a_lesson_is_valid(tree):
    assert problems_of(tree) == []
    course = next(c for c in parse_content(tree)[0] if c.slug == "basics")
    assert [(m.kind, m.key) for m in course.media] == [("figure", "calf")]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: (m / "calf.svg").unlink(), "no file 'calf.svg'"),
        (lambda m: (m / "extra.png").write_bytes(b"x"), "extra.png is in media/ but described"),
        (
            lambda m: (m / "figures.toml").write_text(ENTRY.replace('alt = "Back', 'altx = "B')),
            "'alt' must be a non-empty string",
        ),
        (
            lambda m: (m / "figures.toml").write_text(ENTRY.replace("Back view", "x" * 300)),
            "'alt' is over 250 characters",
        ),
        (lambda m: (m / "calf.svg").write_bytes(b"<svg"), "not well-formed SVG"),
    ],
)
def test_a_broken_figure_is_reported_with_its_file(tree, change, words):
    change(tree / "basics" / "media")
    found = problems_of(tree)
    assert any(words in problem for problem in found), found


def test_a_lesson_naming_an_unknown_figure_or_a_remote_image_is_refused_at_its_line(tree):
    lesson = tree / "basics" / "lessons" / "two.md"
    lines = lesson.read_text().splitlines()
    lesson.write_text("\n".join([*lines, "{{ figure elbow }}", "![x](https://evil.example/x.png)"]))
    found = problems_of(tree)
    assert f"{lesson}:{len(lines) + 1}: no figure 'elbow' in media/figures.toml" in found
    assert any(p.startswith(f"{lesson}:{len(lines) + 2}: no remote images") for p in found)


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (b'<svg viewBox="0 0 1 1"><script>alert(1)</script></svg>', "<script> is not allowed"),
        (b'<svg viewBox="0 0 1 1" onload="alert(1)"/>', "event attribute onload"),
        (
            b'<svg xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 1 1">'
            b'<use x:href="https://evil.example/a.svg#x"/></svg>',
            "only #references",
        ),
        (b'<svg viewBox="0 0 1 1"><foreignObject/></svg>', "<foreignObject> is not allowed"),
        (b'<svg viewBox="0 0 1 1"><style>@import url(x.css);</style></svg>', "may not import"),
        (b'<svg viewBox="0 0 1 1"><rect fill="url(https://e.x/p)"/></svg>', "loads something"),
        (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg viewBox="0 0 1 1"/>', "not well-formed"),
        (b'<svg width="10"/>', "viewBox"),
    ],
)
def test_an_svg_that_could_run_load_or_embed_anything_is_refused(svg, words):
    assert any(words in problem for problem in svg_problems("x.svg", svg))


def test_every_shipped_figure_is_inert_and_the_shipped_curriculum_is_valid():
    courses, problems = parse_content(REPO_ROOT / "content")
    assert problems == []
    figures = [m for course in courses for m in course.media if m.kind == "figure"]
    assert len(figures) >= 30
    assert all(f.alt and f.description and f.title for f in figures)


def test_a_figure_renders_escaped_and_a_remote_image_never_does():
    ref = MediaRef(
        "figure", "/media/basics/calf.svg?v=abc", 'A <b>"calf"</b>', "Long <p>", "Alt <i>"
    )
    html = render_markdown(
        "Text\n\n{{ figure calf }}\n\n![x](https://evil.example/x.png)", {("figure", "calf"): ref}
    )
    assert '<img src="/media/basics/calf.svg?v=abc" alt="Alt &lt;i&gt;">' in html
    assert "<figcaption>A &lt;b&gt;&#34;calf&#34;&lt;/b&gt;<details>" in html
    assert "evil.example" not in html
    assert "is missing" in render_markdown("{{ figure nope }}", {})


def test_load_stores_the_figures_and_the_lesson_page_shows_them(make_app, db, tree):
    app = make_app(CONTENT_DIR=str(tree))
    runner = app.test_cli_runner()
    assert "created  figure basics/calf" in runner.invoke(args=["load-content"]).output
    figure = db.scalar(select(MediaFile).where(MediaFile.key == "calf"))
    assert figure.data == SVG and figure.media_type == "image/svg+xml"
    make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, "ada@example.org")
    post(browser, "/courses/basics/enrol")
    page = text_of(browser.get("/courses/basics/lessons/one"))
    url = f"/media/basics/calf.svg?v={figure.sha256[:12]}"
    assert f'<img src="{url}"' in page and "The calf: landmarks" in page

    served = app.test_client().get(url)  # anyone: a figure holds no personal data
    assert served.data == SVG and served.mimetype == "image/svg+xml"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")
    again = app.test_client().get(url, headers={"If-None-Match": f'"{figure.sha256}"'})
    assert again.status_code == 304
    assert app.test_client().get("/media/basics/nothing.svg").status_code == 404

    # A changed figure re-renders the lessons that place it, though their text is the same.
    index = tree / "basics" / "media" / "figures.toml"
    index.write_text(ENTRY.replace("Back view of the calf", "Rear view of the calf"))
    assert "updated  lesson basics/one" in runner.invoke(args=["load-content"]).output
    db.expire_all()
    html = db.scalar(select(Lesson.body_html).where(Lesson.slug == "one"))
    assert "Rear view of the calf" in html


DOCUMENT = """
[[documents]]
key = "consent-form"
file = "consent-form.md"
title = "Consent form for dry needling"
description = "A template to adapt: the risks to disclose, the questions to ask, the signature."
"""


def test_a_document_is_offered_for_download_where_a_lesson_places_it(make_app, db, tree):
    media = tree / "basics" / "media"
    (media / "consent-form.md").write_text("# Consent\n\nRisks: bruising, soreness.\n")
    (media / "documents.toml").write_text(DOCUMENT)
    lesson = tree / "basics" / "lessons" / "two.md"
    lesson.write_text(lesson.read_text() + "\n{{ document consent-form }}\n")
    assert problems_of(tree) == []
    app = make_app(CONTENT_DIR=str(tree))
    assert "created  document basics/consent-form" in (
        app.test_cli_runner().invoke(args=["load-content"]).output
    )
    make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, "ada@example.org")
    post(browser, "/courses/basics/enrol")
    page = text_of(browser.get("/courses/basics/lessons/two"))
    link = next(part for part in page.split('"') if part.startswith("/media/basics/consent-form"))
    assert "Consent form for dry needling</a>" in page and "(Markdown text, 1 kB)" in page
    served = app.test_client().get(link)
    assert served.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert served.headers["Content-Disposition"] == 'attachment; filename="consent-form.md"'
    assert b"Risks: bruising" in served.data


def test_an_undescribed_or_unplaced_document_is_reported(tree):
    media = tree / "basics" / "media"
    (media / "aftercare.md").write_text("Aftercare")
    assert any("aftercare.md is in media/ but described" in p for p in problems_of(tree))
    (media / "documents.toml").write_text(DOCUMENT.replace("consent-form", "aftercare"))
    from course_app.content_warnings import content_warnings

    courses, problems = parse_content(tree)
    assert problems == []
    unused = [w for w in content_warnings(courses) if w.rule == "document-unused"]
    assert [w.subject for w in unused] == ["aftercare"]
