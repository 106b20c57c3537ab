"""The thin asyncio adapter that runs a sans-I/O session core over a TCP or TLS connection."""

from __future__ import annotations

import asyncio
import ssl
from asyncio import sslproto
import time
import traceback
from pathlib import Path
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

    def __init__(self, core: SessionCore, tracer: MessageObserver, role: str, name: str, capture: PacketObserver | None,
                 on_done: Callable[[Close], None], accepted_at: float | None = None) -> None:
        self.core = core
        # Loop time of the TCP accept (server side): the timers the core starts at connection_made
        # count from there, so a TLS handshake spends the same budget [V2G2-723].
        self.accepted_at = accepted_at
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
        self.tracer.note(self.role, f"{self.name}: connected{_tls_summary(transport)}")
        if self.capture is not None:
            local, remote = endpoint(transport.get_extra_info("sockname")), endpoint(peer)
            self.capture.tcp_open(self.name, *((local, remote) if self.we_are_client else (remote, local)))
        self._guarded(self._start)

    def _start(self) -> list[Event]:
        events = self.core.start()
        if self.accepted_at is None:
            return events
        spent = asyncio.get_running_loop().time() - self.accepted_at
        return [StartTimer(max(0.0, e.seconds - spent), e.name) if isinstance(e, StartTimer) else e for e in events]

    def data_received(self, data: bytes) -> None:
        arrived = (time.time(), time.monotonic())
        if self.capture is not None:
            self.capture.tcp_data(self.name, not self.we_are_client, data, arrived[0])
        self._guarded(lambda: self.core.receive_data(data), arrived)

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
        self._guarded(lambda: self.core.timeout(slot))

    def _guarded(self, step: Callable[[], list[Event]], arrived: tuple[float, float] | None = None) -> None:
        """Run one input through the core and act on its events. An exception here is a bug (in an
        engine, a profile value, the tracer); asyncio would log it and leave the connection half
        dead. Instead: one line that names it and where it came from, then this connection closes;
        the server keeps serving the others."""
        try:
            self._perform(step(), arrived)
        except Exception as exc:  # noqa: BLE001 - the last guard of a connection
            where = traceback.extract_tb(exc.__traceback__)[-1]
            reason = f"internal error: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
            self.outcome = Close(reason, ok=False)
            for timer in self.timers.values():
                timer.cancel()
            self.timers.clear()
            if self.transport is not None:
                self.transport.abort()  # connection_lost reports the reason

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


class TLSAcceptor(asyncio.Protocol):
    """Server side of TLS for one accepted TCP connection: bounded, and timed from the accept.

    asyncio's own server TLS gives every connection its TLS state and a 256 KiB read buffer
    before the handshake, and holds them 60 s when the peer never finishes it: a flood of such
    connections grows the process by hundreds of MiB. Here the handshake starts from a plain
    TCP connection, at most ``limit.maximum`` at a time (one more is closed at once), and must
    finish within ``handshake_timeout`` seconds of the accept; then ``app`` takes over.
    """

    def __init__(self, app: CoreProtocol, context: ssl.SSLContext, limit: HandshakeLimit, handshake_timeout: float, on_refused: Callable[[str], None]) -> None:
        self.app = app
        self.context = context
        self.limit = limit
        self.handshake_timeout = handshake_timeout
        self.on_refused = on_refused
        self.task: asyncio.Task | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        if self.limit.active >= self.limit.maximum:
            self.limit.refused += 1
            transport.abort()
            self.on_refused(f"{self.limit.maximum} TLS handshakes already running: closed {peer[0] if peer else '?'} at accept")
            return
        transport.pause_reading()  # the ClientHello is for the TLS layer start_tls puts in between
        self.limit.active += 1
        self.task = asyncio.get_running_loop().create_task(self._handshake(transport))

    async def _handshake(self, transport: asyncio.BaseTransport) -> None:
        # What loop.start_tls does, with _AlertingSSLProtocol in place of asyncio's SSLProtocol.
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        left = max(0.001, self.handshake_timeout - (loop.time() - (self.app.accepted_at or loop.time())))
        # The app is connected by the TLS layer itself when the handshake completes: in TLS 1.3 the
        # client's first request can arrive with its Finished and is delivered in the same call.
        layer = _AlertingSSLProtocol(loop, self.app, self.context, waiter, server_side=True, ssl_handshake_timeout=left, call_connection_made=True)
        transport.set_protocol(layer)
        loop.call_soon(layer.connection_made, transport)
        loop.call_soon(transport.resume_reading)  # type: ignore[attr-defined]
        peer = transport.get_extra_info("peername") or "?"
        try:
            await waiter
        except (OSError, ssl.SSLError, asyncio.TimeoutError, ConnectionError) as exc:
            transport.abort()
            self.on_refused(f"TLS handshake with {peer} failed: {exc.__class__.__name__} {exc}".rstrip())
            return
        finally:
            self.limit.active -= 1

    def connection_lost(self, exc: Exception | None) -> None:
        pass  # before the handshake: nothing of the session exists yet

    def data_received(self, data: bytes) -> None:
        pass  # reading is paused until start_tls takes the transport over


def _tls_summary(transport: asyncio.BaseTransport) -> str:
    """' over TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate CN=...' for a TLS connection, else ''."""
    tls = transport.get_extra_info("ssl_object")
    if tls is None:
        return ""
    cipher = tls.cipher()
    text = f" over {tls.version()} {cipher[0] if cipher else ''}".rstrip()
    peer = tls.getpeercert() or {}
    names = [value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"]
    return text + (f", peer certificate CN={names[0]}" if names else "")


class _AlertingSSLProtocol(sslproto.SSLProtocol):
    """asyncio's TLS layer, except that a failed handshake sends its alert before the close.

    asyncio drops the alert OpenSSL wrote (protocol_version for TLS 1.1, handshake_failure for a
    cipher outside [V2G2-614]) and closes the TCP connection bare, so the peer cannot tell why.
    """

    def _on_handshake_complete(self, handshake_exc: BaseException | None) -> None:
        if handshake_exc is not None:
            try:
                self._process_outgoing()  # the alert record; a socket transport sends it at once
            except Exception:  # noqa: BLE001 - the close below happens anyway
                pass
        super()._on_handshake_complete(handshake_exc)


class HandshakeLimit:
    """TLS handshakes of one server: how many run now, the most allowed, how many were refused."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.active = 0
        self.refused = 0
