"""Figures uploaded in the browser: checked as check-content checks media/ (an inert SVG; a
raster that is what it says and decodes within a pixel limit; alt text), bounded before they
are read, placed in lessons, audited, and written to media/ by export-content."""

import io
import shutil

import pytest
from PIL import Image
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from course_app.modules.figures import MAX_BYTES, raster_problems
from course_app.modules.models import MediaFile
from tests.conftest import TEST_CONTENT
from tests.helpers import login, make_user, post, text_of
from tests.test_outline_authoring import NEW_LESSON

WS = "/instructor/courses/basics"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img">'
    b'<title>Calf</title><rect width="10" height="10" fill="#ccc"/></svg>'
)


def _png(size=(20, 10), mode="RGB", image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format)
    return buffer.getvalue()


def _upload(browser, data: bytes, name: str, **fields):
    form = {
        "key": "calf",
        "title": "The calf",
        "alt": "The calf muscles from behind.",
        "description": "Gastrocnemius over soleus.",
    } | fields
    form["file"] = (io.BytesIO(data), name)
    return post(browser, f"{WS}/figures", form, content_type="multipart/form-data")


def test_an_svg_figure_is_stored_placed_in_a_lesson_and_audited(db, instructor, learner):
    assert _upload(instructor.browser, SVG, "Calf Diagram.svg").status_code == 302
    figure = db.scalar(select(MediaFile).where(MediaFile.key == "calf"))
    assert figure.file_name == "calf.svg" and figure.media_type == "image/svg+xml"
    assert "figure.uploaded" in set(db.scalars(select(AuditEntry.action)))
    body = NEW_LESSON["body"] + "\n\n{{ figure calf }}\n"
    assert (
        post(
            instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"body": body, "minutes": "2"}
        ).status_code
        == 302
    )
    page = text_of(learner.browser.get("/courses/basics/lessons/new-four"))
    assert 'alt="The calf muscles from behind."' in page and "/media/basics/calf.svg" in page
    served = learner.browser.get("/media/basics/calf.svg")
    assert served.status_code == 200 and served.data == SVG


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (
            b'<svg viewBox="0 0 1 1"><script>alert(1)</script></svg>',
            "&lt;script&gt; is not allowed",
        ),
        (b'<svg viewBox="0 0 1 1" onload="alert(1)"/>', "event attribute onload"),
        (
            b'<svg xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 1 1">'
            b'<use x:href="https://evil.example/a.svg#x"/></svg>',
            "only #references",
        ),
        (b'<svg viewBox="0 0 1 1"><foreignObject/></svg>', "&lt;foreignObject&gt; is not allowed"),
        (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg viewBox="0 0 1 1"/>', "not well-formed"),
    ],
)
def test_a_hostile_svg_is_refused_and_nothing_is_stored(db, instructor, svg, words):
    response = _upload(instructor.browser, svg, "x.svg")
    assert response.status_code == 400 and words in text_of(response)
    assert db.scalar(select(MediaFile.id).where(MediaFile.key == "calf")) is None


def test_rasters_are_checked_by_their_bytes_and_decoded_within_a_pixel_limit():
    assert raster_problems("a.png", "image/png", _png()) == []
    assert raster_problems("a.jpg", "image/jpeg", _png(image_format="JPEG")) == []
    assert raster_problems("a.webp", "image/webp", _png(image_format="WEBP")) == []
    assert "first bytes" in raster_problems("a.png", "image/png", SVG)[0]
    assert "first bytes" in raster_problems("a.jpg", "image/jpeg", _png())[0]
    noise = io.BytesIO()
    Image.effect_noise((64, 64), 50).save(noise, format="PNG")
    truncated = noise.getvalue()[: len(noise.getvalue()) // 2]
    assert "does not decode" in raster_problems("a.png", "image/png", truncated)[0]
    bomb = _png(size=(5000, 5000), mode="1")
    assert len(bomb) < MAX_BYTES and "pixels" in raster_problems("b.png", "image/png", bomb)[0]


def test_uploads_need_alt_text_a_known_type_and_a_bounded_size(db, instructor):
    no_alt = _upload(instructor.browser, _png(), "a.png", alt="")
    assert no_alt.status_code == 400 and "alt" in text_of(no_alt).lower()
    html = _upload(instructor.browser, b"<p>hi</p>", "page.html")
    assert html.status_code == 400 and "A figure is one of" in text_of(html)
    fake = _upload(instructor.browser, SVG, "photo.png")
    assert fake.status_code == 400 and "first bytes" in text_of(fake)
    big = _upload(instructor.browser, b"\x89PNG\r\n\x1a\n" + b"0" * MAX_BYTES, "big.png")
    assert big.status_code == 400 and "at most" in text_of(big)
    assert _upload(instructor.browser, _png(), "a.png").status_code == 302
    again = _upload(instructor.browser, SVG, "b.svg")
    assert again.status_code == 400 and "already used" in text_of(again)
    assert db.scalar(select(MediaFile.media_type).where(MediaFile.key == "calf")) == "image/png"


def test_only_the_course_s_instructors_upload_its_figures(app, db, content):
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    browser = app.test_client()
    login(browser, "other@example.org")
    assert _upload(browser, SVG, "calf.svg").status_code == 403
    assert db.scalar(select(MediaFile.id).where(MediaFile.key == "calf")) is None


def test_uploaded_figures_export_to_media_and_load_back(app, db, instructor, tmp_path):
    _upload(instructor.browser, SVG, "calf.svg")
    _upload(instructor.browser, _png(), "x.png", key="knee", alt="A knee.")
    body = NEW_LESSON["body"] + "\n\n{{ figure calf }}\n\n{{ figure knee }}\n"
    response = post(
        instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"body": body, "minutes": "3"}
    )
    assert response.status_code == 302, text_of(response)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output
    runner.invoke(args=["export-content", "--dir", str(tree)])
    assert (tree / "basics/media/calf.svg").read_bytes() == SVG
    assert 'alt = "A knee."' in (tree / "basics/media/figures.toml").read_text()
    checked = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert checked.exit_code == 0, checked.output
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output
