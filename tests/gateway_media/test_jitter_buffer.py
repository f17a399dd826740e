from media_gateway.rtp.jitter import GAP, JitterBuffer, PushResult


def _pops(buffer: JitterBuffer, n: int) -> list[object]:
    return [buffer.pop() for _ in range(n)]


def test_nothing_plays_until_the_buffer_is_primed() -> None:
    jb = JitterBuffer(depth=3)
    assert jb.pop() is None
    jb.push(1, 10, b"a")
    jb.push(1, 11, b"b")
    assert jb.pop() is None and not jb.started
    jb.push(1, 12, b"c")
    assert _pops(jb, 3) == [b"a", b"b", b"c"]
    assert jb.started


def test_reordered_packets_play_in_sequence_order() -> None:
    jb = JitterBuffer(depth=3)
    for seq, payload in [(5, b"5"), (3, b"3"), (4, b"4"), (7, b"7"), (6, b"6")]:
        jb.push(9, seq, payload)
    assert _pops(jb, 5) == [b"3", b"4", b"5", b"6", b"7"]
    assert jb.stats.lost == 0


def test_a_missing_packet_becomes_a_gap_and_counts_as_lost() -> None:
    jb = JitterBuffer(depth=2)
    for seq in (1, 2, 4, 5):
        jb.push(1, seq, bytes([seq]))
    assert _pops(jb, 4) == [b"\x01", b"\x02", GAP, b"\x04"]
    assert jb.stats.lost == 1


def test_a_packet_after_its_turn_is_dropped_as_late() -> None:
    jb = JitterBuffer(depth=2)
    for seq in (1, 2, 4, 5):
        jb.push(1, seq, bytes([seq]))
    _pops(jb, 3)
    assert jb.push(1, 3, b"\x03") is PushResult.LATE
    assert jb.pop() == b"\x04"
    assert jb.stats.late == 1


def test_duplicates_are_dropped() -> None:
    jb = JitterBuffer(depth=2)
    assert jb.push(1, 1, b"x") is PushResult.ACCEPTED
    assert jb.push(1, 1, b"x") is PushResult.DUPLICATE
    assert jb.stats.duplicates == 1


def test_sequence_wraparound_keeps_order() -> None:
    jb = JitterBuffer(depth=4)
    for seq in (65534, 0, 65535, 1):
        jb.push(1, seq, seq.to_bytes(2, "big"))
    assert _pops(jb, 4) == [b"\xff\xfe", b"\xff\xff", b"\x00\x00", b"\x00\x01"]
    assert jb.stats.lost == 0


def test_new_ssrc_resets_the_stream() -> None:
    jb = JitterBuffer(depth=2)
    jb.push(1, 100, b"old1")
    jb.push(1, 101, b"old2")
    assert jb.pop() == b"old1"
    assert jb.push(2, 5000, b"new1") is PushResult.RESET
    jb.push(2, 5001, b"new2")
    # Once playing, a re-priming stream yields silence (GAP), never "no media".
    assert _pops(jb, 2) == [b"new1", b"new2"]
    assert jb.stats.lost == 0 and jb.stats.late == 0


def test_huge_sequence_jump_is_a_new_stream_not_thousands_of_losses() -> None:
    jb = JitterBuffer(depth=1)
    jb.push(1, 10, b"a")
    assert jb.pop() == b"a"
    assert jb.push(1, 30000, b"b") is PushResult.RESET
    assert jb.pop() == b"b"
    assert jb.stats.lost == 0


def test_underrun_fills_silence_then_reprimes() -> None:
    jb = JitterBuffer(depth=2)
    jb.push(1, 1, b"1")
    jb.push(1, 2, b"2")
    assert _pops(jb, 3) == [b"1", b"2", GAP]
    jb.push(1, 3, b"3")
    assert jb.pop() is GAP  # waiting for depth again
    jb.push(1, 4, b"4")
    assert _pops(jb, 2) == [b"3", b"4"]
    assert jb.stats.lost == 0


def test_capacity_bounds_latency() -> None:
    jb = JitterBuffer(depth=2, capacity=5)
    for seq in range(20):
        jb.push(1, seq, bytes([seq]))
    assert len(jb) == 5
    assert jb.stats.overflow_dropped == 15
    assert _pops(jb, 5) == [bytes([s]) for s in range(15, 20)]


