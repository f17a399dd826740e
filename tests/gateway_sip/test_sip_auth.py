"""Digest auth against the published RFC 2617 and RFC 7616 examples."""

from __future__ import annotations

import pytest

from media_gateway.sip.auth import authorization_header, digest_response, parse_challenge
from media_gateway.sip.message import SipParseError

RFC7616 = (
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={alg}, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
)


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_rfc7616_examples(algorithm: str, expected: str) -> None:
    challenge = parse_challenge(RFC7616.format(alg=algorithm))
    assert challenge.qop == ("auth", "auth-int")
    response = digest_response(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle of Life",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert response == expected


def test_rfc2617_example_and_header_fields() -> None:
    challenge = parse_challenge(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )
    header = authorization_header(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle Of Life",
        cnonce="0a4f113b",
    )
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert "qop=auth" in header and "nc=00000001" in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header


def test_no_qop_uses_the_rfc2069_form() -> None:
    challenge = parse_challenge('Digest realm="r", nonce="n"')
    header = authorization_header(
        challenge, method="INVITE", uri="sip:a@b", username="u", password="p", cnonce="c"
    )
    assert "qop" not in header and "cnonce" not in header


@pytest.mark.parametrize(
    "value",
    [
        'Basic realm="x"',
        'Digest realm="x"',
        'Digest realm="x", nonce="y", algorithm=SHA-512',
        'Digest realm="x, nonce="y',
    ],
)
def test_bad_challenges_are_rejected(value: str) -> None:
    with pytest.raises(SipParseError):
        parse_challenge(value)
