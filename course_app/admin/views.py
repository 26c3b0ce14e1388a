"""Administration pages."""

from flask import render_template, request
from sqlalchemy import select

from course_app.admin import bp
from course_app.db import get_session
from course_app.mail.models import OutboxMessage

OUTBOX_PAGE_SIZE = 50


@bp.get("/")
def index():
    """Administration home."""
    return render_template("admin/index.html")


@bp.get("/outbox")
def outbox():
    """Every e-mail the platform sent or would have sent, newest first (reset links too)."""
    page = max(request.args.get("page", 1, type=int), 1)
    query = (
        select(OutboxMessage)
        .order_by(OutboxMessage.id.desc())
        .limit(OUTBOX_PAGE_SIZE + 1)
        .offset((page - 1) * OUTBOX_PAGE_SIZE)
    )
    messages = list(get_session().scalars(query))
    return render_template(
        "admin/outbox.html",
        messages=messages[:OUTBOX_PAGE_SIZE],
        page=page,
        has_more=len(messages) > OUTBOX_PAGE_SIZE,
    )
