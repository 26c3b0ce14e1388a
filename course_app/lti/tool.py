"""pylti1p3 wired to this app: registrations read from the database, the OIDC state and
nonce kept in the database, and a launch whose nonce can be used once.

Why the database and not the session cookie: the platform posts the launch from its own
site, and a SameSite=Lax session cookie is not sent with a cross-site POST, so a nonce kept
in the session would be missing at every launch outside the test client.
"""

from datetime import timedelta

from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.lti.keys import tool_keys
from course_app.lti.models import LtiLoginState, LtiPlatform

#: How long a login's state and nonce wait for the launch.
STATE_LIFETIME = timedelta(minutes=10)


def registration_of(platform: LtiPlatform) -> Registration:
    keys = tool_keys()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(keys.private_pem)
        .set_tool_public_key(keys.public_pem)
    )


class DatabaseToolConf(ToolConfAbstract):
    """Every registration in ``lti_platforms``; an issuer may have many client ids."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        query = select(LtiPlatform).where(LtiPlatform.issuer == iss)
        if client_id:
            query = query.where(LtiPlatform.client_id == client_id)
        found = self.session.scalars(query.order_by(LtiPlatform.id).limit(2)).all()
        # Without a client id the issuer must name exactly one registration.
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        platform = self.platform(iss, None)
        return registration_of(platform) if platform else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        return registration_of(platform) if platform else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseStorage(LaunchDataStorage):
    """pylti1p3's key/value launch storage on table ``lti_login_states``."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def get_session_cookie_name(self):
        return None  # keys are random (state, nonce): no per-browser id is needed

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key):
        row = self.session.get(LtiLoginState, self._prepare_key(key))
        return row.value if row is not None and row.expires_at > utcnow() else None

    def set_value(self, key, value, exp=None):
        key = self._prepare_key(key)
        expires = utcnow() + STATE_LIFETIME
        row = self.session.get(LtiLoginState, key)
        if row is None:
            self.session.add(LtiLoginState(key=key, value=value, expires_at=expires))
        else:
            row.value, row.expires_at = value, expires
        self.session.flush()

    def check_value(self, key) -> bool:
        return self.get_value(key) is not None

    def take(self, key) -> bool:
        """Delete the key if it is there and alive; True only for the one caller that did."""
        statement = delete(LtiLoginState).where(
            LtiLoginState.key == self._prepare_key(key), LtiLoginState.expires_at > utcnow()
        )
        return self.session.execute(statement).rowcount == 1


class OneUseSessionService(SessionService):
    """The nonce is taken (deleted) when checked, so a replayed id_token is refused; the
    launch's own data is not kept (nothing here restores a launch later)."""

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.take(self._get_key("nonce", nonce))

    def save_launch_data(self, key, jwt_body) -> None:
        pass


def _services(session: Session, request: FlaskRequest):
    storage = DatabaseStorage(session)
    service = OneUseSessionService(request)
    service.set_data_storage(storage)
    storage.set_request(request)
    return service


def oidc_login(session: Session) -> FlaskOIDCLogin:
    request = FlaskRequest()
    return FlaskOIDCLogin(
        request, DatabaseToolConf(session), session_service=_services(session, request)
    )


class Launch(FlaskMessageLaunch):
    """A launch validated in an order where nothing is spent on a forged token: the nonce
    is taken only once the signature, registration and deployment are known good."""

    def validate(self):
        self._validated = True
        try:
            return (
                self.validate_state()
                .validate_jwt_format()
                .validate_registration()
                .validate_jwt_signature()
                .validate_deployment()
                .validate_message()
                .validate_nonce()
            )
        except Exception:
            self._validated = False
            raise

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce")
        if not nonce or not self._session_service.check_nonce(nonce):
            raise LtiException("This launch was already used or its login expired (nonce).")
        return self


def message_launch(session: Session) -> Launch:
    request = FlaskRequest()
    return Launch(request, DatabaseToolConf(session), session_service=_services(session, request))


def forget_expired(session: Session) -> None:
    session.execute(delete(LtiLoginState).where(LtiLoginState.expires_at <= utcnow()))
