"""Account pages. Views: load → check → one service call → commit → redirect."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from course_app import mail
from course_app.auth import bp, services, throttle, tokens
from course_app.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from course_app.auth.models import User
from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.i18n.mail import mail_text
from course_app.security import limiter
from course_app.urls import public_url, safe_next_url


def _limit(config_key: str):
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])


def _start_session(user) -> None:
    session.clear()  # a fresh session at every login
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT")
def register():
    """Register a physiotherapist as a learner."""
    form = RegisterForm()
    if form.validate_on_submit():
        db = get_session()
        data = services.Registration(
            **{name: form[name].data for name in _REGISTRATION_FIELDS},
            language=str(get_locale()),
        )
        message_ids = _register_or_warn_owner(db, data)
        db.commit()
        for message_id in message_ids:
            mail.deliver(message_id)
        return redirect(url_for("auth.registered"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


def _register_or_warn_owner(db, data: services.Registration) -> list[int]:
    """Create the account and welcome its owner, or, if the address is taken, tell the owner.

    Both cases end on the same page, so the form never reveals whether an address has an
    account (no enumeration); the password is hashed either way, so timing does not either.
    """
    login_url = public_url("auth.login")
    try:
        user = services.register_learner(db, data)
    except services.EmailTaken:
        owner = services.find_by_email(db, data.email)
        reset_url = public_url("auth.request_reset")
        subject, body = mail_text(
            owner.language,
            "auth/email/registration_taken.txt",
            N_("Someone tried to register with your address"),
            user=owner,
            login_url=login_url,
            reset_url=reset_url,
        )
        return [mail.queue_message(db, owner.email, subject, body).id]
    subject, body = mail_text(
        user.language,
        "auth/email/welcome.txt",
        N_("Your %(product)s account is ready"),
        user=user,
        login_url=login_url,
    )
    return [mail.queue_message(db, user.email, subject, body).id]


@bp.get("/registered")
def registered():
    """The same page after every registration, whether the address was new or not."""
    return render_template("auth/registered.html")


_REGISTRATION_FIELDS = (
    "full_name",
    "email",
    "password",
    "registration_number",
    "jurisdiction",
    "regulator",
    "register_class",
)


@bp.route("/login", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
def login():
    """Log in with e-mail and password, then go back where the user was headed."""
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next"))
    throttled = False
    if form.validate_on_submit():
        db = get_session()
        limits = throttle.Limits.from_config(current_app.config)
        try:
            user = throttle.log_in(
                db, form.email.data, form.password.data, get_remote_address(), utcnow(), limits
            )
        except throttle.LoginThrottled as error:
            form.password.errors.append(error.message)
            throttled = True
        else:
            db.commit()  # the failure counted, or a rehashed password kept
            if user is not None:
                _start_session(user)
                return redirect(next_url or url_for("modules.dashboard"))
            form.password.errors.append(_("The e-mail address or the password is not correct."))
    status = 429 if throttled else 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out (POST, CSRF-checked like every POST, so no link or image can log anyone out).

    Every cookie issued to this user before stops working, not just this browser's."""
    if current_user.is_authenticated:
        db = get_session()
        services.end_sessions(db, db.get(User, current_user.id))
        db.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("modules.catalog"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session of this user is logged out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = db.get(User, current_user.id)  # current_user is a read-only snapshot
        try:
            services.change_password(db, user, form.current_password.data, form.password.data)
        except DomainError as error:
            form.current_password.errors.append(error.message)
        else:
            db.commit()
            _start_session(user)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("modules.dashboard"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def request_reset():
    """Ask for a reset link; the answer is the same whether or not the address exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.find_by_email(db, form.email.data)
        message = _queue_reset_mail(db, user) if user is not None and user.is_active else None
        db.commit()
        if message is not None:
            mail.deliver(message.id)
        flash(
            _(
                "If an account uses that address, a reset link is on its way. "
                "It works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form), 400 if form.errors else 200


def _queue_reset_mail(db, user):
    link = public_url("auth.reset_password", token=tokens.make_reset_token(user))
    subject, body = mail_text(
        user.language,
        "auth/email/reset.txt",
        N_("Reset your %(product)s password"),
        user=user,
        link=link,
    )
    return mail.queue_message(db, user.email, subject, body)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    db = get_session()
    try:
        services.user_for_reset_token(db, token)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", reason=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(db, token, form.password.data)
        db.commit()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set the first password of an account an administrator created (the link is single-use
    and expires after INVITATION_MAX_AGE)."""
    db = get_session()
    try:
        services.user_for_reset_token(db, token, invitation=True)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", reason=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(db, token, form.password.data, invitation=True)
        db.commit()
        flash(_("Your password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/reset_password.html", form=form), status
