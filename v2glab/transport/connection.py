"""The thin asyncio adapter that runs a sans-I/O session core over a TCP or TLS stream."""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Protocol

from ..protocol.events import Close, Event, Received, Send, StartTimer, StopTimer
from ..trace import Tracer


class SessionCore(Protocol):
    def start(self) -> list[Event]: ...
    def receive_data(self, data: bytes) -> list[Event]: ...
    def timeout(self) -> list[Event]: ...


async def drive(core: SessionCore, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tracer: Tracer, role: str, name: str) -> Close:
    """Feed the core what arrives, perform what it returns, until it (or the peer) closes."""
    loop = asyncio.get_running_loop()
    deadline: float | None = None
    outcome: Close | None = None

    async def perform(events: list[Event], arrived: tuple[float, float] | None = None) -> None:
        nonlocal deadline, outcome
        wrote = False
        for event in events:
            if isinstance(event, Send):
                writer.write(event.frame)
                wrote = True
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
                break
            await perform(core.receive_data(data), arrived)
    except (ConnectionError, ssl.SSLError, OSError) as exc:
        if outcome is None:  # the session's own verdict stands if it came first
            outcome = Close(f"connection error: {exc}", ok=False)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
    assert outcome is not None
    tracer.note(role, f"{name}: {'closed' if outcome.ok else 'FAILED'}: {outcome.reason}")
    return outcome
