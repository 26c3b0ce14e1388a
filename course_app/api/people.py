"""GET /users: every account, for an administrator's token with admin:users."""

from flask_smorest import Blueprint
from sqlalchemy import select

from course_app import permissions
from course_app.api import paging
from course_app.api.auth import SECURITY, token_user
from course_app.api.schemas import UserPageSchema
from course_app.auth.models import User
from course_app.db import get_session
from course_app.i18n import N_

blp = Blueprint("api_users", __name__, description="Accounts (administrators)")


@blp.route("/users")
@blp.doc(security=SECURITY)
@blp.arguments(paging.PageArgs, location="query", as_kwargs=True)
@blp.response(200, UserPageSchema)
def users(**args):
    """Every account, by id."""
    user = token_user("admin:users")
    permissions.require(permissions.can_list_users(user), N_("Only administrators list accounts."))
    return paging.page(get_session(), select(User), User.id, args)
