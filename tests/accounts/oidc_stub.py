"""A small OpenID Connect provider for the national eID tests: a real HTTP server on 127.0.0.1.

It serves discovery, JWKS, token and userinfo. The "authorization" step has no HTML: a test reads
the authorization request the portal redirected to, and ``authorize()`` issues a code for it, as a
provider would after the person clicked "allow".
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "portal-test"
CLIENT_SECRET = "s3cret"  # noqa: S105 - a test fixture's secret
TIMEOUT = 5  # seconds: every socket read and the shutdown are bounded


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Grant:
    """A code issued by ``authorize()``, waiting for the token request."""

    redirect_uri: str
    code_challenge: str
    code_challenge_method: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class StubState:
    key: rsa.RSAPrivateKey
    kid: str
    grants: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Knobs for the "bad id token" tests: extra/overridden id token fields, another signing key.
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    signing_key: rsa.RSAPrivateKey | None = None
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .rstrip(b"=")
        .decode("ascii")
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = TIMEOUT
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        stub = self.server.stub
        path = urlsplit(self.path).path
        if path == "/.well-known/openid-configuration":
            self._json(200, stub.configuration())
        elif path == "/jwks":
            self._json(200, stub.jwks())
        elif path == "/userinfo":
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
            with stub.state.lock:
                claims = stub.state.access_tokens.get(token)
            if claims is None:
                self._json(
                    401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                )
            else:
                self._json(200, claims)
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            self._json(404, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 64 * 1024)).decode("utf-8")
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        status, payload = self.server.stub.token(form, authorization=self.headers.get("Authorization"))
        self._json(status, payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stub: OIDCStub


class OIDCStub:
    """The provider. ``url`` is its issuer and the ``server_url`` the portal is configured with."""

    def __init__(self, key: rsa.RSAPrivateKey | None = None) -> None:
        self.state = StubState(key=key or new_rsa_key(), kid=secrets.token_hex(8))
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.stub = self
        self._server.timeout = TIMEOUT
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> OIDCStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=TIMEOUT)

    def reset(self) -> None:
        with self.state.lock:
            self.state.grants.clear()
            self.state.access_tokens.clear()
            self.state.id_token_overrides.clear()
            self.state.signing_key = None
            self.state.token_requests.clear()
            self.state.token_errors.clear()

    # -- documents -------------------------------------------------------------------------------

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.state.key.public_key()))
        jwk.update({"kid": self.state.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    # -- the person clicks "allow" ---------------------------------------------------------------

    def authorize(self, authorization_url: str, claims: dict[str, Any]) -> str:
        """Check the authorization request and return the redirect back to the client (code, state)."""
        parts = urlsplit(authorization_url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{self.url}/authorize", authorization_url
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query.get("client_id") == CLIENT_ID, query
        assert query.get("response_type") == "code", query
        assert "openid" in query.get("scope", "").split(), query
        assert query.get("state"), query
        assert query.get("redirect_uri"), query
        assert query.get("code_challenge_method") == "S256", query
        assert query.get("code_challenge"), query
        code = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.grants[code] = Grant(
                redirect_uri=query["redirect_uri"],
                code_challenge=query["code_challenge"],
                code_challenge_method=query["code_challenge_method"],
                nonce=query.get("nonce"),
                claims=dict(claims),
            )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    # -- token endpoint --------------------------------------------------------------------------

    def _refuse(self, error: str, description: str) -> tuple[int, dict[str, Any]]:
        self.state.token_errors.append(description)
        return 400, {"error": error, "error_description": description}

    def token(self, form: dict[str, str], *, authorization: str | None) -> tuple[int, dict[str, Any]]:
        with self.state.lock:
            self.state.token_requests.append(dict(form))
            if authorization:
                return self._refuse("invalid_client", "client_secret_post only; no Authorization header")
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self._refuse("invalid_client", "wrong client_id or client_secret")
            if form.get("grant_type") != "authorization_code":
                return self._refuse("unsupported_grant_type", "grant_type must be authorization_code")
            grant = self.state.grants.pop(form.get("code", ""), None)  # single use
            if grant is None:
                return self._refuse("invalid_grant", "unknown or used code")
            if form.get("redirect_uri") != grant.redirect_uri:
                return self._refuse("invalid_grant", "redirect_uri differs from the authorization request")
            verifier = form.get("code_verifier", "")
            if not verifier or _s256(verifier) != grant.code_challenge:
                return self._refuse("invalid_grant", "PKCE code_verifier does not match code_challenge")
            access_token = secrets.token_urlsafe(32)
            self.state.access_tokens[access_token] = dict(grant.claims)
            now = int(time.time())
            payload = {
                "iss": self.url,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "auth_time": now,
                **grant.claims,
            }
            if grant.nonce:
                payload["nonce"] = grant.nonce
            payload.update(self.state.id_token_overrides)
            id_token = jwt.encode(
                payload,
                self.state.signing_key or self.state.key,
                algorithm="RS256",
                headers={"kid": self.state.kid},
            )
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
