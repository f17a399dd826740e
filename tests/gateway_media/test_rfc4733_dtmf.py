import pytest

from media_gateway.rtp.dtmf import (
    DtmfError,
    DtmfReceiver,
    DtmfSender,
    TelephoneEvent,
    digit_code,
    parse_event,
)


def test_payload_round_trip_and_wire_layout() -> None:
    # RFC 4733 §2.3: event 8 bits, E bit, R bit, volume 6 bits, duration 16 bits.
    event = TelephoneEvent(event=11, end=True, volume=10, duration=800)
    assert event.serialize() == bytes([11, 0x80 | 10]) + (800).to_bytes(2, "big")
    assert parse_event(event.serialize()) == event
    assert event.digit == "#"


def test_short_payload_and_bad_digits_are_errors() -> None:
    with pytest.raises(DtmfError):
        parse_event(b"\x01\x02")
    with pytest.raises(DtmfError):
        digit_code("x")
    assert digit_code("d") == 15


def test_sender_schedule_has_marker_growing_duration_and_three_end_packets() -> None:
    sender = DtmfSender("5", tone_ms=100, gap_ms=40)
    packets = []
    while not sender.done:
        packets.append(sender.next_tick())
    sent = [p for p in packets if p is not None]
    events = [parse_event(p.payload) for p in sent]
    assert [p.marker for p in sent] == [True] + [False] * 7
    assert [e.duration for e in events] == [160, 320, 480, 640, 800, 800, 800, 800]
    assert [e.end for e in events] == [False] * 5 + [True] * 3
    assert {e.digit for e in events} == {"5"}
    assert packets[len(sent) :] == [None, None]  # inter-digit pause


def test_receiver_reports_each_key_press_once() -> None:
    receiver = DtmfReceiver()
    got = []
    for ts, digit in [(1000, "1"), (3000, "1"), (5000, "#")]:
        sender = DtmfSender(digit)
        while not sender.done:
            packet = sender.next_tick()
            if packet is not None:
                got.append(receiver.receive(0xABC, ts, packet.payload))
    assert [d for d in got if d is not None] == ["1", "1", "#"]


def test_receiver_reports_a_press_whose_first_packets_were_lost() -> None:
    receiver = DtmfReceiver()
    end = TelephoneEvent(7, True, 10, 800).serialize()
    assert receiver.receive(1, 42, end) == "7"
    assert receiver.receive(1, 42, end) is None
