"""The thin asyncio adapter that runs a sans-I/O session core over a TCP or TLS connection."""

from __future__ import annotations

import asyncio
import time
from typing import Callable, Protocol

from ..protocols.events import Close, Event, Note, Received, Send, StartTimer, StopTimer
from .observers import MessageObserver, PacketObserver, endpoint


class SessionCore(Protocol):
    def start(self) -> list[Event]: ...
    def receive_data(self, data: bytes) -> list[Event]: ...
    def timeout(self, slot: str = "main") -> list[Event]: ...


class CoreProtocol(asyncio.Protocol):
    """Runs a sans-I/O session core on one TCP or TLS connection, for either role.

    Callbacks and one ``call_later`` timer per connection: no task and no read loop,
    which keeps the per-message cost low when one SECC serves hundreds of EVs.
    """

    def __init__(self, core: SessionCore, tracer: MessageObserver, role: str, name: str, capture: PacketObserver | None, on_done: Callable[[Close], None]) -> None:
        self.core = core
        self.tracer = tracer
        self.role = role
        self.name = name
        self.capture = capture
        self.on_done = on_done
        self.transport: asyncio.Transport | None = None
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.outcome: Close | None = None
        self.we_are_client = role == "EVCC"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        if peer:
            self.name = f"{self.name} [{peer[0]}]:{peer[1]}".strip()
        self.tracer.note(self.role, f"{self.name}: connected")
        if self.capture is not None:
            local, remote = endpoint(transport.get_extra_info("sockname")), endpoint(peer)
            self.capture.tcp_open(self.name, *((local, remote) if self.we_are_client else (remote, local)))
        self._perform(self.core.start())

    def data_received(self, data: bytes) -> None:
        arrived = (time.time(), time.monotonic())
        if self.capture is not None:
            self.capture.tcp_data(self.name, not self.we_are_client, data, arrived[0])
        self._perform(self.core.receive_data(data), arrived)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in self.timers.values():
            timer.cancel()
        self.timers.clear()
        peer_closed = self.outcome is None
        if self.outcome is None:
            self.outcome = Close(f"connection error: {exc}" if exc else "the peer closed the connection", ok=False)
        if self.capture is not None:
            self.capture.tcp_close(self.name, closed_by_client=peer_closed != self.we_are_client)
        self.tracer.note(self.role, f"{self.name}: {'closed' if self.outcome.ok else 'FAILED'}: {self.outcome.reason}")
        self.on_done(self.outcome)

    def _timeout(self, slot: str) -> None:
        self.timers.pop(slot, None)
        self._perform(self.core.timeout(slot))

    def _perform(self, events: list[Event], arrived: tuple[float, float] | None = None) -> None:
        for event in events:
            if isinstance(event, Send):
                self.transport.write(event.frame)
                self.tracer.message(self.role, self.name, "tx", event.frame, event.message)
                if self.capture is not None:
                    self.capture.tcp_data(self.name, self.we_are_client, event.frame)
            elif isinstance(event, Received):
                self.tracer.message(self.role, self.name, "rx", event.header.to_bytes() + event.payload, event.message, event.error, at=arrived)
            elif isinstance(event, StartTimer):
                if event.slot in self.timers:
                    self.timers[event.slot].cancel()
                self.timers[event.slot] = asyncio.get_running_loop().call_later(event.seconds, self._timeout, event.slot)
            elif isinstance(event, Note):
                self.tracer.note(self.role, f"{self.name}: {event.text}")
            elif isinstance(event, StopTimer):
                timer = self.timers.pop(event.slot, None)
                if timer is not None:
                    timer.cancel()
            elif isinstance(event, Close):
                self.outcome = event
                self.transport.close()  # sends what is buffered first
