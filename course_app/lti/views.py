"""The LTI endpoints a platform calls (OIDC login, launch, JWKS) and the deep-linking
picker its instructor sees. Thin: validation is pylti1p3's, the rest is in launches.py."""

import hashlib
import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from pylti1p3.exception import LtiException, OIDCException
from werkzeug.exceptions import BadRequest

from course_app import permissions
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.lti import deep_linking, grades, keys, launches, roster, tool
from course_app.lti.forms import DeepLinkForm
from course_app.security import CONTENT_SECURITY_POLICY, limiter
from course_app.urls import public_url

bp = Blueprint("lti", __name__, url_prefix="/lti")
logger = logging.getLogger(__name__)

#: The session key holding a deep-linking request until the instructor picks.
DEEP_LINK_KEY = "lti_deep_link"


class LaunchRefused(BadRequest):
    for_people = True


def _refuse(reason: str) -> LaunchRefused:
    get_session().rollback()
    return LaunchRefused(_("The LTI launch was refused: %(reason)s", reason=reason))


@bp.get("/jwks")
def jwks():
    """The tool's public key set, for the platforms (deep-linking and token signatures)."""
    return jsonify(keys.jwks())


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LTI_LOGIN_RATE_LIMIT"])
def login():
    """OIDC third-party login initiation: answer the platform with the state and nonce."""
    db = get_session()
    target = request.values.get("target_link_uri", "")
    if target != public_url("lti.launch"):
        raise _refuse(_("the target link is not this tool's launch address."))
    tool.forget_expired(db)
    try:
        response = tool.oidc_login(db).redirect(target)
    except (LtiException, OIDCException) as error:
        raise _refuse(str(error)) from error
    db.commit()
    return response


@bp.post("/launch")
@limiter.limit(lambda: current_app.config["LTI_LOGIN_RATE_LIMIT"])
def launch():
    """A signed id_token from a registered platform: sign its user in and open the link."""
    db = get_session()
    message = tool.message_launch(db)
    try:
        claims = message.get_launch_data()
    except LtiException as error:
        raise _refuse(str(error)) from error
    db.commit()  # the nonce is spent even if what follows refuses the launch
    if message.is_deep_link_launch():
        return _start_deep_linking(db, claims)
    try:
        opened = launches.open_link(db, claims)
    except DomainError as error:
        raise _refuse(error.message) from error
    db.commit()
    _sign_in(opened.user)
    _after_launch(db, opened.link, opened.user, claims)
    endpoint = "modules.course" if opened.locked else "modules.resume"
    return redirect(url_for(endpoint, course_slug=opened.course.slug))


def _sign_in(user) -> None:
    from course_app.lti import SESSION_FLAG

    session.clear()  # a fresh session, as at every login
    login_user(user)
    session[SESSION_FLAG] = True


def _after_launch(db, link, user, claims) -> None:
    """Queue what talks to the platform (grades, roster): the launch never waits for it."""
    from course_app.jobs.queue import submit

    grades.queue_changed(db, grades.grades_of_user(db, user.id))
    if link.memberships_url and launches.is_teaching_launch(claims):
        key = hashlib.sha256(str(claims.get("nonce")).encode()).hexdigest()[:32]
        submit(db, roster.KIND, [link.id], None, f"{link.id}-{key}")


def _start_deep_linking(db, claims):
    if not launches.is_teaching_launch(claims):
        raise _refuse(_("only the platform's instructors choose what a link opens."))
    try:
        user, state = deep_linking.start(db, claims)
    except DomainError as error:
        raise _refuse(error.message) from error
    db.commit()
    _sign_in(user)
    session[DEEP_LINK_KEY] = state
    return redirect(url_for("lti.deep_link"))


def _picker_state() -> dict:
    state = session.get(DEEP_LINK_KEY) or {}
    permissions.require(
        permissions.can_pick_deep_link(current_user, state.get("user")),
        _("Open this page from your platform's “add content” (deep linking) screen."),
    )
    return state


@bp.route("/deep-link", methods=["GET", "POST"])
@login_required
def deep_link():
    """The platform's instructor picks a course or module; the answer goes back signed."""
    state = _picker_state()
    db = get_session()
    form = DeepLinkForm()
    form.target.choices = deep_linking.choices(db)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("lti/deep_link.html", form=form), status
    answer = deep_linking.response_jwt(db, state, form.target.data)
    session.pop(DEEP_LINK_KEY, None)
    return_url = state["settings"]["deep_link_return_url"]
    page = render_template("lti/deep_link_return.html", return_url=return_url, jwt=answer)
    return page, 200, {"Content-Security-Policy": _posting_to(return_url)}


def _posting_to(url: str) -> str:
    """The page's policy, letting its one form post to the platform's return address."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")
