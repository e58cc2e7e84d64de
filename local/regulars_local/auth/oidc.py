"""The local runtime's OpenID Connect provider: a stand-in for Cognito's managed login, so that the
console signs in locally exactly as in AWS, by the authorization code flow with PKCE (oidc-client-ts).

Its authority is ``<runtime>/local/oidc``, which is also the ``iss`` of the ID tokens the API's local
authorizer accepts: the discovery document is at ``<authority>/.well-known/openid-configuration``.
The sign-in page asks for the e-mail and password of a user of the local user pool
(:class:`~regulars_local.auth.users.UserStore`), and for a new password when the password was an
invitation's temporary one (Cognito's NEW_PASSWORD_REQUIRED). It does not play the second factor that
managed login asks for in AWS.

One public client (the ID tokens' audience) is known; every redirect must stay on the runtime's own
origin (an authorize or logout link that sends the browser elsewhere is an open redirect). Codes are
single-use, live five minutes and are bound to the client, the redirect URI and the PKCE challenge.
The pending sign-in pages, codes and refresh tokens live in memory: a restart forgets them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from regulars_local.auth import pages
from regulars_local.auth.tokens import DEFAULT_TTL, LocalIssuer, Unauthorized
from regulars_local.auth.users import LocalSignIn, LocalUser, NewPasswordRequired
from regulars_local.emulator.gateway import Request, Response, json_response

PATH = "/local/oidc"
CODE_TTL = 300.0  # seconds, as Cognito's authorization codes
PAGE_TTL = 900.0  # how long a sign-in page can be answered
REFRESH_TTL = 12 * 3600.0  # as the template's user pool client (RefreshTokenValidity)
SCOPES = ("openid", "email")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


class OAuthError(Exception):
    """An answer in OAuth's error shape: ``{"error": code, "error_description": ...}``."""

    def __init__(self, code: str, description: str, status: int = 400):
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


@dataclass
class PendingSignIn:
    """A sign-in page shown for an authorization request, until it is answered or expires."""

    client_id: str
    redirect_uri: str
    state: str
    code_challenge: str
    scope: str
    nonce: str
    lang: str
    expires: float
    email: str = ""  # once the password was right but temporary: whose it was
    temporary_password: str = field(default="", repr=False)


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    nonce: str
    email: str
    auth_time: int
    expires: float


