"""SECC Discovery Protocol (ISO 15118-2 section 7.10): UDP port 15118, V2GTP-framed.

Request payload (type 0x9000), 2 bytes: security (0x00 TLS, 0x10 none),
transport protocol (0x00 TCP, 0x10 UDP). Response payload (0x9001), 20 bytes:
the SECC's IPv6 address, its TCP port, security, transport.
The EV sends the request to [ff02::1]:15118 and retries every 250 ms, at most
50 times [V2G2-161]; the SECC answers unicast to the request's source.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import V2GError, V2GTPError
from ..v2gtp import PayloadType, frame, parse_frame

# SDP, EV side: 250 ms per request, at most 50 requests (ISO 15118-2 [V2G2-161], [V2G2-162]; DIN and -20 alike).
SDP_RESPONSE_TIMEOUT = 0.25
SDP_MAX_REQUESTS = 50

SDP_PORT = 15118
SDP_MULTICAST = "ff02::1"
SECURITY_TLS = 0x00
SECURITY_NONE = 0x10
TRANSPORT_TCP = 0x00
TRANSPORT_UDP = 0x10


class SDPError(V2GError):
    pass


@dataclass(frozen=True)
class SDPRequest:
    security: int = SECURITY_NONE
    transport: int = TRANSPORT_TCP

    def to_frame(self) -> bytes:
        return frame(bytes([self.security, self.transport]), PayloadType.SDP_REQUEST)


@dataclass(frozen=True)
class SDPResponse:
    address: str
    port: int
    security: int = SECURITY_NONE
    transport: int = TRANSPORT_TCP

    def to_frame(self) -> bytes:
        ip = ipaddress.IPv6Address(self.address.split("%")[0]).packed
        return frame(ip + struct.pack(">HBB", self.port, self.security, self.transport), PayloadType.SDP_RESPONSE)


def parse_request(data: bytes) -> SDPRequest:
    header, payload = parse_frame(data)
    if header.payload_type != PayloadType.SDP_REQUEST or len(payload) != 2:
        raise SDPError(f"not an SDP request (type {header.payload_type:#06x}, {len(payload)} bytes)")
    security, transport = payload
    if security not in (SECURITY_TLS, SECURITY_NONE) or transport not in (TRANSPORT_TCP, TRANSPORT_UDP):
        raise SDPError(f"SDP request with security {security:#04x}, transport {transport:#04x}")
    return SDPRequest(security, transport)


def parse_response(data: bytes) -> SDPResponse:
    header, payload = parse_frame(data)
    if header.payload_type != PayloadType.SDP_RESPONSE or len(payload) != 20:
        raise SDPError(f"not an SDP response (type {header.payload_type:#06x}, {len(payload)} bytes)")
    port, security, transport = struct.unpack(">HBB", payload[16:])
    return SDPResponse(str(ipaddress.IPv6Address(payload[:16])), port, security, transport)


def interface_index(interface: str | None) -> int:
    return socket.if_nametoindex(interface) if interface else 0


def link_local_address(interface: str) -> str:
    """The fe80:: address of an interface (from /proc, Linux)."""
    index = socket.if_nametoindex(interface)
    with open("/proc/net/if_inet6") as table:
        for line in table:
            hexaddr, ifindex, _plen, scope, _flags, name = line.split()
            if int(ifindex, 16) == index and int(scope, 16) == 0x20:
                return str(ipaddress.IPv6Address(bytes.fromhex(hexaddr)))
    raise SDPError(f"interface {interface} has no link-local IPv6 address")


class SDPServer(asyncio.DatagramProtocol):
    """The SECC side. ``answer`` maps a request to the response (or None to stay silent)."""

    def __init__(self, answer: Callable[[SDPRequest], SDPResponse | None], on_event: Callable[[str], None] = lambda s: None, capture: Any = None) -> None:
        self.answer = answer
        self.on_event = on_event
        self.capture = capture
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        local = self.transport.get_extra_info("sockname") if self.transport else None
        here = (SDP_MULTICAST if not local or local[0] in ("::", "0.0.0.0") else local[0], local[1] if local else SDP_PORT)
        if self.capture is not None:
            self.capture.udp((addr[0], addr[1]), here, data, from_client=True)
        try:
            request = parse_request(data)
        except (SDPError, V2GTPError) as exc:
            self.on_event(f"SDP: ignored a datagram from {addr[0]}: {exc}")
            return
        response = self.answer(request)
        if response is not None and self.transport is not None:
            self.transport.sendto(response.to_frame(), addr)
            if self.capture is not None:
                self.capture.udp((response.address, here[1]), (addr[0], addr[1]), response.to_frame(), from_client=False)
            self.on_event(f"SDP: {addr[0]} asked for {'TLS' if request.security == SECURITY_TLS else 'TCP'}; answered [{response.address}]:{response.port}")


async def start_sdp_server(answer: Callable[[SDPRequest], SDPResponse | None], interface: str | None = None, port: int = SDP_PORT, host: str = "::", on_event: Callable[[str], None] = lambda s: None, capture: Any = None) -> asyncio.DatagramTransport:
    """Listen on UDP ``port``; join ff02::1 on ``interface`` so multicast requests arrive."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if interface:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
        group = socket.inet_pton(socket.AF_INET6, SDP_MULTICAST) + struct.pack("@I", interface_index(interface))
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group)
    sock.bind((host, port))
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: SDPServer(answer, on_event, capture), sock=sock)
    return transport  # type: ignore[return-value]


class _Client(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.responses: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.responses.put_nowait(data)


async def discover(
    security: int = SECURITY_NONE,
    interface: str | None = None,
    target: str = SDP_MULTICAST,
    port: int = SDP_PORT,
    timeout: float = SDP_RESPONSE_TIMEOUT,
    attempts: int = SDP_MAX_REQUESTS,
    capture: Any = None,
) -> SDPResponse:
    """The EV side: ask until an SECC answers, 250 ms apart, at most 50 times [V2G2-161]."""
    loop = asyncio.get_running_loop()
    scope = interface_index(interface)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if scope:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, scope)
    sock.bind(("::", 0, 0, scope if target.lower().startswith(("ff02", "fe80")) else 0))
    transport, client = await loop.create_datagram_endpoint(_Client, sock=sock)
    request = SDPRequest(security).to_frame()
    try:
        local = sock.getsockname()
        for _ in range(attempts):
            transport.sendto(request, (target, port, 0, scope))
            if capture is not None:
                capture.udp(("::1" if target == "::1" else local[0], local[1]), (target, port), request, from_client=True)
            try:
                data = await asyncio.wait_for(client.responses.get(), timeout)
            except TimeoutError:
                continue
            try:
                response = parse_response(data)
            except (SDPError, V2GTPError):
                continue
            if capture is not None:
                capture.udp((response.address, port), ("::1" if target == "::1" else local[0], local[1]), data, from_client=False)
            if response.address.lower().startswith("fe80") and interface:
                response = SDPResponse(f"{response.address}%{interface}", response.port, response.security, response.transport)
            return response
        raise SDPError(f"no SECC answered {attempts} SDP requests to [{target}]:{port}")
    finally:
        transport.close()
