"""Pure parts of delivery: backoff schedule, SSRF guard, signatures, status machine."""

from __future__ import annotations

import ipaddress
import random

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from bot_engine.delivery.backoff import max_attempts, next_delay, nominal_delay
from bot_engine.delivery.signing import signed_headers
from bot_engine.net import SsrfGuard, TargetRefused
from bot_engine.service.call_status import BadTransition, check_move, final_status
from bot_engine.service.recording_urls import check_signature, signed_recording_url
from bot_engine.service.settings import DeliverySchedule
from bot_engine.storage.tenants import new_webhook_secret


def test_default_schedule_spans_about_a_day() -> None:
    schedule = DeliverySchedule()
    delays = [nominal_delay(n, schedule) for n in range(1, max_attempts(schedule))]
    assert delays[0] == 5.0 and delays[1] == 10.0
    assert max(delays) == schedule.max_delay_s
    assert 20 * 3600 <= sum(delays) <= 24 * 3600


def test_jitter_stays_in_bounds_and_varies() -> None:
    schedule = DeliverySchedule(first_delay_s=10, jitter=0.2)
    rng = random.Random(3)
    values = [next_delay(1, schedule, rng) for _ in range(200)]
    assert all(v is not None and 8.0 <= v <= 12.0 for v in values)
    assert len({round(v or 0, 3) for v in values}) > 100


def test_past_the_horizon_is_dead() -> None:
    schedule = DeliverySchedule(first_delay_s=1, factor=2, horizon_s=10, jitter=0)
    assert next_delay(1, schedule) == 1  # elapsed 1
    assert next_delay(3, schedule) == 4  # elapsed 1+2+4 = 7
    assert next_delay(4, schedule) is None  # elapsed 15 > 10


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.0.0.8/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
        "ftp://example.com/",
        "http://user:pw@example.com/",
    ],
)
async def test_ssrf_guard_refuses_internal_targets(url: str) -> None:
    with pytest.raises(TargetRefused):
        await SsrfGuard([]).check(url)


async def test_ssrf_allowlist_by_cidr_and_host() -> None:
    await SsrfGuard(["127.0.0.0/8"]).check("http://127.0.0.1:8080/hook")
    await SsrfGuard(["crm.internal"]).check("http://crm.internal/hook")
    SsrfGuard([]).check_addresses("example.com", [ipaddress.ip_address("93.184.216.34")])
    with pytest.raises(TargetRefused):
        await SsrfGuard(["127.0.0.1/32"]).check("http://10.0.0.1/")


def test_signature_verifies_with_standardwebhooks() -> None:
    secret = new_webhook_secret()
    body = '{"a": 1}'
    headers = signed_headers(secret, "res_1", body)
    assert Webhook(secret).verify(body, headers) == {"a": 1}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"a": 2}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)


def test_status_machine() -> None:
    check_move("queued", "ringing")
    check_move("ringing", "in_progress")
    check_move("in_progress", "completed")
    for bad in [
        ("completed", "in_progress"),
        ("cancelled", "ringing"),
        ("in_progress", "queued"),
        ("ringing", "cancelled"),
    ]:
        with pytest.raises(BadTransition):
            check_move(*bad)
    assert final_status(True, "completed", "robot") == "completed"
    assert final_status(True, "hangup", "system_failure") == "failed"
    assert final_status(False, "no_answer", "no_answer") == "failed"


def test_recording_links_expire_and_are_bound_to_the_call() -> None:
    url, _ = signed_recording_url("http://h", "k", "call1", ttl_s=60, now=1000)
    expires = int(url.split("expires=")[1].split("&")[0])
    signature = url.split("signature=")[1]
    assert check_signature("k", "call1", expires, signature, now=1000)
    assert not check_signature("k", "call1", expires, signature, now=1061)
    assert not check_signature("k", "call2", expires, signature, now=1000)
    assert not check_signature("other", "call1", expires, signature, now=1000)
