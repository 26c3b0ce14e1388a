"""Domain errors raised by services and rules; views turn them into messages or 403 pages."""


class DomainError(Exception):
    """A rule of the domain refused the request; the message is safe to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccessDenied(DomainError):
    """The user may not do this; rendered as a 403 page that explains why."""
