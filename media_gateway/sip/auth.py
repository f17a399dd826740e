"""HTTP digest authentication for SIP (RFC 3261 §22, RFC 7616 algorithms, RFC 8760).

Pure functions: parse a WWW-Authenticate / Proxy-Authenticate challenge and compute the
Authorization / Proxy-Authorization value for it, with MD5 or SHA-256 and qop=auth.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from media_gateway.sip.message import SipParseError

ALGORITHMS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


@dataclass(frozen=True)
class DigestChallenge:
    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False


def _split_auth_params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    i = 0
    n = len(text)
    while i < n:
        while i < n and text[i] in " ,\t":
            i += 1
        eq = text.find("=", i)
        if eq < 0:
            break
        name = text[i:eq].strip().lower()
        i = eq + 1
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == '"':
            end = i + 1
            value_chars: list[str] = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                value_chars.append(text[end])
                end += 1
            if end >= n:
                raise SipParseError(f"unterminated quoted value for {name!r}")
            params[name] = "".join(value_chars)
            i = end + 1
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            params[name] = text[i:end].strip()
            i = end
    return params


def parse_challenge(header: str) -> DigestChallenge:
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        raise SipParseError(f"unsupported authentication scheme {scheme[:20]!r}")
    params = _split_auth_params(rest)
    if "realm" not in params or "nonce" not in params:
        raise SipParseError("digest challenge without realm or nonce")
    algorithm = params.get("algorithm", "MD5").upper()
    if algorithm not in ALGORITHMS:
        raise SipParseError(f"unsupported digest algorithm {algorithm[:20]!r}")
    qop = tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip())
    return DigestChallenge(
        realm=params["realm"],
        nonce=params["nonce"],
        algorithm=algorithm,
        qop=qop,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
    )


def digest_response(
    challenge: DigestChallenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    cnonce: str,
    nonce_count: int = 1,
) -> str:
    """The `response=` value (RFC 7616 §3.4.1)."""

    def h(text: str) -> str:
        return ALGORITHMS[challenge.algorithm](text.encode("utf-8")).hexdigest()

    ha1 = h(f"{username}:{challenge.realm}:{password}")
    ha2 = h(f"{method}:{uri}")
    if "auth" in challenge.qop:
        return h(f"{ha1}:{challenge.nonce}:{nonce_count:08x}:{cnonce}:auth:{ha2}")
    return h(f"{ha1}:{challenge.nonce}:{ha2}")


def authorization_header(
    challenge: DigestChallenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    cnonce: str | None = None,
    nonce_count: int = 1,
) -> str:
    """The full Authorization / Proxy-Authorization header value."""
    cnonce = cnonce or secrets.token_hex(8)
    response = digest_response(
        challenge,
        method=method,
        uri=uri,
        username=username,
        password=password,
        cnonce=cnonce,
        nonce_count=nonce_count,
    )
    parts = [
        f'username="{username}"',
        f'realm="{challenge.realm}"',
        f'nonce="{challenge.nonce}"',
        f'uri="{uri}"',
        f'response="{response}"',
        f"algorithm={challenge.algorithm}",
    ]
    if "auth" in challenge.qop:
        parts += ["qop=auth", f'cnonce="{cnonce}"', f"nc={nonce_count:08x}"]
    if challenge.opaque is not None:
        parts.append(f'opaque="{challenge.opaque}"')
    return "Digest " + ", ".join(parts)