@dataclass(frozen=True)
class Session:
    """What a refresh token stands for."""

    client_id: str
    email: str
    scope: str
    auth_time: int
    expires: float


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _single(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The parameters by name; a repeated one is refused, as OAuth requires."""
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in found:
            raise OAuthError("invalid_request", f"{name} is given more than once")
        found[name] = value
    return found


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in params.items() if v]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _redirect(location: str) -> Response:
    return Response(302, [("Location", location), *NO_STORE], b"")


class OidcProvider:
    """The endpoints under :data:`PATH`, by path and method (see :meth:`routes`)."""

    def __init__(
        self,
        issuer: LocalIssuer,
        base_url: str,
        sign_in: Callable[[], LocalSignIn | None],
        *,
        ttl: timedelta = DEFAULT_TTL,
        now: Callable[[], float] = time.time,
    ):
        self.issuer = issuer
        self.base_url = base_url.rstrip("/")
        self.client_id = issuer.audience
        self._sign_in = sign_in
        self.ttl = ttl
        self._now = now
        self._lock = threading.Lock()
        self._pending: dict[str, PendingSignIn] = {}
        self._codes: dict[str, Grant] = {}
        self._used: dict[str, tuple[float, list[str]]] = {}  # a redeemed code: the refresh tokens it gave
        self._sessions: dict[str, Session] = {}

    @property
    def authority(self) -> str:
        return self.issuer.issuer

    def routes(self) -> dict[str, dict[str, Callable[[Request], Response]]]:
        return {
            f"{PATH}/.well-known/openid-configuration": {"GET": self.configuration},
            f"{PATH}/.well-known/jwks.json": {"GET": self.jwks},
            f"{PATH}/jwks": {"GET": self.jwks},
            f"{PATH}/authorize": {"GET": self.authorize, "POST": self.answer},
            f"{PATH}/token": {"POST": self.token, "OPTIONS": self.preflight},
            f"{PATH}/revoke": {"POST": self.revoke, "OPTIONS": self.preflight},
            f"{PATH}/logout": {"GET": self.logout},
        }

    # --- documents ---------------------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        authority = self.authority
        return {
            "issuer": authority,
            "authorization_endpoint": f"{authority}/authorize",
            "token_endpoint": f"{authority}/token",
            "jwks_uri": f"{authority}/jwks",
            "end_session_endpoint": f"{authority}/logout",
            "revocation_endpoint": f"{authority}/revoke",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": ["none"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "email",
                "email_verified",
                "cognito:username",
                "custom:salon_id",
                "custom:role",
            ],
            "ui_locales_supported": list(pages.LANGUAGES),
        }

    def configuration(self, request: Request) -> Response:
        return json_response(200, self.metadata(), self._cors(request))

    def jwks(self, request: Request) -> Response:
        return json_response(200, self.issuer.jwks(), self._cors(request))

    # --- origins -----------------------------------------------------------------------------------------
    def origins(self, request: Request) -> set[str]:
        """The origins this runtime answers on: its own URL's, the one the request came to, and, for a
        runtime on loopback, the other loopback names of its port."""
        base = urlsplit(self.base_url)
        allowed = {f"{base.scheme}://{base.netloc}".lower()}
        if (base.hostname or "") in ("127.0.0.1", "localhost", "::1"):
            allowed |= {f"{base.scheme}://{host}:{base.port}" for host in LOOPBACK}
        host = request.header("Host")
        if host and re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
            allowed.add(f"{base.scheme}://{host}".lower())
        return allowed

    def _same_origin(self, url: str, request: Request) -> bool:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.fragment:
            return False
        default = {"http": 80, "https": 443}[parts.scheme]
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        origin = f"{parts.scheme}://{host}" + ("" if port in (None, default) else f":{port}")
        return origin.lower() in self.origins(request)

    def _cors(self, request: Request) -> list[tuple[str, str]]:
        origin = request.header("Origin")
        if origin and origin.lower() in self.origins(request):
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return [("Vary", "Origin")]

    # --- the sign-in page --------------------------------------------------------------------------------
    def authorize(self, request: Request) -> Response:
        """The authorization request: the sign-in page, or an error (on a page when the client or the
        redirect URI is wrong, else back at the redirect URI)."""
        accept = request.header("Accept-Language")
        try:
            params = _single(request.query)
        except OAuthError as exc:
            return self._refused(pages.choose_language(None, None, accept), exc.description)
        lang = pages.choose_language(params.get("lang"), params.get("ui_locales"), accept)
        if params.get("client_id") != self.client_id:
            return self._refused(lang, f"client_id: not a client of this sign-in ({self.client_id} is)")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri:
            return self._refused(lang, "redirect_uri: required")
        if not self._same_origin(redirect_uri, request):
            return self._refused(lang, "redirect_uri: must be on this runtime's own origin")
        state = params.get("state", "")

        def back(error: str, description: str) -> Response:
            return _redirect(
                _with_query(redirect_uri, {"error": error, "error_description": description, "state": state})
            )

        if params.get("response_type") != "code":
            return back("unsupported_response_type", "response_type must be code")
        if params.get("response_mode", "query") != "query":
            return back("invalid_request", "response_mode must be query")
        scopes = params.get("scope", "").split()
        if "openid" not in scopes:
            return back("invalid_scope", "scope must include openid")
        if not state:
            return back("invalid_request", "state is required")
        if params.get("code_challenge_method") != "S256":
            return back("invalid_request", "code_challenge_method must be S256 (PKCE is required)")
        if not _CHALLENGE.fullmatch(params.get("code_challenge", "")):
            return back("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)")
        if "none" in params.get("prompt", "").split():
            return back("login_required", "this sign-in keeps no session: the user must sign in")
        pending = PendingSignIn(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=params["code_challenge"],
            scope=" ".join(s for s in SCOPES if s in scopes),
            nonce=params.get("nonce", ""),
            lang=lang,
            expires=self._now() + PAGE_TTL,
        )
        key = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            self._pending[key] = pending
        languages = {
            code: _with_query(f"{PATH}/authorize", {**params, "lang": code}) for code in pages.LANGUAGES
        }
        return self._password_page(request, key, pending, params.get("login_hint", ""), languages=languages)

    def answer(self, request: Request) -> Response:
        """The sign-in page's form: a code back at the redirect URI, or the page again with its errors."""
        accept = request.header("Accept-Language")
        if not self._from_this_site(request):
            return self._refused(
                pages.choose_language(None, None, accept), "the form was sent from another site", 403
            )
        try:
            form = _single(parse_qsl(request.body.decode(), keep_blank_values=True))
        except (OAuthError, UnicodeDecodeError):
            form = {}
        key = form.get("request", "")
        with self._lock:
            pending = self._pending.get(key)
            if pending is not None and pending.expires <= self._now():
                del self._pending[key]
                pending = None
        if pending is None:
            lang = pages.choose_language(None, None, accept)
            text = pages.TEXT[lang]
            body = pages.message_page(lang, text["expired_title"], text["expired"])
            return self._html(400, body, request)
        sign_in = self._sign_in()
        if sign_in is None:
            return self._refused(pending.lang, "there is no user pool here")
        text = pages.TEXT[pending.lang]
        if pending.email:
            return self._new_password(request, key, pending, sign_in, form)
        email, password = form.get("email", "").strip(), form.get("password", "")
        if not email or not password:
            return self._password_page(
                request,
                key,
                pending,
                email,
                email_error="" if email else text["email_required"],
                password_error="" if password else text["password_required"],
            )
        try:
            user = sign_in.users.authenticate(email, password)
        except NewPasswordRequired:
            with self._lock:
                self._pending[key] = pending = replace(pending, email=email, temporary_password=password)
            return self._new_password_page(request, key, pending, sign_in)
        except Unauthorized:
            return self._password_page(request, key, pending, email, password_error=text["incorrect"])
        return self._signed_in(key, pending, user)

    def _new_password(
        self,
        request: Request,
        key: str,
        pending: PendingSignIn,
        sign_in: LocalSignIn,
        form: Mapping[str, str],
    ) -> Response:
        text = pages.TEXT[pending.lang]
        new, again = form.get("new_password", ""), form.get("new_password_again", "")
        if not new:
            return self._new_password_page(request, key, pending, sign_in, new_error=text["new_required"])
        if new != again:
            return self._new_password_page(request, key, pending, sign_in, again_error=text["mismatch"])
        try:
            user = sign_in.users.authenticate(pending.email, pending.temporary_password, new)
        except ValueError:  # the pool's password policy refused it
            rule = pages.password_rule(sign_in.users.password_policy(), pending.lang)
            return self._new_password_page(request, key, pending, sign_in, new_error=rule)
        except Unauthorized:  # the temporary password is no longer the user's: start again
            with self._lock:
                self._pending[key] = pending = replace(pending, email="", temporary_password="")
            return self._password_page(request, key, pending, "", password_error=text["incorrect"])
        return self._signed_in(key, pending, user)

    def _signed_in(self, key: str, pending: PendingSignIn, user: LocalUser) -> Response:
        code = secrets.token_urlsafe(32)
        now = self._now()
        with self._lock:
            self._pending.pop(key, None)
            self._codes[code] = Grant(
                client_id=pending.client_id,
                redirect_uri=pending.redirect_uri,
                code_challenge=pending.code_challenge,
                scope=pending.scope,
                nonce=pending.nonce,
                email=user.email,
                auth_time=int(now),
                expires=now + CODE_TTL,
            )
        return _redirect(_with_query(pending.redirect_uri, {"code": code, "state": pending.state}))

    def _password_page(
        self,
        request: Request,
        key: str,
        pending: PendingSignIn,
        email: str,
        *,
        email_error: str = "",
        password_error: str = "",
        languages: Mapping[str, str] | None = None,
    ) -> Response:
        text = pages.TEXT[pending.lang]
        body = pages.form_page(
            pending.lang,
            text["heading"],
            text["local"],
            f"{PATH}/authorize",
            {"request": key},
            [
                pages.Field("email", text["email"], "email", "username", email, email_error),
                pages.Field("password", text["password"], "password", "current-password", "", password_error),
            ],
            text["submit"],
            languages,
        )
        return self._html(200, body, request)

    def _new_password_page(
        self,
        request: Request,
        key: str,
        pending: PendingSignIn,
        sign_in: LocalSignIn,
        *,
        new_error: str = "",
        again_error: str = "",
    ) -> Response:
        text = pages.TEXT[pending.lang]
        rule = pages.password_rule(sign_in.users.password_policy(), pending.lang)
        body = pages.form_page(
            pending.lang,
            text["new_title"],
            text["new_intro"],
            f"{PATH}/authorize",
            {"request": key},
            [
                pages.Field(
                    "new_password", text["new_password"], "password", "new-password", "", new_error, rule
                ),
                pages.Field(
                    "new_password_again",
                    text["new_password_again"],
                    "password",
                    "new-password",
                    "",
                    again_error,
                ),
            ],
            text["new_submit"],
        )
        return self._html(200, body, request)

    def _from_this_site(self, request: Request) -> bool:
        """Whether a form post comes from a page of this runtime (browsers name the sending origin)."""
        if (request.header("Sec-Fetch-Site") or "same-origin") not in ("same-origin", "none"):
            return False
        origin = request.header("Origin")
        return origin is None or origin.lower() in self.origins(request)

    def _refused(self, lang: str, detail: str, status: int = 400) -> Response:
        text = pages.TEXT[lang]
        return self._html(status, pages.message_page(lang, text["refused_title"], text["refused"], detail))

    def _html(self, status: int, body: str, request: Request | None = None) -> Response:
        # where the form may post and be redirected to; a CSP source cannot name an IPv6 literal (such
        # an origin is covered by 'self' when it is the page's own)
        targets = (
            ["'self'", *sorted(o for o in self.origins(request) if "[" not in o)] if request else ["'self'"]
        )
        policy = "; ".join(
            [
                "default-src 'none'",
                f"style-src '{pages.STYLE_HASH}'",
                f"form-action {' '.join(targets)}",
                "frame-ancestors 'none'",
                "base-uri 'none'",
            ]
        )
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", policy),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            *NO_STORE,
        ]
        return Response(status, headers, body.encode())

    # --- the token endpoint ------------------------------------------------------------------------------
    def preflight(self, request: Request) -> Response:
        headers = [
            *self._cors(request),
            ("Access-Control-Allow-Methods", "POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
            ("Access-Control-Max-Age", "600"),
        ]
        return Response(204, headers, b"")

    def token(self, request: Request) -> Response:
        headers = [*NO_STORE, *self._cors(request)]
        try:
            content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != "application/x-www-form-urlencoded":
                raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
            try:
                form = _single(parse_qsl(request.body.decode(), keep_blank_values=True, strict_parsing=False))
            except UnicodeDecodeError as exc:
                raise OAuthError("invalid_request", "the body is not UTF-8") from exc
            grant_type = form.get("grant_type")
            if not grant_type:
                raise OAuthError("invalid_request", "grant_type is required")
            if form.get("client_id") != self.client_id:
                raise OAuthError("invalid_client", "client_id: not a client of this provider", 401)
            if grant_type == "authorization_code":
                body = self._redeem(form)
            elif grant_type == "refresh_token":
                body = self._refresh(form)
            else:
                raise OAuthError("unsupported_grant_type", f"{grant_type} is not a grant of this provider")
        except OAuthError as exc:
            return json_response(
                exc.status, {"error": exc.code, "error_description": exc.description}, headers
            )
        return json_response(200, body, headers)

    def revoke(self, request: Request) -> Response:
        """Revoke a refresh token (RFC 7009, as Cognito's ``/oauth2/revoke``): 200 whether or not the
        token was one; an access token is not revocable here (it lives its hour)."""
        headers = [*NO_STORE, *self._cors(request)]
        try:
            form = _single(parse_qsl(request.body.decode(errors="replace"), keep_blank_values=True))
        except OAuthError as exc:
            return json_response(400, {"error": exc.code, "error_description": exc.description}, headers)
        if form.get("client_id") != self.client_id:
            body = {
                "error": "invalid_client",
                "error_description": "client_id: not a client of this provider",
            }
            return json_response(401, body, headers)
        if not form.get("token"):
            body = {"error": "invalid_request", "error_description": "token is required"}
            return json_response(400, body, headers)
        with self._lock:
            session = self._sessions.get(form["token"])
            if session is not None and session.client_id == form["client_id"]:
                del self._sessions[form["token"]]
        return Response(200, headers, b"")

    def _redeem(self, form: Mapping[str, str]) -> dict[str, Any]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise OAuthError("invalid_request", f"{name} is required")
        if not _VERIFIER.fullmatch(form["code_verifier"]):
            raise OAuthError("invalid_request", "code_verifier must be 43 to 128 unreserved characters")
        now = self._now()
        with self._lock:
            grant = self._codes.pop(form["code"], None)
            if grant is None:
                used = self._used.get(form["code"])
                if used is not None:  # a code redeemed twice: what it gave is no longer good either
                    for refresh_token in used[1]:
                        self._sessions.pop(refresh_token, None)
                raise OAuthError("invalid_grant", "the code is unknown, expired or already used")
            self._used[form["code"]] = (now + CODE_TTL, [])
        if grant.expires <= now:
            raise OAuthError("invalid_grant", "the code has expired")
        if grant.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "the code was issued to another client")
        if grant.redirect_uri != form["redirect_uri"]:
            raise OAuthError("invalid_grant", "redirect_uri is not the one the code was issued for")
        if not hmac.compare_digest(s256(form["code_verifier"]), grant.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        session = Session(grant.client_id, grant.email, grant.scope, grant.auth_time, now + REFRESH_TTL)
        refresh_token = secrets.token_urlsafe(48)
        with self._lock:
            self._sessions[refresh_token] = session
            self._used[form["code"]][1].append(refresh_token)
        return self._tokens(session, refresh_token, grant.nonce)

    def _refresh(self, form: Mapping[str, str]) -> dict[str, Any]:
        refresh_token = form.get("refresh_token", "")
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        with self._lock:
            session = self._sessions.get(refresh_token)
        if session is None or session.expires <= self._now():
            raise OAuthError("invalid_grant", "the refresh token is unknown or expired")
        if session.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "the refresh token was issued to another client")
        # not rotated (as Cognito's, by default), and given back so that a client keeps it either way
        return self._tokens(session, refresh_token, "")

    def _tokens(self, session: Session, refresh_token: str, nonce: str) -> dict[str, Any]:
        sign_in = self._sign_in()
        user = sign_in.users.find(session.email) if sign_in else None
        if user is None:
            with self._lock:
                self._sessions.pop(refresh_token, None)
            raise OAuthError("invalid_grant", "the user is no longer in the user pool")
        now = datetime.fromtimestamp(self._now(), UTC)
        return {
            "id_token": self.issuer.issue(
                user.salon_id,
                user.email,
                user.role,
                self.ttl,
                sub=user.sub,
                now=now,
                auth_time=session.auth_time,
                nonce=nonce or None,
            ),
            "access_token": self.issuer.issue_access(
                user.sub, session.scope, session.auth_time, self.ttl, now=now
            ),
            "refresh_token": refresh_token,
            "token_type": "Bearer",
            "expires_in": int(self.ttl.total_seconds()),
        }

    # --- signing out -------------------------------------------------------------------------------------
    def logout(self, request: Request) -> Response:
        """Managed login's ``/logout?client_id&logout_uri`` and OpenID's RP-initiated logout
        (``post_logout_redirect_uri``, ``id_token_hint``, ``state``): there is no session to end (the
        sign-in page keeps none), so this sends the browser back, to this runtime's origin only."""
        accept = request.header("Accept-Language")
        try:
            params = _single(request.query)
        except OAuthError as exc:
            return self._refused(pages.choose_language(None, None, accept), exc.description)
        lang = pages.choose_language(params.get("lang"), params.get("ui_locales"), accept)
        client_id = params.get("client_id")
        if client_id is not None and client_id != self.client_id:
            return self._refused(lang, f"client_id: not a client of this sign-in ({self.client_id} is)")
        if params.get("logout_uri") and client_id is None:
            return self._refused(lang, "client_id: required with logout_uri")
        target = params.get("logout_uri") or params.get("post_logout_redirect_uri")
        if not target:
            text = pages.TEXT[lang]
            return self._html(
                200, pages.message_page(lang, text["signed_out_title"], text["signed_out"]), request
            )
        if not self._same_origin(target, request):
            return self._refused(lang, "logout_uri: must be on this runtime's own origin")
        if params.get("post_logout_redirect_uri") and not params.get("logout_uri"):
            target = _with_query(target, {"state": params.get("state", "")})
        return _redirect(target)

    def _forget_expired(self) -> None:
        now = self._now()
        for store in (self._pending, self._codes, self._sessions):
            for key in [k for k, v in store.items() if v.expires <= now]:
                del store[key]
        for key in [k for k, (expires, _) in self._used.items() if expires <= now]:
            del self._used[key]
