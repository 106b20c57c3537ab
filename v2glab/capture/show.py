"""`v2glab pcap show`: a capture (ours, or one from a real charger or car) as the engines' trace.

Each TCP direction is reassembled in sequence order (``streams.py``); a gap is
reported with its size and framing resynchronises on the next V2GTP header.
TLS connections are decrypted by tshark with a key log, given or embedded in the
capture (``tls.py``), else reported as TLS with version and SNI. Each connection is
a session with its negotiated protocol and its own timing (``sessions.py``). Every
frame is decoded; a zero byte after the EXI document is accepted and reported as a
deviation. A frame that does not decode is reported with the reason and its bytes,
and the reader goes on. SDP datagrams on UDP 15118 are shown with their capture time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from typing import Any

from .. import exi
from ..errors import V2GError
from ..pnc.audit import SignatureAudit
from ..protocols.oracle import Violation
from ..transport import sdp
from ..v2gtp import HEADER_LENGTH, PayloadType, schemas_for_payload_type
from . import tls as tlsmod
from .packets import CaptureError, Packet, read_packets
from .sessions import Session, analyse
from .streams import Chunk, Cut, Framer, Gap, reassemble

__all__ = ["Frame", "Capture", "CaptureError", "read", "read_capture", "show", "to_json", "write_junit"]

KNOWN_PAYLOAD_TYPES = frozenset(int(t) for t in PayloadType)


@dataclass
class Frame:
    """One V2GTP frame or SDP datagram found in a capture, or a note about bytes that are neither."""

    ts: float
    sender: str  # 'EVCC', 'SECC', or '?'
    data: bytes  # the whole frame, header included (a note: the first bytes concerned)
    message: exi.Message | None
    error: str | None = None  # why it did not decode; for SDP and notes, the description
    transport: str = "TCP"  # 'TCP', 'UDP', or 'note'
    kind: str = "v2gtp"  # 'v2gtp', 'sdp', 'note'
    session: int | None = None
    deviations: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.message is not None:
            return self.message.body_name
        return "(undecodable)" if self.error else "(raw)"


@dataclass
class Capture:
    path: str
    frames: list[Frame]
    sessions: list[Session]
    packets: int
    not_ip: int
    damage: str | None = None


@dataclass
class _Connection:
    first: int  # packet number of the first packet, for ordering
    client: tuple[str, int] | None = None
    segments: dict[tuple[str, int], list[tuple[int, float, bytes]]] = field(default_factory=dict)
    isn: dict[tuple[str, int], int] = field(default_factory=dict)
    closed: str = ""
    endpoints: tuple = ()


def _sdp_frame(p: Packet) -> Frame | None:
    data = p.payload
    if not (sdp.SDP_PORT in (p.sport, p.dport) or data[:2] == b"\x01\xfe"):
        return None
    try:
        if p.dport == sdp.SDP_PORT or (len(data) >= 4 and data[2:4] == b"\x90\x00"):
            request = sdp.parse_request(data)
            note = f"SDP request: {'TLS' if request.security == sdp.SECURITY_TLS else 'no TLS'}, {'TCP' if request.transport == sdp.TRANSPORT_TCP else 'UDP'}"
            return Frame(p.ts, "EVCC", data, None, note, "UDP", "sdp")
        response = sdp.parse_response(data)
        note = f"SDP response: SECC at [{response.address}]:{response.port}, {'TLS' if response.security == sdp.SECURITY_TLS else 'no TLS'}"
        return Frame(p.ts, "SECC", data, None, note, "UDP", "sdp")
    except (V2GError, ValueError) as exc:
        return Frame(p.ts, "?", data, None, f"bad SDP datagram from [{p.src}]:{p.sport}: {exc}", "UDP", "sdp")


_DECODED_MAX = 4096  # a charge loop repeats the same payload many times; the memory stays bounded
_Decoded = tuple[exi.Message | None, str | None, list[str]]


def _decode(payload: bytes, cache: dict[tuple[int, bytes], _Decoded], payload_type: int = PayloadType.EXI) -> _Decoded:
    """Decode one EXI payload, leniently: zero bytes after the document are accepted and reported.

    The V2GTP payload type names the schema sets to try (ISO 15118-20: one per payload type).
    Identical payloads of one capture share one decoded Message (treat it as read-only).
    """
    key = (payload_type, payload)
    known = cache.get(key)
    if known is not None:
        return known[0], known[1], list(known[2])
    deviations: list[str] = []
    try:
        schema = exi.detect_schema(payload, schemas_for_payload_type(payload_type))
        result = exi.decode(payload, schema, trailing="zeros", deviations=deviations), None, deviations
    except V2GError as exc:
        result = None, str(exc), deviations
    if len(cache) >= _DECODED_MAX:
        cache.clear()
    cache[key] = result
    return result[0], result[1], list(result[2])


def read(path: str, keylog: str | None = None) -> Capture:
    """Read a capture: every frame, note and session. ``keylog``: an NSS key log file for TLS."""
    packets = read_packets(path)
    frames: list[Frame] = []
    connections: dict[tuple, _Connection] = {}
    secrets = b""
    if keylog:
        try:
            with open(keylog, "rb") as f:
                secrets = f.read() + b"\n"
        except OSError as exc:
            raise CaptureError(f"{keylog}: {exc.strerror or exc}") from None
    for p in packets.items:
        if p.proto == "UDP":
            if tlsmod.is_keylog_line(p.payload):
                secrets += p.payload.rstrip(b"\0") + b"\n"
                line = p.payload.split(b"\n")[0].decode("ascii", "replace")
                label, _, rest = line.partition(" ")
                frames.append(Frame(p.ts, "?", p.payload, None, f"TLS secret in the capture from [{p.src}]:{p.sport} ({label} {rest[:16]}...)", "note", "note"))
                continue
            frame = _sdp_frame(p)
            if frame is not None:
                frames.append(frame)
            continue
        a, b = (p.src, p.sport), (p.dst, p.dport)
        key = (a, b) if a <= b else (b, a)
        conn = connections.get(key)
        if conn is None or (p.flags & 0x02 and not p.flags & 0x10 and conn.segments.get(a)):
            # a new SYN on a used 4-tuple starts a new connection (port reuse)
            if conn is not None:
                connections[key + (p.number,)] = connections.pop(key)
            conn = connections[key] = _Connection(p.number, endpoints=key)
        if p.flags & 0x02:  # SYN
            conn.isn[a] = p.seq
            if not p.flags & 0x10:
                conn.client = a
            continue
        if p.flags & 0x05 and not conn.closed:  # FIN or RST
            conn.closed = f"closed by [{p.src}]:{p.sport} ({'RST' if p.flags & 0x04 else 'FIN'})"
        if p.payload:
            conn.segments.setdefault(a, []).append((p.seq, p.ts, p.payload))
    tls_info: dict[tuple, tlsmod.TLSConnection] | None = None
    tls_error: str | None = None
    sessions: list[Session] = []
    decoded_cache: dict[tuple[int, bytes], _Decoded] = {}
    for conn in sorted(connections.values(), key=lambda c: c.first):
        streams = {side: reassemble(segs, conn.isn.get(side)) for side, segs in conn.segments.items()}
        first = [next((c.data for c in s if isinstance(c, Chunk)), b"") for s in streams.values()]
        if not streams:
            continue
        session = Session(0, None, None)
        conn_frames: list[tuple[tuple[str, int], Cut]] = []
        if any(tlsmod.looks_like_tls(d) for d in first):
            if tls_info is None and tls_error is None:
                try:
                    tls_info = tlsmod.analyse(path, secrets)
                except tlsmod.TLSUnavailable as exc:
                    tls_error = str(exc)
            info = (tls_info or {}).get(conn.endpoints)
            start = min(c.ts for s in streams.values() for c in s)
            where = f"[{conn.endpoints[0][0]}]:{conn.endpoints[0][1]} <-> [{conn.endpoints[1][0]}]:{conn.endpoints[1][1]}"
            if info is None:
                session.tls = "TLS"
                text = f"TLS connection {where}: {tls_error or 'not recognised by tshark'}"
            elif info.records:
                session.tls = info.describe()
                text = f"TLS connection {where}: {info.describe()}, decrypted with the key log"
            else:
                session.tls = info.describe()
                size = sum(len(c.data) for s in streams.values() for c in s if isinstance(c, Chunk))
                text = f"TLS connection {where}: {info.describe()}; no secrets for it, {size} bytes not shown"
            frames.append(Frame(start, "?", b"", None, text, "note", "note"))
            note_index = len(frames) - 1
            if info is not None and info.records:
                for side, records in info.records.items():
                    framer = Framer(KNOWN_PAYLOAD_TYPES)
                    for ts, data in records:
                        conn_frames += [(side, cut) for cut in framer.feed(Chunk(ts, data))]
                    conn_frames += [(side, cut) for cut in framer.finish()]
        else:
            note_index = None
            for side, stream in streams.items():
                framer = Framer(KNOWN_PAYLOAD_TYPES)
                for piece in stream:
                    cuts = framer.feed(piece) if isinstance(piece, Chunk) else framer.gap(piece)
                    conn_frames += [(side, cut) for cut in cuts]
                conn_frames += [(side, cut) for cut in framer.finish()]
        if not any(cut.note is None for _side, cut in conn_frames):
            # not a V2G connection: its reports stand alone, no session
            for side, cut in conn_frames:
                frames.append(Frame(cut.ts, "?", cut.data, None, f"[{side[0]}]:{side[1]}: {cut.note}", "note", "note"))
            continue
        decoded: list[Frame] = []
        for side, cut in conn_frames:
            if cut.note is not None:
                frame = Frame(cut.ts, side, cut.data, None, cut.note, "note", "note")
            elif cut.header is not None and cut.header.payload_type in (PayloadType.SDP_REQUEST, PayloadType.SDP_RESPONSE):
                frame = Frame(cut.ts, side, cut.data, None, "SDP message inside a TCP stream", "note", "note")
            else:
                message, error, deviations = _decode(cut.data[HEADER_LENGTH:], decoded_cache, cut.header.payload_type if cut.header else PayloadType.EXI)
                frame = Frame(cut.ts, side, cut.data, message, error, "TCP", "v2gtp", deviations=deviations)
            decoded.append(frame)
        client = conn.client
        if client is None:  # no handshake in the capture: a request comes from the car
            first_req = next((f for f in decoded if f.message is not None and f.name.endswith("Req")), None)
            first_res = next((f for f in decoded if f.message is not None and f.name.endswith("Res")), None)
            if first_req is not None:
                client = first_req.sender
            elif first_res is not None:
                client = next((s for s in streams if s != first_res.sender), None)
        server = next((e for e in conn.endpoints[:2] if e != client), None) if client else None
        session.number = len(sessions) + 1
        session.client, session.server = client, server
        if conn.closed:
            by = conn.closed.split(" (")[0]
            who = "EVCC" if client and by == f"closed by [{client[0]}]:{client[1]}" else "SECC" if client else "?"
            session.closed = f"TCP connection closed by the {who} ({conn.closed.split('(')[1]}"
        for frame in decoded:
            side = frame.sender
            frame.sender = "?" if client is None else ("EVCC" if side == client else "SECC")
            frame.session = session.number
        if note_index is not None:
            frames[note_index].session = session.number
        decoded.sort(key=lambda f: f.ts)
        session.frames = decoded
        analyse(session)
        sessions.append(session)
        frames.extend(decoded)
    frames.sort(key=lambda f: f.ts)
    return Capture(path, frames, sessions, packets.total, packets.not_ip, packets.damage)


def read_capture(path: str, keylog: str | None = None) -> list[Frame]:
    """Every SDP and V2GTP frame of a capture, and the notes about what is neither, in capture order."""
    return read(path, keylog).frames


# -- output ----------------------------------------------------------------


def _stamp(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="microseconds")


def show(capture: Capture, tracer: Any) -> None:
    """Print a capture through a Tracer, as the SECC's view of each session, then a summary per session."""
    for s in capture.sessions:
        tracer.set_oracle(f"session {s.number}", None)  # the capture's analysis has timed it already
    audits: dict[Any, SignatureAudit] = {}  # Plug & Charge signatures, checked with the certificates each session carries
    for f in capture.frames:
        if f.kind == "sdp":
            tracer.note(f.sender if f.sender != "?" else "SDP", f"{f.error}  [{f.data.hex().upper()}]", at=f.ts)
        elif f.kind == "note":
            where = f"session {f.session}" if f.session else "capture"
            tracer.note(where, f.error + (f"  [{f.data[:64].hex().upper()}]" if f.data else ""), at=f.ts)
        else:
            direction = "rx" if f.sender == "EVCC" else "tx"
            extra = [f"deviation: {d}" for d in f.deviations] + [f"TIMING VIOLATION: {v}" for v in f.violations]
            tracer.message("SECC", f"session {f.session}", direction, f.data, f.message, f.error, at=(f.ts, f.ts), extra=extra)
            checked = audits.setdefault(f.session, SignatureAudit()).observe(f.message)
            if checked:
                tracer.note(f"session {f.session}", checked, at=f.ts)
    if tracer.console is not None:
        for s in capture.sessions:
            print("\n" + s.summary_text(), file=tracer.console)