def test_after_a_burst_playout_catches_up_instead_of_keeping_the_delay() -> None:
    jb = JitterBuffer(depth=3, max_excess=5)
    for seq in range(3):
        jb.push(1, seq, bytes([seq]))
    assert jb.pop() == b"\x00"
    for seq in range(3, 20):  # a 340 ms burst after a stall
        jb.push(1, seq, bytes([seq]))
    assert jb.pop() == bytes([17])  # back to `depth` packets of delay
    assert _pops(jb, 2) == [bytes([18]), bytes([19])]
    assert jb.stats.discarded == 16
    assert jb.stats.lost == 0


def test_normal_jitter_within_the_excess_is_not_discarded() -> None:
    jb = JitterBuffer(depth=3, max_excess=5)
    for seq in range(8):
        jb.push(1, seq, bytes([seq]))
    assert _pops(jb, 8) == [bytes([s]) for s in range(8)]
    assert jb.stats.discarded == 0


# -- adaptive depth ----------------------------------------------------------------------


def _tick(jb: JitterBuffer, seqs: list[int]) -> object:
    """One clock tick: the packets that arrived since the last one, then one pop."""
    for seq in seqs:
        jb.push(7, seq & 0xFFFF, seq.to_bytes(4, "big"))
    return jb.pop()


def test_adaptive_depth_sheds_a_packet_a_steady_path_never_needed() -> None:
    jb = JitterBuffer(depth=2, adaptive=True, shed_window=50)
    played = [_tick(jb, [seq]) for seq in range(200)]
    assert jb.depth == 1 and jb.stats.shed == 1 and jb.stats.deepened == 0
    audio = [p for p in played if isinstance(p, bytes)]
    sequence = [int.from_bytes(p, "big") for p in audio]
    # One packet dropped to cut 20 ms of delay; the rest in order, nothing lost.
    assert len(sequence) == len(set(sequence)) == 199 and sequence == sorted(sequence)
    assert len(set(range(200)) - set(sequence)) == 1
    assert jb.stats.lost == 0 and jb.stats.discarded == 1
    assert GAP not in played


def test_adaptive_depth_deepens_on_an_underrun_and_settles_on_a_jittery_path() -> None:
    jb = JitterBuffer(depth=1, adaptive=True, shed_window=50)

    def arriving(t: int) -> list[int]:
        """Every fifth packet arrives 40 ms late, for 20 s."""
        return [s for s in range(max(0, t - 2), t + 1) if (s + 2 if s % 5 == 0 else s) == t]

    played = [_tick(jb, arriving(t)) for t in range(1000)]
    assert 1 <= jb.stats.deepened <= 2 and jb.stats.late <= 2, jb.stats
    settled = played[20:]
    assert GAP not in settled and all(isinstance(p, bytes) for p in settled)
    # Packet n plays at tick n + 2: the least delay that a 40 ms late packet allows.
    last = played[-1]
    assert isinstance(last, bytes) and 999 - int.from_bytes(last, "big") == 2


def test_adaptive_depth_deepens_when_a_packet_misses_its_turn() -> None:
    jb = JitterBuffer(depth=1, adaptive=True)
    for seq in range(5):
        _tick(jb, [seq])
    assert _tick(jb, [6]) == GAP or jb.stats.lost == 1  # 5 is missing at its turn
    assert jb.push(7, 5, b"late") is PushResult.LATE
    assert jb.depth == 2 and jb.stats.deepened == 1


def test_adaptive_depth_stays_within_its_bounds() -> None:
    jb = JitterBuffer(depth=2, adaptive=True, min_depth=1, max_depth=3, shed_window=10)
    for _ in range(10):  # repeated underruns
        assert _tick(jb, []) in (GAP, None)
    assert jb.depth <= 3
    for seq in range(2000):
        _tick(jb, [seq])
    assert jb.depth == 1


def test_fixed_depth_never_moves() -> None:
    jb = JitterBuffer(depth=3)
    for t in range(300):
        _tick(jb, [t - 1, t] if t % 2 else [])
    assert jb.depth == 3 and jb.stats.deepened == jb.stats.shed == 0
