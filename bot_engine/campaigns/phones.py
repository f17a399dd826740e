"""Phone numbers as leads give them, normalised to E.164 with `phonenumbers`."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

MAX_LENGTH = 40


class BadPhone(ValueError):
    pass


def parse_phone(raw: str, default_region: str | None) -> PhoneNumber:
    """A valid number or BadPhone with a reason a person can act on."""
    text = str(raw).strip()
    if not text:
        raise BadPhone("empty")
    if len(text) > MAX_LENGTH:
        raise BadPhone(f"longer than {MAX_LENGTH} characters")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            if default_region is None and not text.startswith("+"):
                raise BadPhone(
                    "no country code (write +7…, or set the campaign's default_region)"
                ) from None
            raise BadPhone("unknown country code") from None
        raise BadPhone("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise BadPhone("not a valid number for its country")
    return number


def e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalize(raw: str, default_region: str | None) -> str:
    return e164(parse_phone(raw, default_region))


def normalize_or_none(raw: str, default_region: str | None) -> str | None:
    """E.164, or None for what is not a phone number (a SIP URI or user)."""
    try:
        return normalize(raw, default_region)
    except BadPhone:
        return None