def _frame_json(f: Frame, xml: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"time": _stamp(f.ts), "ts": f.ts, "kind": f.kind, "session": f.session, "sender": f.sender}
    if f.kind == "v2gtp":
        out["message"] = f.name
        out["hex"] = f.data.hex().upper()
        if f.message is not None and xml:
            out["xml"] = f.message.to_xml()
        if f.error:
            out["error"] = f.error
        if f.deviations:
            out["deviations"] = f.deviations
        if f.violations:
            out["timing_violations"] = [str(v) for v in f.violations]
    else:
        out["text"] = f.error
        if f.data:
            out["hex"] = f.data[:64].hex().upper()
    return out


def to_json(capture: Capture, xml: bool = True) -> str:
    return json.dumps({
        "file": capture.path,
        "packets": capture.packets,
        "damage": capture.damage,
        "sessions": [s.summary() for s in capture.sessions],
        "frames": [_frame_json(f, xml) for f in capture.frames],
    }, indent=1)


def write_junit(capture: Capture, path: str) -> None:
    """JUnit XML: one test case per session; a session with violations fails."""
    from lxml import etree

    failures = sum(1 for s in capture.sessions if s.violations)
    total = sum(s.duration for s in capture.sessions)
    root = etree.Element("testsuites", name="v2glab pcap show", tests=str(len(capture.sessions)), failures=str(failures), errors="0", time=f"{total:.3f}")
    started = _stamp(capture.sessions[0].start)[:19] if capture.sessions else "1970-01-01T00:00:00"
    suite = etree.SubElement(root, "testsuite", name=os.path.basename(capture.path), tests=str(len(capture.sessions)), failures=str(failures),
                             errors="0", skipped="0", time=f"{total:.3f}", timestamp=started, hostname="capture")
    for s in capture.sessions:
        case = etree.SubElement(suite, "testcase", name=f"session {s.number}: {s.protocol}", classname="v2glab.pcap", time=f"{s.duration:.3f}")
        if s.violations:
            failure = etree.SubElement(case, "failure", message=s.violations[0][:200], type="timing" if s.timing else "deviation")
            failure.text = "\n".join(s.violations)
        etree.SubElement(case, "system-out").text = s.summary_text()
    etree.ElementTree(root).write(path, xml_declaration=True, encoding="UTF-8", pretty_print=True)
