"""The gradebook's filters as query parameters, read into the gradebook's own ``Filters`` (the
same rules: a filter by status or eligibility reads the one standing rule)."""

from marshmallow import fields, validate

from course_app.api.paging import PageArgs
from course_app.bounded import MAX_ID, bounded_date
from course_app.instructor import gradebook

#: No control characters (PostgreSQL refuses a NUL; nobody's name holds one).
PRINTABLE = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Use no control characters.")
#: An ISO date from the years the gradebook's filters accept (bounded.py): its pattern is in
#: the document, so a client generating dates from it stays within the calendar's range.
DATE = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


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
    enrolled_from = fields.String(validate=validate.Regexp(DATE), metadata={"format": "date"})
    enrolled_to = fields.String(validate=validate.Regexp(DATE), metadata={"format": "date"})


def filters_of(args: dict) -> gradebook.Filters:
    """The gradebook's Filters from validated arguments (a date that is no day, such as
    2026-02-31, filters nothing, as on the page)."""
    return gradebook.Filters(
        cohort_id=args.get("cohort"),
        status=args.get("status"),
        enrolled_from=bounded_date(args.get("enrolled_from")),
        enrolled_to=bounded_date(args.get("enrolled_to")),
        search=args.get("search", "").strip(),
        eligible=args.get("eligible"),
    )
