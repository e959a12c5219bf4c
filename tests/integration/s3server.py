"""The integration suite's S3 API server: moto in server mode with IAM authentication on, plus presigned URLs.

Run as ``python -m tests.integration.s3server PORT`` with ``INITIAL_NO_AUTH_ACTION_COUNT`` set (moto's switch
for authentication: after that many unauthenticated IAM calls, every request must carry a valid SigV4 signature
from an IAM user whose policy allows the action; anonymous requests get 403).

moto 5 checks header-signed requests only: a presigned (query-signed) GET reaches its IAM check without an
Authorization header and fails with a 500. So this module puts a small WSGI layer in front of moto that checks
SigV4 query authentication as S3 does — the signature must match the IAM user's secret and ``X-Amz-Date +
X-Amz-Expires`` must not be past (else 403 "Request has expired") — and hands a valid request on to moto signed
with the same user's key in the header form, so moto's own IAM policy check still decides.
"""
from __future__ import annotations

import hashlib
import hmac
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

QUERY_AUTH = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
              "X-Amz-Signature", "X-Amz-Security-Token")


def _secret_for(access_key_id: str) -> str | None:
    from moto.iam.models import iam_backends

    for account in list(iam_backends.values()):
        for backend in list(account.values()):
            key = backend.access_keys.get(access_key_id)
            if key is not None:
                return key.secret_access_key
    return None


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def expected_signature(environ: dict, params: list[tuple[str, str]], secret: str) -> str:
    """The SigV4 query-string signature of this request, computed as S3 does."""
    values = dict(params)
    signed_headers = values["X-Amz-SignedHeaders"].split(";")
    path = environ.get("REQUEST_URI", environ.get("RAW_URI", environ["PATH_INFO"])).split("?", 1)[0]
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params) if k != "X-Amz-Signature")
    headers = "".join(f"{name}:{environ.get('HTTP_' + name.upper().replace('-', '_'), '').strip()}\n"
                      for name in signed_headers)
    canonical = "\n".join([environ["REQUEST_METHOD"], path, query, headers, ";".join(signed_headers),
                           "UNSIGNED-PAYLOAD"])
    _key_id, day, region, service, terminal = values["X-Amz-Credential"].split("/")
    scope = "/".join([day, region, service, terminal])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", values["X-Amz-Date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), day), region), service), terminal)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class PresignedQueryAuth:
    """WSGI middleware: check SigV4 query authentication, then let moto authorise the request."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        params = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if "X-Amz-Signature" not in dict(params):
            return self.app(environ, start_response)
        problem = self.check(environ, params)
        if problem:
            body = (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{problem[0]}</Code>"
                    f"<Message>{problem[1]}</Message></Error>").encode()
            start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
            return [body]
        self.sign_for_moto(environ, params)
        return self.app(environ, start_response)

    @staticmethod
    def check(environ, params) -> tuple[str, str] | None:
        values = dict(params)
        try:
            access_key_id, _day, region, _service, _terminal = values["X-Amz-Credential"].split("/")
            signed_at = datetime.strptime(values["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            expires = int(values["X-Amz-Expires"])
        except (KeyError, ValueError):
            return "AuthorizationQueryParametersError", "Malformed query-string authentication."
        if values.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or not 1 <= expires <= 604800:
            return "AuthorizationQueryParametersError", "Unsupported algorithm or expiry."
        if datetime.now(UTC) > signed_at + timedelta(seconds=expires):
            return "AccessDenied", "Request has expired"
        secret = _secret_for(access_key_id)
        if secret is None:
            return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
        if not hmac.compare_digest(expected_signature(environ, params, secret), values["X-Amz-Signature"]):
            return "SignatureDoesNotMatch", "The request signature we calculated does not match."
        environ["presigned.region"] = region
        environ["presigned.credentials"] = Credentials(access_key_id, secret)
        return None

    @staticmethod
    def sign_for_moto(environ, params) -> None:
        rest = urlencode([(k, v) for k, v in params if k not in QUERY_AUTH], quote_via=quote)
        path = environ.get("REQUEST_URI", environ["PATH_INFO"]).split("?", 1)[0]
        host = environ["HTTP_HOST"]
        url = f"http://{host}{path}" + (f"?{rest}" if rest else "")
        request = AWSRequest(method=environ["REQUEST_METHOD"], url=url, headers={"Host": host})
        S3SigV4Auth(environ["presigned.credentials"], "s3", environ["presigned.region"]).add_auth(request)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256"):
            environ["HTTP_" + name.upper().replace("-", "_")] = request.headers[name]
        environ["QUERY_STRING"] = rest
        for uri_key in ("REQUEST_URI", "RAW_URI"):
            if uri_key in environ:
                environ[uri_key] = path + (f"?{rest}" if rest else "")


def main(port: int) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.server import MotoRequestHandler
    from werkzeug.serving import run_simple

    app = PresignedQueryAuth(DomainDispatcherApplication(create_backend_app))
    run_simple("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main(int(sys.argv[1]))
