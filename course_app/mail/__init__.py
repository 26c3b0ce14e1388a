"""Outgoing e-mail through an outbox table.

Every message is written to ``outbox_messages`` in the request's transaction. Without a mail
server (the default) it is also written to the server log, and administrators read it at
``/admin/outbox``. With ``MAIL_SERVER`` set, :func:`deliver` sends it over SMTP after the commit.
"""

from course_app.mail.services import deliver, queue_message

__all__ = ["deliver", "queue_message"]
