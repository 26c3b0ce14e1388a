"""The outbox as administrators read it: filtered and paged in SQL, newest first."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from course_app.listing import Page, page_of
from course_app.mail.models import OutboxMessage

#: What the status filter accepts; anything else means "any".
STATUSES = ("sent", "waiting", "failed")


@dataclass(frozen=True)
class OutboxFilters:
    """Part of the recipient or subject (case-insensitive), and a delivery status."""

    text: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, text: str | None, status: str | None) -> "OutboxFilters":
        """Filters from a query string: long text is cut, an unknown status ignored."""
        return cls(" ".join((text or "").split())[:200], status if status in STATUSES else "")


def _filtered(query: Select, filters: OutboxFilters) -> Select:
    if filters.text:
        text = filters.text.lower()  # % and _ are text, not wildcards
        query = query.where(
            or_(
                func.lower(OutboxMessage.recipient).contains(text, autoescape=True),
                func.lower(OutboxMessage.subject).contains(text, autoescape=True),
            )
        )
    if filters.status == "sent":
        query = query.where(OutboxMessage.sent_at.is_not(None))
    elif filters.status == "waiting":
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_(None))
    elif filters.status == "failed":
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_not(None))
    return query


def outbox_page(
    session: Session, filters: OutboxFilters, requested: int | None
) -> tuple[list[OutboxMessage], Page]:
    """One page of the messages matching ``filters``, newest first, and the page."""
    total = session.scalar(_filtered(select(func.count(OutboxMessage.id)), filters))
    page = page_of(total, requested)
    query = _filtered(select(OutboxMessage), filters).order_by(OutboxMessage.id.desc())
    return list(session.scalars(query.limit(page.size).offset(page.offset))), page
