"""An LTI 1.3 platform for the tests, built on ``lti1p3platform`` (a platform library
nobody here wrote): it starts launches and deep links with id_tokens it signs, and serves
over real HTTP on 127.0.0.1 what a tool calls back — its key set, the OAuth2
client-credentials token endpoint (the tool's signed client assertion checked against the
tool's published JWKS), the AGS score endpoint of a line item and the NRPS roster.
"""

import threading
import typing as t
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as PlatformRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)
from werkzeug.serving import make_server

CLIENT_ID = "course-app-tool"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "context-42"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def new_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.registration_data: Registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.registration_data


class ParamsRequest(PlatformRequest):
    """The library's request object, built from what a browser brought (query or form)."""

    def build_metadata(self, request: t.Any):
        return {
            "method": request.get("method", "GET"),
            "form_data": request.get("form", {}),
            "get_data": request.get("args", {}),
            "headers": request.get("headers", {}),
            "content_type": request.get("content_type"),
            "path": request.get("path", "/"),
            "json": request.get("json"),
        }


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data  # the form's fields: id_token, state, and where it posts


class Grades(AssignmentsGradesService):
    """The score endpoint of line items; what it took is kept in ``Platform.scores``."""

    platform: "Platform"

    def update_score(self, line_item_id, score):
        if line_item_id not in self.platform.line_items:
            from lti1p3platform.exceptions import LineItemNotFoundException

            raise LineItemNotFoundException()
        self.platform.scores.append({"line_item": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args, **kwargs):
        raise NotImplementedError

    def find_lineitem(self, line_item_id):
        raise NotImplementedError

    def create_lineitem(self, creation_data):
        raise NotImplementedError

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def get_results(self, *args, **kwargs):
        raise NotImplementedError


class Roster(NamesRoleProvisioningService):
    platform: "Platform"

    def get_member_data_page(self, **kwargs):
        return {"content": list(self.platform.members), "has_next": False, "next": None}

    def get_context_by_id(self):
        return Context(id=CONTEXT_ID, label="PT-CE", title="Physiotherapy CE")


class Platform:
    """One platform with one tool registered; ``serve()`` starts its HTTP endpoints."""

    def __init__(self, tool_base: str, tool_jwks: dict) -> None:
        self.private_key = new_private_key()
        self.tool_base = tool_base
        self.scores: list[dict] = []
        self.members: list[dict] = []
        self.line_items = {"item-1"}
        self.http = Flask("lti-platform")
        self._routes()
        self.server = make_server("127.0.0.1", 0, self.http, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = self.base
        self.registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(tool_base + "/lti/login")
            .set_launch_url(tool_base + "/lti/launch")
            .set_deeplink_launch_url(tool_base + "/lti/launch")
            .set_platform_public_key(public_of(self.private_key))
            .set_platform_private_key(self.private_key)
            # What the tool publishes at /lti/jwks, fetched by the test from the tool.
            .set_tool_key_set(tool_jwks)
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- what the registering administrator types into the tool's form
    def registration_form(self) -> dict[str, str]:
        return {
            "name": "Test LMS",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "auth_login_url": self.base + "/auth",
            "auth_token_url": self.base + "/token",
            "key_set_url": self.base + "/jwks",
        }

    def conf(self) -> PlatformConf:
        conf = PlatformConf(registration=self.registration)
        conf.get_registration()
        return conf

    # --- the browser's side of a launch
    def login_url(self, user_id: str, hint: str = "resource-link-1") -> str:
        login = Login(None, self.conf())
        login.set_lti_message_hint(hint=hint)
        return login.initiate_login(user_id)

    def authorize(self, tool_redirect: str, claims: "LaunchClaims") -> dict:
        """The platform's authorization endpoint: the tool's redirect (with its state,
        nonce and redirect_uri) answered with the signed id_token the browser posts."""
        query = dict(parse_qsl(urlsplit(tool_redirect).query))
        launch = Launch(ParamsRequest({"args": query}), self.conf())
        claims.apply(launch, self)
        return launch.lti_launch()

    # --- endpoints the tool calls
    def _routes(self) -> None:
        http = self.http

        @http.get("/jwks")
        def jwks():
            return jsonify(self.conf().get_jwks())

        @http.post("/token")
        def token():
            try:
                return jsonify(self.conf().get_access_token(request.form.to_dict()))
            except Exception as error:  # what the library refuses: 400, as OAuth2 says
                return jsonify({"error": "invalid_client", "detail": str(error)}), 400

        @http.post("/lineitems/<item>/scores")
        def scores(item):
            service = Grades(self._request(), self.conf(), self.base + "/lineitems")
            service.platform = self
            return self._answer(service.handle_resp(service.handle_update_score, line_item_id=item))

        @http.get("/memberships")
        def memberships():
            service = Roster(self._request(), self.conf(), self.base + "/memberships")
            service.platform = self
            return self._answer(service.handle_resp(service.handle_get_members))

    def _request(self) -> ParamsRequest:
        return ParamsRequest(
            {
                "method": request.method,
                "args": request.args.to_dict(),
                "headers": dict(request.headers),
                "content_type": request.content_type,
                "json": request.get_json(silent=True, force=True),
                "path": request.path,
            }
        )

    @staticmethod
    def _answer(response):
        body = response.result if response.result is not None else {"message": response.message}
        return jsonify(body), response.code

    def __enter__(self) -> "Platform":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)


class LaunchClaims:
    """What one launch says: who, in which role, which link, and which services."""

    def __init__(self, sub: str, roles: list[str], **options: t.Any) -> None:
        self.sub, self.roles, self.options = sub, roles, options

    def apply(self, launch: Launch, platform: Platform) -> None:
        o = self.options
        launch.set_user_data(self.sub, self.roles, o.get("name", "Robin Platform"), o.get("email"))
        launch.set_launch_context_claim(CONTEXT_ID, context_title="Physiotherapy CE")
        if o.get("deep_link"):
            launch.set_dl(platform.base + "/deep-link-return", title="Add content")
            return
        launch.set_resource_link_claim(o.get("resource_link", "resource-link-1"))
        if o.get("custom"):
            launch.set_custom_parameters_claim(o["custom"])
        launch.set_ags(
            platform.base + "/lineitems",
            platform.base + "/lineitems/item-1",
            allow_creating_lineitems=False,
        )
        launch.set_nrps(platform.base + "/memberships")
        if "expires_in" in o:
            launch.set_id_token_expiration(o["expires_in"])
