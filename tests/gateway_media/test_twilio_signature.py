"""X-Twilio-Signature: Twilio's published examples, and the URL forms Twilio may sign."""

from __future__ import annotations

import pytest

from media_gateway.twilio_signature import compute_signature, url_variants, valid_signature

# From Twilio's request-validation examples (auth token 12345).
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}


def test_twilios_published_examples_verify() -> None:
    assert valid_signature("12345", URL, "GvWf1cFY/Q7PnoempGyD5oXAezc=", PARAMS)
    older = {**PARAMS, "Caller": "+14158675309", "From": "+14158675309"}
    assert valid_signature("12345", URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", older)


@pytest.mark.parametrize(
    ("token", "url", "signature"),
    [
        ("12346", URL, "GvWf1cFY/Q7PnoempGyD5oXAezc="),  # another account's token
        ("12345", URL + "&baz=3", "GvWf1cFY/Q7PnoempGyD5oXAezc="),  # another URL
        ("12345", URL, None),  # missing
        ("12345", URL, ""),
        ("12345", URL, "not base64 at all"),
        ("", URL, "GvWf1cFY/Q7PnoempGyD5oXAezc="),  # no token configured
    ],
)
def test_anything_else_is_refused(token: str, url: str, signature: str | None) -> None:
    assert not valid_signature(token, url, signature, PARAMS)


def test_a_websocket_upgrade_signs_the_wss_url_alone() -> None:
    url = "wss://bot.example.com/v1/media/twilio/r1/t1"
    signature = compute_signature("tok", url)
    assert valid_signature("tok", url, signature)
    assert not valid_signature("tok", url.replace("wss://", "ws://"), signature)
    # Twilio may sign with the default port spelled out; both forms verify.
    assert valid_signature("tok", "wss://bot.example.com:443/v1/media/twilio/r1/t1", signature)


def test_url_variants_only_toggle_a_default_port() -> None:
    assert url_variants("wss://h.example/p?q=1") == [
        "wss://h.example/p?q=1",
        "wss://h.example:443/p?q=1",
    ]
    assert url_variants("http://h.example:80/p") == ["http://h.example:80/p", "http://h.example/p"]
    assert url_variants("ws://127.0.0.1:8000/p") == ["ws://127.0.0.1:8000/p"]
    assert url_variants("wss://[::1]/p")[1] == "wss://[::1]:443/p"
