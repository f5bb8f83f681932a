"""Real signed JWTs for the identity tests (SPEC §9): HS256 with a secret, RS256 with keys
published in a JWKS, and the broken ones a server must refuse."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET = "ordo-test-secret-of-at-least-32-bytes!"
AUDIENCE = "ordo-tests"
ISSUER = "https://issuer.test"
JWT_ENV = {"ORDO_JWT_SECRET": SECRET, "ORDO_JWT_AUDIENCE": AUDIENCE, "ORDO_JWT_ISSUER": ISSUER}


# A day: tokens are also made at import, and a full suite run takes far longer than minutes.
def claims(
    sub: str, role: str | None = None, lifetime: float = 86_400, **more: Any
) -> dict[str, Any]:
    made: dict[str, Any] = {"sub": sub, "aud": AUDIENCE, "iss": ISSUER}
    made["exp"] = int(time.time() + lifetime)
    if role is not None:
        made["role"] = role
    return {**made, **more}


def hs256(sub: str, role: str | None = None, secret: str = SECRET, **more: Any) -> str:
    return jwt.encode(claims(sub, role, **more), secret, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unsigned(sub: str) -> str:
    """`alg: none`: a token anybody can write."""
    header = _b64({"alg": "none", "typ": "JWT"})
    return f"{header}.{_b64(claims(sub))}."


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def refused_tokens(sub: str) -> dict[str, str]:
    """Every kind of token an HS256 server with JWT_ENV refuses, by what is wrong with it."""
    return {
        "expired": hs256(sub, lifetime=-60),
        "wrong audience": hs256(sub, aud="someone-else"),
        "wrong issuer": hs256(sub, iss="https://other.test"),
        "wrong key": hs256(sub, secret="another-secret-also-of-32-bytes-or-more"),
        "alg none": unsigned(sub),
        "malformed": "not.a.jwt",
        "no exp": jwt.encode({k: v for k, v in claims(sub).items() if k != "exp"}, SECRET),
        "unknown role": hs256(sub, role="root"),
        "sub not an id": hs256("has spaces"),
    }


@dataclass
class RsaKeys:
    """RSA signing keys with their JWKS: `rotate` adds a new one and signs with it."""

    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    current: str = ""

    def rotate(self) -> str:
        self.current = f"k{len(self.keys) + 1}"
        self.keys[self.current] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self.current

    def jwks(self) -> dict[str, Any]:
        published = []
        for kid, key in self.keys.items():
            entry = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            published.append({**entry, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": published}

    def token(self, sub: str, role: str | None = None, kid: str | None = None) -> str:
        kid = kid or self.current
        headers = {"kid": kid}
        return jwt.encode(claims(sub, role), self.keys[kid], algorithm="RS256", headers=headers)
