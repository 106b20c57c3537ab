"""The thin asyncio adapter that runs a sans-I/O session core over a TCP or TLS stream."""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Protocol

from ..capture.pcap import PcapWriter, endpoint
from ..protocol.events import Close, Event, Received, Send, StartTimer, StopTimer
from ..trace import Tracer


class SessionCore(Protocol):
    def start(self) -> list[Event]: ...
    def receive_data(self, data: bytes) -> list[Event]: ...
    def timeout(self) -> list[Event]: ...


async def drive(core: SessionCore, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tracer: Tracer, role: str, name: str, capture: PcapWriter | None = None) -> Close:
    """Feed the core what arrives, perform what it returns, until it (or the peer) closes."""
    loop = asyncio.get_running_loop()
    deadline: float | None = None
    outcome: Close | None = None
    we_are_client = role == "EVCC"
    peer_closed = False
    if capture is not None:
        local, remote = endpoint(writer.get_extra_info("sockname")), endpoint(writer.get_extra_info("peername"))
        capture.tcp_open(name, *((local, remote) if we_are_client else (remote, local)))

    async def perform(events: list[Event], arrived: tuple[float, float] | None = None) -> None:
        nonlocal deadline, outcome
        wrote = False
        for event in events:
            if isinstance(event, Send):
                writer.write(event.frame)
                wrote = True
                if capture is not None:
                    capture.tcp_data(name, we_are_client, event.frame)
                tracer.message(role, name, "tx", event.frame, event.message)
            elif isinstance(event, Received):
                tracer.message(role, name, "rx", event.header.to_bytes() + event.payload, event.message, event.error, at=arrived)
            elif isinstance(event, StartTimer):
                deadline = loop.time() + event.seconds
            elif isinstance(event, StopTimer):
                deadline = None
            elif isinstance(event, Close):
                outcome = event
        if wrote:
            await writer.drain()

    try:
        await perform(core.start())
        while outcome is None:
            try:
                # asyncio.timeout, unlike wait_for, starts no task per read (Python 3.11)
                async with asyncio.timeout_at(deadline):
                    data = await reader.read(65536)
            except TimeoutError:
                deadline = None
                await perform(core.timeout())
                continue
            arrived = (time.time(), time.monotonic())
            if not data:
                outcome = Close("the peer closed the connection", ok=False)
                peer_closed = True
                break
            if capture is not None:
                capture.tcp_data(name, not we_are_client, data, arrived[0])
            await perform(core.receive_data(data), arrived)
    except (ConnectionError, ssl.SSLError, OSError) as exc:
        if outcome is None:  # the session's own verdict stands if it came first
            outcome = Close(f"connection error: {exc}", ok=False)
    finally:
        if capture is not None:
            capture.tcp_close(name, closed_by_client=peer_closed != we_are_client)
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
    assert outcome is not None
    tracer.note(role, f"{name}: {'closed' if outcome.ok else 'FAILED'}: {outcome.reason}")
    return outcome
