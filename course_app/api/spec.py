"""flask-smorest's Api, answering errors as RFC 9457 problem details (course_app.errors
renders them for every /api/ path, so Api's own JSON error handler is not installed)."""

import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

PROBLEM = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    #: Per parameter, what was wrong (422 only).
    errors = fields.Dict()
    #: Why a certificate was not issued (409 on POST /certificates): already-certified,
    #: not-eligible or not-enrolled.
    reason = fields.String()
    #: The valid certificate already held (409 already-certified): its public id.
    certificate = fields.String()


class CourseApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """course_app.errors answers API errors; the app's pages keep their own handler."""

    def _register_pagination_header(self) -> None:
        """Not registered: the API pages with its own cursor (``next_cursor`` in the body),
        never flask-smorest's pagination header, and building that header's schema was the
        costliest step of every app's start."""

    def _register_responses(self) -> None:
        """The standard responses, with errors documented as problem details (one schema
        instance for all of them: marshmallow copies every field on each instantiation)."""
        problem = self.ERROR_SCHEMA()
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = problem
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": problem}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
        self.spec.components.security_scheme(
            "bearer", {"type": "http", "scheme": "bearer", "description": "A personal token"}
        )
