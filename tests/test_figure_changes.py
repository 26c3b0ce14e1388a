"""Figures replaced or archived in the browser: a replacement passes the upload's checks
(inert SVG, bounded raster, alt text) or changes nothing; lessons placing the figure show the
new one, or nothing once it is archived; nothing is deleted; export writes the entry back in
place (``archived = true``) and the content loads back unchanged."""

import io
import shutil
import tomllib

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.modules.figures import MAX_BYTES
from course_app.modules.models import MediaFile
from tests.conftest import TEST_CONTENT
from tests.helpers import csrf_token, post, text_of
from tests.test_figure_upload import SVG, WS, _png, _upload
from tests.test_outline_authoring import NEW_LESSON

LESSON = "/courses/basics/lessons/new-four"


def _replace(browser, data: bytes, name: str, **fields):
    form = {
        "title": "The calf, redrawn",
        "alt": "The calf muscles from the side.",
        "description": "Gastrocnemius over soleus, from the side.",
    } | fields
    form["file"] = (io.BytesIO(data), name)
    return post(browser, f"{WS}/figures/calf", form, content_type="multipart/form-data")


def _archive(browser, archived: str = "yes"):
    token = csrf_token(browser, f"{WS}/figures/calf")
    data = {"csrf_token": token, "archived": archived}
    return browser.post(f"{WS}/figures/calf/archive", data=data)


def _placed_calf(instructor) -> None:
    assert _upload(instructor.browser, SVG, "calf.svg").status_code == 302
    body = NEW_LESSON["body"] + "\n\n{{ figure calf }}\n"
    form = NEW_LESSON | {"body": body, "minutes": "2"}
    assert post(instructor.browser, f"{WS}/lessons/new", form).status_code == 302


def test_a_replacement_shows_in_lessons_under_the_same_key(db, instructor, learner):
    _placed_calf(instructor)
    page = text_of(instructor.browser.get(f"{WS}/figures/calf"))
    assert "Replace the figure" in page and 'value="The calf"' in page  # the words, filled in
    assert _replace(instructor.browser, _png(), "side view.png").status_code == 303
    figure = db.scalar(select(MediaFile).where(MediaFile.key == "calf"))
    db.refresh(figure)
    assert figure.file_name == "calf.png" and figure.media_type == "image/png"
    lesson = text_of(learner.browser.get(LESSON))
    assert "/media/basics/calf.png" in lesson and 'alt="The calf muscles from the side."' in lesson
    assert learner.browser.get("/media/basics/calf.png").data == _png()
    assert learner.browser.get("/media/basics/calf.svg").status_code == 404
    assert "figure.replaced" in set(db.scalars(select(AuditEntry.action)))


def test_a_bad_replacement_changes_nothing(db, instructor, learner):
    _placed_calf(instructor)
    hostile = _replace(instructor.browser, b'<svg viewBox="0 0 1 1" onload="alert(1)"/>', "x.svg")
    assert hostile.status_code == 400 and "event attribute onload" in text_of(hostile)
    no_alt = _replace(instructor.browser, _png(), "a.png", alt="")
    assert no_alt.status_code == 400
    big = _replace(instructor.browser, b"\x89PNG\r\n\x1a\n" + b"0" * MAX_BYTES, "big.png")
    assert big.status_code == 400 and "at most" in text_of(big)
    fake = _replace(instructor.browser, SVG, "photo.png")
    assert fake.status_code == 400 and "first bytes" in text_of(fake)
    figure = db.scalar(select(MediaFile).where(MediaFile.key == "calf"))
    assert figure.data == SVG and figure.alt == "The calf muscles from behind."
    assert "/media/basics/calf.svg" in text_of(learner.browser.get(LESSON))


def test_an_archived_figure_leaves_lessons_and_is_kept(db, instructor, learner):
    _placed_calf(instructor)
    assert _archive(instructor.browser).status_code == 303
    lesson = text_of(learner.browser.get(LESSON))
    assert "calf" not in lesson and "is missing" not in lesson
    assert learner.browser.get("/media/basics/calf.svg").status_code == 404
    figure = db.scalar(select(MediaFile).where(MediaFile.key == "calf"))
    db.refresh(figure)
    assert figure.is_archived and figure.data == SVG  # kept, never deleted
    listing = text_of(instructor.browser.get(f"{WS}/figures"))
    assert "Archived figures" in listing
    again = _archive(instructor.browser)  # already archived: a message, nothing changes
    assert again.status_code == 303
    assert _archive(instructor.browser, "no").status_code == 303
    assert "/media/basics/calf.svg" in text_of(learner.browser.get(LESSON))
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"figure.archived", "figure.restored"} <= actions


def test_archiving_needs_the_form_token_and_a_teacher(app, db, instructor, learner):
    _placed_calf(instructor)
    assert instructor.browser.post(f"{WS}/figures/calf/archive").status_code == 400
    assert _archive(learner.browser).status_code == 403
    assert not db.scalar(select(MediaFile.is_archived).where(MediaFile.key == "calf"))


def test_export_rewrites_a_replaced_and_archived_figure_in_place(app, db, instructor, tmp_path):
    _placed_calf(instructor)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    runner.invoke(args=["export-content", "--dir", str(tree)])  # the upload: entry added
    assert (tree / "basics/media/calf.svg").read_bytes() == SVG
    assert _replace(instructor.browser, _png(), "calf.png").status_code == 303
    assert _archive(instructor.browser).status_code == 303
    runner.invoke(args=["export-content", "--dir", str(tree)])
    media = tree / "basics/media"
    entries = tomllib.loads((media / "figures.toml").read_text())["figures"]
    assert [(e["key"], e["file"], e.get("archived")) for e in entries] == [
        ("calf", "calf.png", True)
    ]
    assert (media / "calf.png").read_bytes() == _png() and not (media / "calf.svg").exists()
    checked = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert checked.exit_code == 0, checked.output
    loaded = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "nothing changed" in loaded.output, loaded.output
    assert db.scalar(select(MediaFile.is_archived).where(MediaFile.key == "calf"))
