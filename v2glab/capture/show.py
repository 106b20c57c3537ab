"""`v2glab pcap show`: a capture (ours, or one from a real charger or car) as the engines' trace.

TCP streams are reassembled per direction in sequence order and cut into V2GTP
frames; every frame is decoded (handshake or ISO 15118-2, told apart by the first
bits). SDP datagrams on UDP 15118 are shown too. A frame that does not decode is
reported with the reason and its bytes, and the reader goes on.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Iterator

import dpkt

from .. import exi
from ..errors import V2GError, V2GTPError
from ..pnc.audit import SignatureAudit
from ..transport import sdp
from ..v2gtp import V2GTPReader


@dataclass
class Frame:
    """One V2GTP frame found in a capture."""

    ts: float
    sender: str  # 'EVCC' or 'SECC'
    data: bytes  # the whole frame, header included
    message: exi.Message | None
    error: str | None = None
    transport: str = "TCP"

    @property
    def name(self) -> str:
        if self.message is not None:
            return self.message.body_name
        return "(undecodable)" if self.error else "(raw)"


@dataclass
class _Direction:
    next_seq: int | None = None
    pending: dict[int, bytes] = field(default_factory=dict)
    reader: V2GTPReader = field(default_factory=lambda: V2GTPReader(max_payload=2**24))
    broken: bool = False


def _packets(path: str) -> Iterator[tuple[float, object]]:
    with open(path, "rb") as f:
        reader = dpkt.pcap.UniversalReader(f)
        link = reader.datalink()
        for ts, buf in reader:
            try:
                if link == dpkt.pcap.DLT_EN10MB:
                    l3 = dpkt.ethernet.Ethernet(buf).data
                elif link == dpkt.pcap.DLT_LINUX_SLL:
                    l3 = dpkt.sll.SLL(buf).data
                elif link in (dpkt.pcap.DLT_RAW, 101):
                    l3 = dpkt.ip6.IP6(buf) if buf and buf[0] >> 4 == 6 else dpkt.ip.IP(buf)
                else:
                    continue
            except (dpkt.UnpackError, IndexError, ValueError):
                continue
            if isinstance(l3, (dpkt.ip.IP, dpkt.ip6.IP6)):
                yield ts, l3


def _address(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


def read_capture(path: str) -> list[Frame]:
    """Every SDP and V2GTP frame of a capture, in capture order."""
    frames: list[Frame] = []
    directions: dict[tuple, _Direction] = {}
    clients: dict[tuple, tuple] = {}  # connection -> (client address, port): who sent the SYN
    for ts, ip in _packets(path):
        l4 = ip.data
        src, dst = _address(ip.src), _address(ip.dst)
        if isinstance(l4, dpkt.udp.UDP) and (sdp.SDP_PORT in (l4.sport, l4.dport) or bytes(l4.data[:2]) == b"\x01\xfe"):
            data = bytes(l4.data)
            try:
                if l4.dport == sdp.SDP_PORT or (len(data) >= 4 and data[2:4] == b"\x90\x00"):
                    request = sdp.parse_request(data)
                    note = f"SDP request: {'TLS' if request.security == sdp.SECURITY_TLS else 'no TLS'}, {'TCP' if request.transport == sdp.TRANSPORT_TCP else 'UDP'}"
                    frames.append(Frame(ts, "EVCC", data, None, note, "UDP"))
                else:
                    response = sdp.parse_response(data)
                    note = f"SDP response: SECC at [{response.address}]:{response.port}, {'TLS' if response.security == sdp.SECURITY_TLS else 'no TLS'}"
                    frames.append(Frame(ts, "SECC", data, None, note, "UDP"))
            except (V2GError, ValueError) as exc:
                frames.append(Frame(ts, "?", data, None, f"bad SDP datagram: {exc}", "UDP"))
            continue
        if not isinstance(l4, dpkt.tcp.TCP):
            continue
        key = (src, l4.sport, dst, l4.dport)
        conn = tuple(sorted([(src, l4.sport), (dst, l4.dport)]))
        if l4.flags & dpkt.tcp.TH_SYN and not l4.flags & dpkt.tcp.TH_ACK:
            clients[conn] = (src, l4.sport)
        state = directions.setdefault(key, _Direction())
        if l4.flags & dpkt.tcp.TH_SYN:
            state.next_seq = (l4.seq + 1) & 0xFFFFFFFF
            continue
        payload = bytes(l4.data)
        if not payload or state.broken:
            continue
        if state.next_seq is None:  # capture started mid-stream
            state.next_seq = l4.seq
        state.pending[l4.seq] = payload
        stream = b""
        while state.next_seq in state.pending:  # in order; retransmissions and gaps wait
            chunk = state.pending.pop(state.next_seq)
            stream += chunk
            state.next_seq = (state.next_seq + len(chunk)) & 0xFFFFFFFF
        if not stream:
            continue
        client = clients.get(conn)
        try:
            found = state.reader.feed(stream)
        except V2GTPError as exc:
            state.broken = True
            frames.append(Frame(ts, _sender(client, src, l4.sport, None), stream[:64], None, f"bad V2GTP header, rest of this direction skipped: {exc}"))
            continue
        for header, body in found:
            data = header.to_bytes() + body
            try:
                message = exi.decode(body, exi.detect_schema(body))
                frames.append(Frame(ts, _sender(client, src, l4.sport, message), data, message))
            except V2GError as exc:
                frames.append(Frame(ts, _sender(client, src, l4.sport, None), data, None, str(exc)))
    return frames


def _sender(client: tuple | None, src: str, sport: int, message: exi.Message | None) -> str:
    if client is not None:
        return "EVCC" if (src, sport) == client else "SECC"
    if message is not None:  # no handshake in the capture: a request comes from the car
        return "EVCC" if message.body_name.endswith("Req") else "SECC"
    return "?"


def show(path: str, tracer: object) -> list[Frame]:
    """Print a capture through a Tracer, as the SECC's view of the session."""
    from .homeplug import show_mmes  # SLAC and other HomePlug MMEs first: they come before SDP

    show_mmes(path, tracer)
    frames = read_capture(path)
    audit = SignatureAudit()  # Plug & Charge signatures, checked with the certificates the session carries
    for f in frames:
        if f.transport == "UDP":
            tracer.note(f.sender if f.sender != "?" else "SDP", f"{f.error}  [{f.data.hex().upper()}]")
            continue
        direction = "rx" if f.sender == "EVCC" else "tx"
        tracer.message("SECC", "capture", direction, f.data, f.message, f.error, at=(f.ts, f.ts))
        checked = audit.observe(f.message)
        if checked:
            tracer.note(f.sender, checked)
    return frames

