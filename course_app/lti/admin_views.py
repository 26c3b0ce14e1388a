"""Administrators register LTI platforms, read what the tool publishes for them, and ask
for a link's roster (NRPS)."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from course_app import permissions
from course_app.db import get_session
from course_app.lti import platforms, roster
from course_app.lti.forms import PlatformForm
from course_app.lti.models import LtiLink, LtiPlatform
from course_app.modules.models import Course, CourseModule
from course_app.urls import public_url

bp = Blueprint("lti_admin", __name__, url_prefix="/admin/lti")


def _page(form: PlatformForm, status: int = 200):
    db = get_session()
    platforms = db.scalars(select(LtiPlatform).order_by(LtiPlatform.name)).all()
    links = db.execute(
        select(LtiLink, LtiPlatform.name, Course.title, CourseModule.title)
        .join(LtiPlatform, LtiPlatform.id == LtiLink.platform_id)
        .join(Course, Course.id == LtiLink.course_id)
        .outerjoin(CourseModule, CourseModule.id == LtiLink.module_id)
        .order_by(LtiLink.id)
    ).all()
    tool = {
        "login": public_url("lti.login"),
        "launch": public_url("lti.launch"),
        "jwks": public_url("lti.jwks"),
    }
    page = render_template(
        "lti/platforms.html", form=form, platforms=platforms, links=links, tool=tool
    )
    return page, status


@bp.get("")
@login_required
def index():
    permissions.require(permissions.can_manage_lti(current_user))
    return _page(PlatformForm(formdata=None))


@bp.post("")
@login_required
def create():
    permissions.require(permissions.can_manage_lti(current_user))
    form, db = PlatformForm(), get_session()
    if not form.validate_on_submit():
        return _page(form, 400)
    data = platforms.PlatformData(
        name=form.name.data.strip(),
        issuer=form.issuer.data.strip(),
        client_id=form.client_id.data.strip(),
        deployment_ids=form.deployments(),
        auth_login_url=form.auth_login_url.data.strip(),
        auth_token_url=form.auth_token_url.data.strip(),
        key_set_url=form.key_set_url.data.strip(),
    )
    try:
        platforms.register(db, current_user.id, data)
    except platforms.AlreadyRegistered as error:
        db.rollback()
        form.client_id.errors = [error.message]
        return _page(form, 400)
    db.commit()
    flash(f"Platform {form.name.data.strip()} registered.", "success")
    return redirect(url_for("lti_admin.index"))


@bp.post("/<int:platform_id>/remove")
@login_required
def remove(platform_id: int):
    """Remove a registration: its launches are refused from then on, its links forgotten."""
    permissions.require(permissions.can_manage_lti(current_user))
    db = get_session()
    platform = db.get(LtiPlatform, platform_id)
    if platform is None:
        abort(404)
    name = platform.name
    platforms.remove(db, current_user.id, platform)
    db.commit()
    flash(f"Platform {name} removed.", "success")
    return redirect(url_for("lti_admin.index"))


@bp.post("/links/<int:link_id>/roster")
@login_required
def read_roster(link_id: int):
    """Queue a roster read for the link (the page does not wait for the platform)."""
    from course_app.jobs.queue import submit

    permissions.require(permissions.can_manage_lti(current_user))
    db = get_session()
    link = db.get(LtiLink, link_id)
    if link is None:
        abort(404)
    job = submit(db, roster.KIND, [link.id], current_user.id, secrets.token_hex(16))
    return redirect(url_for("jobs.page", job_id=job.id))
