"""End-user identity at the edge (SPEC §9): a request's bearer token verified into its Caller.

`Authenticator.verify` takes a token string, so a subscription's `connection_init` payload can
be verified by the very same function as an `Authorization: Bearer …` header.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import structlog

from domain import access
from domain.access import Caller, Role
from domain.errors import ErrorCode, OrdoError
from ordo.settings import Settings

log = structlog.get_logger("ordo.auth")

LEEWAY = 5  # seconds of clock skew between the token's issuer and this host
MAX_AGE = 300.0  # a key set is read again this often, so a key removed from it stops working


class KeySet:
    """The keys of a JWKS, read again when a token names a `kid` it does not hold (a key
    rotation), at most once per `cooldown` seconds: tokens with made-up kids cannot make
    every request a fetch."""

    def __init__(self, load: Callable[[], jwt.PyJWKSet], cooldown: float) -> None:
        self._load = load  # blocking (a file or an HTTP GET): run in a thread
        self._cooldown = cooldown
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at: float | None = None  # of the last attempt, failed ones too
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        if kid not in self._keys or self._stale(MAX_AGE):
            async with self._lock:  # one reload for a burst of requests
                if (kid not in self._keys or self._stale(MAX_AGE)) and self._stale(self._cooldown):
                    await self._reload()
        return self._keys.get(kid)

    def _stale(self, seconds: float) -> bool:
        return self._loaded_at is None or time.monotonic() - self._loaded_at >= seconds

    async def _reload(self) -> None:
        self._loaded_at = time.monotonic()
        try:
            found = await asyncio.to_thread(self._load)
        except (OSError, ValueError, jwt.PyJWTError) as error:
            log.warning("JWKS not read: keeping the keys held", error=str(error))
            return
        self._keys = {key.key_id: key for key in found.keys if key.key_id}


def jwks_loader(source: str) -> Callable[[], jwt.PyJWKSet]:
    """An http(s) URL is fetched by PyJWT's client; anything else is a file path."""
    if source.startswith(("http://", "https://")):
        client = jwt.PyJWKClient(source, cache_jwk_set=False, timeout=5)
        return lambda: client.get_jwk_set(refresh=True)
    path = Path(source)
    return lambda: jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))


def challenge(authorization: str | None) -> str:
    """A 401's WWW-Authenticate (RFC 6750 §3): an error code only where a bearer token was
    given and refused; a request without one learns only the scheme."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return 'Bearer error="invalid_token"'
    return "Bearer"


def _unauthenticated(reason: str) -> OrdoError:
    return OrdoError(ErrorCode.UNAUTHENTICATED, f"the bearer token is not valid: {reason}")


class Authenticator:
    """Whom a request acts as. With JWT verification off (no secret, no JWKS) the seeds'
    open API stands: no bearer is ANONYMOUS, ORDO_ADMIN_TOKEN is ADMIN, any other bearer
    UNVERIFIED. With it on, every caller shows a valid token, or ORDO_ADMIN_TOKEN."""

    def __init__(self, settings: Settings) -> None:
        self._admin_token = settings.admin_token.encode()
        self._secret = settings.jwt_secret
        self._keys = (
            KeySet(jwks_loader(settings.jwt_jwks), settings.jwt_jwks_cooldown)
            if settings.jwt_jwks
            else None
        )
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        required = ["exp", "sub"] + ["aud"] * bool(self._audience) + ["iss"] * bool(self._issuer)
        self._options: Any = {"require": required}

    @property
    def verifying(self) -> bool:
        return self._secret is not None or self._keys is not None

    async def caller(self, authorization: str | None) -> Caller | OrdoError:
        """The caller an Authorization header names, or why it names none (an OrdoError,
        raised by whatever operation the request then asks for)."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            if self.verifying:
                return OrdoError(ErrorCode.UNAUTHENTICATED, "a bearer token is required")
            return access.ANONYMOUS
        # Constant-time: the comparison must not tell how much of a guess was right.
        if hmac.compare_digest(token.encode(), self._admin_token):
            return Caller(Role.ADMIN)
        if not self.verifying:
            return Caller(Role.UNVERIFIED)
        try:
            return await self.verify(token)
        except OrdoError as refused:
            return refused

    async def verify(self, token: str) -> Caller:
        """A JWT's caller; anything short of a valid, unexpired token of the configured
        issuer and audience, signed by a configured key, is UNAUTHENTICATED."""
        try:
            key, algorithm = await self._key_of(jwt.get_unverified_header(token))
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],  # the key's own: `alg: none` or an HS/RS swap fail
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY,
                options=self._options,
            )
        except jwt.PyJWTError as error:
            raise _unauthenticated(str(error)) from error
        _check_times(claims)
        try:
            return access.caller_from_claims(claims)
        except ValueError as error:
            raise _unauthenticated(str(error)) from error

    async def _key_of(self, header: dict[str, Any]) -> tuple[Any, str]:
        if self._keys is None:
            assert self._secret is not None
            return self._secret, "HS256"
        kid = header.get("kid")
        found = await self._keys.key(kid) if isinstance(kid, str) else None
        if found is None:
            raise jwt.InvalidKeyError("no key of the JWKS has the token's kid")
        return found.key, found.algorithm_name


def _check_times(claims: dict[str, Any]) -> None:
    """RFC 7519's time claims are JSON numbers. PyJWT reads them with int(), which takes
    "9999999999" and true as well: a token so made is not one this service accepts."""
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _unauthenticated(f"{name} must be a number of seconds (NumericDate)")
