import asyncio

from media_gateway.call_leg import CallEnded, InboundDtmf, InboundEvent, InboundFrame
from media_gateway.inbound_queue import InboundQueue


async def test_fifo_and_a_waiting_reader_is_woken() -> None:
    queue: InboundQueue[InboundEvent] = InboundQueue()
    reader = asyncio.create_task(queue.get())
    await asyncio.sleep(0)  # let the reader block on the empty queue
    queue.put(InboundDtmf("1", 0))
    queue.put(InboundFrame(b"\x00\x00", 0))
    assert await asyncio.wait_for(reader, 5) == InboundDtmf("1", 0)
    assert await queue.get() == InboundFrame(b"\x00\x00", 0)


async def test_only_the_oldest_frames_are_dropped_when_nobody_reads() -> None:
    queue: InboundQueue[InboundEvent] = InboundQueue(max_frames=3)
    queue.put(InboundFrame(b"a", 0))
    queue.put(InboundDtmf("5", 0))
    for i in range(1, 6):
        queue.put(InboundFrame(b"f", i * 20))
    queue.put(CallEnded("caller_hangup"))
    got = [await queue.get() for _ in range(len(queue))]
    assert got == [
        InboundDtmf("5", 0),
        InboundFrame(b"f", 60),
        InboundFrame(b"f", 80),
        InboundFrame(b"f", 100),
        CallEnded("caller_hangup"),
    ]
    assert queue.dropped_frames == 3
