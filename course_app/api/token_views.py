"""The owner's own API tokens: list, create (the secret shown once) and revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course_app import permissions
from course_app.api import tokens
from course_app.api.forms import TokenForm
from course_app.auth.models import User
from course_app.db import get_session
from course_app.exceptions import DomainError

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _me() -> User:
    permissions.require(permissions.can_manage_tokens(current_user))
    return get_session().get(User, current_user.id)


def _form(user: User, **kwargs) -> TokenForm:
    form = TokenForm(**kwargs)
    form.scopes.choices = [
        (scope, permissions.TOKEN_SCOPES[scope]) for scope in permissions.grantable_scopes(user)
    ]
    return form


def _page(user: User, form: TokenForm, status: int = 200, secret: str | None = None):
    listed = tokens.tokens_of(get_session(), user.id)
    page = render_template("api/tokens.html", form=form, tokens=listed, secret=secret)
    return page, status, {"Cache-Control": "no-store"}


@bp.get("")
@login_required
def index():
    user = _me()
    return _page(user, _form(user, formdata=None))


@bp.post("")
@login_required
def create():
    user, db = _me(), get_session()
    form = _form(user)
    if not form.validate_on_submit():
        return _page(user, form, 400)
    new = tokens.NewToken(form.name.data, form.scopes.data, form.days.data)
    try:
        _token, secret = tokens.create_token(db, user, new, permissions.grantable_scopes(user))
    except DomainError as error:
        db.rollback()
        form.scopes.errors = [error.message]
        return _page(user, form, 400)
    db.commit()
    # Shown on this response only: the page is not cached and the secret is not stored.
    return _page(user, _form(user, formdata=None), 201, secret=secret)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    user, db = _me(), get_session()
    token = tokens.revoke_token(db, user, token_id)
    if token is None:
        abort(404)  # another person's token does not exist for them
    db.commit()
    flash(f"The token “{token.name}” is revoked.", "success")
    return redirect(url_for("api_tokens.index"))
