"""The learner API inside the platform: where JWT_AUTH is configured, edx-drf-extensions' JwtAuthentication (the
MFEs' JWT) authenticates first; without it (the demo) only the session does."""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.jwt.decoder import jwt_decode_handler
from edx_rest_framework_extensions.auth.jwt.tests.utils import (
    generate_jwt,
    generate_jwt_token,
    generate_latest_version_payload,
)
from jwt.algorithms import RSAAlgorithm
from rest_framework_jwt.settings import api_settings

from credential_admin.api import schema, views

URL = "/credentials/api/v1/credentials/"
def public_jwk_set() -> str:
    """An RSA public key set, as the LMS always publishes (JWT_PUBLIC_SIGNING_JWK_SET). edx-drf-extensions tries
    these keys first and, with an empty set, finds nothing to refuse: the LMS never runs without one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return json.dumps({"keys": [{**jwk, "kid": "lms-test"}]})


JWT_AUTH = {  # as the LMS configures it (a symmetric issuer too, as in edx-drf-extensions' own test settings)
    "JWT_ISSUERS": [{"ISSUER": "http://lms.example/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": "lms-secret"}],
    "JWT_ISSUER": "http://lms.example/oauth2", "JWT_AUDIENCE": "lms-key", "JWT_SECRET_KEY": "lms-secret",
    "JWT_ALGORITHM": "HS256", "JWT_VERIFY_AUDIENCE": False,
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
    "JWT_PUBLIC_SIGNING_JWK_SET": public_jwk_set(),
}


def test_the_demo_authenticates_by_session_only():
    assert views.authentication_classes() == [schema.SessionAuthentication]


@pytest.fixture
def platform_jwt(settings, monkeypatch):
    """JWT_AUTH as the LMS sets it; drf-jwt reads its part once, at import, so that part is set on its settings."""
    settings.JWT_AUTH = JWT_AUTH
    monkeypatch.setattr(api_settings, "JWT_DECODE_HANDLER", jwt_decode_handler)
    monkeypatch.setattr(api_settings, "JWT_AUTH_HEADER_PREFIX", "JWT")
    monkeypatch.setattr(api_settings, "JWT_PAYLOAD_GET_USERNAME_HANDLER", lambda payload: payload["preferred_username"])


@pytest.mark.django_db
def test_the_platforms_jwt_authenticates_first(client, platform_jwt):
    assert views.authentication_classes() == [JwtAuthentication, schema.SessionAuthentication]
    prefix = "JWT"
    learner = get_user_model().objects.create_user("mira", "mira@example.com", "pw")
    response = client.get(URL, HTTP_AUTHORIZATION=f"{prefix} {generate_jwt(learner)}")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "mira"
    forged_token = generate_jwt_token(generate_latest_version_payload(learner), signing_key="not-the-lms-secret")
    forged = client.get(URL, HTTP_AUTHORIZATION=f"{prefix} {forged_token}")
    assert forged.status_code == 401
    anonymous = client.get(URL)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith(prefix)
    spec = client.get("/credentials/api/schema/").json()
    assert spec["components"]["securitySchemes"]["jwt"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "JWT <token>; the MFEs send the JWT cookies, which the platform turns into it."}
