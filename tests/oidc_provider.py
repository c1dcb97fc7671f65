"""A tiny OpenID Connect provider on loopback, for testing Synapse's SSO: no login page."""

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

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(n: int) -> str:
    return _b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


@dataclass
class _Grant:
    nonce: str | None
    redirect_uri: str
    challenge: str | None
    user: dict[str, Any]
    expires: float = field(default_factory=lambda: time.time() + 60)


class OidcProvider:
    """Signs in `self.user` at once on /authorize (the test sets it per login), issues RS256
    id_tokens, and checks what a real provider checks: client, redirect URI, code, PKCE."""

    def __init__(self, client_id: str = "synapse", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(16)
        self.redirect_uris: set[str] = set()  # empty: any (set once Synapse's URL is known)
        self.user: dict[str, Any] = {"sub": "u-1", "preferred_username": "oidc.user"}
        self.authorizations = 0
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = secrets.token_hex(4)
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> OidcProvider:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="oidc-provider", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- protocol ----------------------------------------------------------------------------

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()
        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self._kid}
        return {"keys": [key | {"n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}]}

    def sign(self, claims: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self._kid}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64(signature)}"

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect_uri:
            return 400, {}, b"unknown client"
        if self.redirect_uris and redirect_uri not in self.redirect_uris:
            return 400, {}, b"redirect_uri not registered"
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return _redirect(redirect_uri, error="invalid_request", state=query.get("state"))
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return _redirect(redirect_uri, error="invalid_request", state=query.get("state"))
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.authorizations += 1
            self._grants[code] = _Grant(
                query.get("nonce"), redirect_uri, query.get("code_challenge"), dict(self.user)
            )
        return _redirect(redirect_uri, code=code, state=query.get("state"))

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.expires < time.time()
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return 400, {"error": "invalid_grant"}
        if grant.challenge is not None:
            verifier = form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode()).digest()) != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": grant.user["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
        } | grant.user
        if grant.nonce:
            claims["nonce"] = grant.nonce
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant.user
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.sign(claims),
        }

    def userinfo(self, authorization: str | None) -> tuple[int, dict]:
        token = (authorization or "").removeprefix("Bearer ")
        with self._lock:
            user = self._tokens.get(token)
        return (200, user) if user else (401, {"error": "invalid_token"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet in test output
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._json(200, provider.configuration())
                elif parts.path == "/jwks":
                    self._json(200, provider.jwks())
                elif parts.path == "/authorize":
                    self._send(*provider.authorize(query))
                elif parts.path == "/userinfo":
                    self._json(*provider.userinfo(self.headers.get("Authorization")))
                else:
                    self._send(404, {}, b"not found")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self._json(*provider.token(form, self.headers.get("Authorization")))
                else:
                    self._send(404, {}, b"not found")

            def _json(self, status: int, body: dict) -> None:
                self._send(status, {"Content-Type": "application/json"}, json.dumps(body).encode())

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        return Handler


def _redirect(uri: str, **params: str | None) -> tuple[int, dict[str, str], bytes]:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if urlsplit(uri).query else "?"
    return 302, {"Location": f"{uri}{separator}{query}"}, b""
