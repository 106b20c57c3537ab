"""The SECC as a network service: a TCP or TLS listener on a port in 49152-65535, plus SDP."""

from __future__ import annotations

import asyncio
import socket
import ssl
from typing import Any

from ..exi import grammar
from ..protocols import APP_SCHEMA, parse_list
from ..protocols.events import Close
from ..transport import sdp
from ..transport.connection import CoreProtocol, HandshakeLimit, TLSAcceptor
from ..transport.listen import bind_dynamic
from ..transport.observers import MessageObserver, PacketObserver, Silent
from .session import SeccSession
from .store import SessionStore



class SeccServer:
    def __init__(
        self,
        profile: dict[str, Any],
        host: str = "::",
        port: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
        tracer: MessageObserver | None = None,
        interface: str | None = None,
        sdp_port: int | None = sdp.SDP_PORT,
        advertise: str | None = None,
        capture: PacketObserver | None = None,
    ) -> None:
        self.profile = profile
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.tracer = tracer or Silent()
        self.interface = interface
        self.sdp_port = sdp_port
        self.advertise = advertise
        self.capture = capture
        self.store = SessionStore.for_profile(profile)
        self.handshakes = HandshakeLimit(profile["transport"]["max_handshakes"])
        self.outcomes: list[Close] = []
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._sdp: asyncio.DatagramTransport | None = None
        self.session_done = asyncio.Event()

    async def start(self) -> None:
        for schema in (APP_SCHEMA, *(s for p in parse_list(self.profile["protocols"]) for s in p.schemas)):
            grammar(schema)  # load the tables now, not inside the first response's time budget
        host = self.host
        if self.interface and host in ("::", None):
            host = f"{sdp.link_local_address(self.interface)}%{self.interface}"
        loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in host else socket.AF_UNSPEC
        # TLS is not asyncio's server TLS but TLSAcceptor: bounded and timed from the accept
        factory = self._protocol if self.ssl_context is None else self._tls_protocol
        self._server, _ = await bind_dynamic(lambda port: loop.create_server(factory, host, port, family=family), self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self.sdp_port is not None:
            self._sdp = await sdp.start_sdp_server(self._sdp_answer, self.interface, self.sdp_port, on_event=lambda s: self.tracer.note("SECC", s), capture=self.capture)
            self.tracer.note("SECC", f"SDP on UDP port {self.sdp_port}" + (f", ff02::1 on {self.interface}" if self.interface else ""))
        # last: once this line is out, TCP and SDP both answer
        self.tracer.listening("SECC", "TLS" if self.ssl_context else "TCP", host, self.port)

    def _sdp_answer(self, request: sdp.SDPRequest) -> sdp.SDPResponse | None:
        if request.transport != sdp.TRANSPORT_TCP:
            return None  # only TCP is offered
        address = self.advertise
        if address is None:
            address = sdp.link_local_address(self.interface) if self.interface else ("::1" if self.host in ("::", "::1") else self.host)
        security = sdp.SECURITY_TLS if self.ssl_context else sdp.SECURITY_NONE
        return sdp.SDPResponse(address, self.port or 0, security, sdp.TRANSPORT_TCP)

    def _protocol(self) -> CoreProtocol:
        self.connections += 1
        try:
            core: Any = SeccSession(self.profile, self.store)
        except Exception as exc:  # noqa: BLE001 - asyncio would only log it and drop the connection
            core = _Unstartable(exc)
        return CoreProtocol(core, self.tracer, "SECC", f"conn{self.connections}", self.capture, self._done,
                            accepted_at=asyncio.get_running_loop().time())

    def _tls_protocol(self) -> TLSAcceptor:
        # The session's communication-setup timer starts here, at the TCP accept [V2G2-723]:
        # the handshake gets what is left of it, and so does the session after it.
        return TLSAcceptor(self._protocol(), self.ssl_context, self.handshakes, self.profile["timers"]["communication_setup_timeout"],
                           lambda text: self.tracer.note("SECC", text))

    def _done(self, outcome: Close) -> None:
        self.outcomes.append(outcome)
        self.session_done.set()

    async def close(self) -> None:
        if self._sdp is not None:
            self._sdp.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()


class _Unstartable:
    """A session core that could not be built: its start raises the error, so the connection's
    guard reports it in one line and closes that connection, as for any other exception."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def start(self) -> list:
        raise self.error

    def receive_data(self, data: bytes) -> list:
        return []

    def timeout(self) -> list:
        return []
