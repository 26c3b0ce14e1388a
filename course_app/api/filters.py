"""The gradebook's filters as query parameters, read into the gradebook's own ``Filters`` (the
same rules: a filter by status or eligibility reads the one standing rule)."""

from datetime import date

from marshmallow import fields, validate

from course_app.api.paging import PageArgs
from course_app.bounded import EARLIEST_DATE, LATEST_DATE, MAX_ID
from course_app.instructor import gradebook

#: No control characters (PostgreSQL refuses a NUL; nobody's name holds one).
PRINTABLE = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Use no control characters.")


class RuleArgs(PageArgs):
    """What both the gradebook and the enrolment list filter on."""

    status = fields.String(validate=validate.OneOf(gradebook.STATUSES))
    eligible = fields.Boolean(metadata={"description": "For a certificate (the standing rule)"})
    search = fields.String(
        validate=[validate.Length(max=100), PRINTABLE],
        metadata={"description": "Part of a name, e-mail or registration number"},
    )


class GradebookArgs(RuleArgs):
    cohort = fields.Integer(validate=validate.Range(min=0, max=MAX_ID))
    enrolled_from = fields.Date()
    enrolled_to = fields.Date()


def filters_of(args: dict) -> gradebook.Filters:
    """The gradebook's Filters from validated arguments. Dates are held within the years
    the page's filters accept (bounded.py): a date past them selects as its last day does
    (nobody enrolled after 2999), and date arithmetic never overflows."""
    return gradebook.Filters(
        cohort_id=args.get("cohort"),
        status=args.get("status"),
        enrolled_from=_within(args.get("enrolled_from")),
        enrolled_to=_within(args.get("enrolled_to")),
        search=args.get("search", "").strip(),
        eligible=args.get("eligible"),
    )


def _within(day: date | None) -> date | None:
    return None if day is None else min(max(day, EARLIEST_DATE), LATEST_DATE)
