"""The account page and its forms: load → check → one service call → commit → redirect."""

import json

from flask import Response, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from course_app import mail, permissions
from course_app.auth.jurisdictions import jurisdiction_name
from course_app.auth.models import User
from course_app.auth.services import WrongPassword, normalize_email
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.i18n.mail import mail_text, speaking
from course_app.profiles import bp, privacy, services
from course_app.profiles.forms import (
    CloseAccountForm,
    DetailsForm,
    EmailChangeForm,
    NameChangeForm,
    PreferencesForm,
)
from course_app.profiles.zones import JURISDICTION_ZONES, default_zone
from course_app.security import limiter
from course_app.urls import public_url
from course_app.wording import minutes_text


def _limit(config_key: str):
    """Forms that check the password or send mail are limited like login and reset."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])


def _me() -> User:
    """The signed-in person's own row (current_user is a read-only snapshot)."""
    permissions.require(permissions.can_edit_profile(current_user))
    return get_session().get(User, current_user.id)


def _details_form(user: User, **kwargs):
    """Shown filled in from the account; a sent form is read from what was sent only (a
    missing field is an error, never the old value kept silently)."""
    form_class = DetailsForm if services.has_registration(user) else PreferencesForm
    return form_class(**kwargs)


def _page(user: User, status: int = 200, **forms):
    """The account page, with fresh forms except the one that was just sent."""
    forms.setdefault("details", _details_form(user, formdata=None, obj=user))
    forms.setdefault("email", EmailChangeForm(formdata=None))
    forms.setdefault("name", NameChangeForm(formdata=None))
    return render_template(
        "profiles/account.html",
        user=user,
        forms=forms,
        pending=services.pending_name_request(get_session(), user.id),
        default_zone=default_zone(user.jurisdiction),
        zones=sorted(set(JURISDICTION_ZONES.values())),
        jurisdiction_name=jurisdiction_name,
    ), status


@bp.get("/account")
@login_required
def account():
    return _page(_me())


@bp.post("/account/details")
@login_required
def save_details():
    """Language, time zone and registration; a changed registration awaits a new check."""
    user, db = _me(), get_session()
    form = _details_form(user)
    if not form.validate_on_submit():
        return _page(user, 400, details=form)
    data = {name: form[name].data or "" for name in form.data if name != "csrf_token"}
    try:
        changed = services.update_details(db, user, services.Details(**data))
    except DomainError as error:
        db.rollback()
        form.time_zone.errors.append(error.message)
        return _page(user, 400, details=form)
    db.commit()
    flash(_("Your details are saved."), "success")
    if changed:
        flash(_("An administrator will verify your new registration before it counts."), "info")
    return redirect(url_for("profiles.account"))


@bp.post("/account/email")
@_limit("RESET_RATE_LIMIT")
@login_required
def change_email():
    """Send a confirmation link to the new address; nothing changes until it is followed.
    An address that already has an account is told so instead, and the page says the same
    either way (no one learns whether an address has an account)."""
    user, db = _me(), get_session()
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return _page(user, 400, email=form)
    try:
        token = services.start_email_change(db, user, form.email_password.data, form.new_email.data)
    except DomainError as error:
        wrong = form.email_password if isinstance(error, WrongPassword) else form.new_email
        wrong.errors.append(error.message)
        return _page(user, 400, email=form)
    new_email = normalize_email(form.new_email.data)
    message = mail.queue_message(db, new_email, *_email_change_mail(user, token))
    db.commit()
    mail.deliver(message.id)
    flash(
        _(
            "We sent a link to %(email)s. Follow it within %(life)s to finish the change; "
            "until then, your address stays as it is.",
            email=new_email,
            life=_link_life(),
        ),
        "info",
    )
    return redirect(url_for("profiles.account"))


def _link_life() -> str:
    return minutes_text(current_app.config["EMAIL_CHANGE_MAX_AGE"] / 60)


def _email_change_mail(user: User, token: str | None) -> tuple[str, str]:
    """(subject, body) for the new address, in the requester's language (the address's
    owner, when it is taken, is unknown to them; they read it as the requester wrote)."""
    if token is None:
        subject = N_("Your address was given for another %(product)s account")
        return mail_text(user.language, "profiles/email/address_taken.txt", subject, user=user)
    link = public_url("profiles.confirm_email", token=token)
    with speaking(user.language):
        valid_for = _link_life()
    return mail_text(
        user.language,
        "profiles/email/confirm_address.txt",
        N_("Confirm your new %(product)s e-mail address"),
        user=user,
        link=link,
        valid_for=valid_for,
    )


@bp.get("/account/email/<token>")
@login_required
def confirm_email_page(token: str):
    """The link's landing page: a button confirms (a GET never changes anything)."""
    claims = services.tokens.read_email_change_token(token)
    user = _me()
    if (
        claims is None
        or claims[0] != user.id
        or not services.tokens.address_matches(user, claims[2])
    ):
        reason = "This confirmation link is invalid, used, expired or not yours."
        return render_template("profiles/email_invalid.html", reason=reason), 400
    return render_template("profiles/confirm_email.html", new_email=claims[1], token=token)


@bp.post("/account/email/<token>")
@login_required
def confirm_email(token: str):
    user, db = _me(), get_session()
    try:
        old, new = services.confirm_email_change(db, user, token)
    except DomainError as error:
        db.rollback()
        return render_template("profiles/email_invalid.html", reason=error.message), 400
    subject, body = mail_text(
        user.language,
        "profiles/email/address_changed.txt",
        N_("Your %(product)s e-mail address was changed"),
        user=user,
        new_email=new,
    )
    message = mail.queue_message(db, old, subject, body)
    db.commit()
    mail.deliver(message.id)
    session.clear()
    login_user(user)  # this browser stays in; the rotated token logged out the others
    flash(_("Your e-mail address is now %(email)s. Use it to log in.", email=new), "success")
    return redirect(url_for("profiles.account"))


@bp.post("/account/name")
@login_required
def request_name():
    """Ask for a new name; it takes effect when an administrator approves it."""
    user, db = _me(), get_session()
    form = NameChangeForm()
    if not form.validate_on_submit():
        return _page(user, 400, name=form)
    try:
        services.request_name_change(db, user, form.full_name.data, form.explanation.data)
    except DomainError as error:
        db.rollback()
        form.full_name.errors.append(error.message)
        return _page(user, 400, name=form)
    db.commit()
    flash(_("Your request is sent. Your name changes when an administrator approves it."), "info")
    return redirect(url_for("profiles.account"))


@bp.get("/account/export.json")
@login_required
def export():
    """Everything held about the person, as a JSON download."""
    user = _me()
    data = privacy.export(
        get_session(),
        user,
        lambda public_id: public_url("certificates.verify", public_id=public_id),
    )
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@bp.route("/account/close", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
@login_required
def close():
    """Close the account for good, after the password."""
    user, db = _me(), get_session()
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            privacy.close_account(db, user, form.close_password.data)
        except DomainError as error:
            db.rollback()
            form.close_password.errors.append(error.message)
        else:
            db.commit()
            logout_user()
            session.clear()
            flash(_("Your account is closed and your personal data removed."), "info")
            return redirect(url_for("modules.catalog"))
    status = 400 if form.errors else 200
    return render_template("profiles/close.html", form=form), status
