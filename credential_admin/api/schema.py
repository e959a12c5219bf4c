"""How the API authenticates, as its OpenAPI description states it: the session cookie, and the platform's JWT
(edx-drf-extensions' ``JwtAuthentication``, whose MFE cookie the platform's middleware turns into this header)."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """The session, answering 401 (not 403) to anonymous callers, with a scheme they can act on."""

    def authenticate_header(self, request) -> str:
        return 'Session realm="credentials"'


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "The site's session; unsafe methods also need the X-CSRFToken header."}


class JwtScheme(OpenApiAuthenticationExtension):
    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    name = "jwt"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "JWT <token>; the MFEs send the JWT cookies, which the platform turns into it."}
