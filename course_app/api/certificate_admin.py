"""POST /certificates and /certificates/{public_id}/revoke: an administrator's token with
admin:certificates issues and revokes through the same services as the queue's pages (the
same eligibility check, the same audit entries and notifications)."""

from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from course_app import permissions
from course_app.api.auth import SECURITY, with_scope
from course_app.api.schemas import CertificateSchema
from course_app.api.slugs import course_or_404
from course_app.api.spec import PROBLEM, ProblemSchema
from course_app.bounded import MAX_ID
from course_app.certificates import services
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session
from course_app.errors import problem
from course_app.exceptions import DomainError
from course_app.modules.models import SLUG_LENGTH
from course_app.toml_source import SLUG_PATTERN

blp = Blueprint("api_certificate_admin", __name__, description="Issue and revoke (administrators)")

SCOPE = "admin:certificates"


class IssueArgs(Schema):
    course = fields.String(
        required=True,
        validate=[validate.Length(max=SLUG_LENGTH), validate.Regexp(SLUG_PATTERN.pattern)],
        metadata={"description": "The course's slug"},
    )
    learner_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class RevokeArgs(Schema):
    reason = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=500), validate.Regexp(r"\S")],
        metadata={"description": "Shown on the public verification page"},
    )


def _admin(user) -> None:
    allowed = permissions.can_manage_certificates(user)
    permissions.require(allowed, "Only administrators issue and revoke certificates.")


@blp.route("/certificates", methods=["POST"])
@blp.doc(security=SECURITY)
@with_scope(SCOPE)  # before the body is read: no token is a 401, whatever the body
@blp.arguments(IssueArgs)
@blp.response(201, CertificateSchema)
@blp.alt_response(
    409,
    schema=ProblemSchema,
    content_type=PROBLEM,
    description="Not issued: `reason` is already-certified, not-eligible (the detail says "
    "what is missing) or not-enrolled",
)
def issue(args, user):
    """Issue a learner's certificate if the standing rule says they are eligible. Sent twice,
    the second is a 409 (already-certified): a retry never issues two."""
    _admin(user)
    db = get_session()
    course = course_or_404(args["course"])
    try:
        cert = services.issue(db, course, args["learner_id"], current_issuer(), user.id)
    except services.NotEligible as error:
        db.rollback()
        # The learner's state, not the request, stands in the way: a conflict (409), with
        # which one in a problem details extension member a script can branch on.
        held = {"certificate": error.public_id} if _held(error) else {}
        return problem(409, error.message, title="Not issued", reason=_reason(error), **held)
    db.commit()
    return cert


def _held(error: services.NotEligible) -> bool:
    return isinstance(error, services.AlreadyCertified) and error.public_id is not None


def _reason(error: services.NotEligible) -> str:
    if isinstance(error, services.AlreadyCertified):
        return "already-certified"
    return "not-enrolled" if isinstance(error, services.NotEnrolled) else "not-eligible"


@blp.route("/certificates/<public_id>/revoke", methods=["POST"])
@blp.doc(security=SECURITY)
@with_scope(SCOPE)
@blp.arguments(RevokeArgs)
@blp.response(200, CertificateSchema)
@blp.alt_response(
    409,
    schema=ProblemSchema,
    content_type=PROBLEM,
    description="The certificate is not valid (already revoked…)",
)
def revoke(args, public_id: str, user):
    """Revoke a valid certificate, with the reason shown on its public page."""
    _admin(user)
    db = get_session()
    cert = services.find(db, public_id) if len(public_id) <= 40 else None
    if cert is None:
        abort(404, "No such certificate.")
    try:
        services.revoke(db, cert, args["reason"], user.id)
    except DomainError as error:
        db.rollback()
        abort(409, error.message)
    db.commit()
    return cert
