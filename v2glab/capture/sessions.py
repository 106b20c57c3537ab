"""Sessions of a capture: one per TCP connection, timed by the protocol it negotiated.

The supportedAppProtocol exchange names the protocol: the response's SchemaID
picks one of the request's AppProtocol entries, whose ProtocolNamespace says
which standard the rest of the connection speaks. Each session gets its own
timing oracle from :func:`oracle_for`, so DIN SPEC 70121 is not judged by
ISO 15118-2's table, and the pause between two sessions is no sequence timeout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..protocols import by_namespace
from ..protocols.oracle import TimingOracle, Violation

if TYPE_CHECKING:
    from .show import Frame

def protocol_name(namespace: str | None) -> str:
    if namespace is None:
        return "unknown (no supportedAppProtocol exchange in the capture)"
    protocol = by_namespace(namespace)
    return protocol.title if protocol else namespace


def oracle_for(namespace: str | None) -> TimingOracle | None:
    """The timing oracle of the negotiated protocol's descriptor, or None where v2glab does not speak it."""
    protocol = by_namespace(namespace) if namespace else None
    return TimingOracle(protocol) if protocol else None


def response_limits(namespace: str | None) -> dict[str, float]:
    """Per response name, the limit the SECC must meet (for charts): its performance time where the
    protocol defines one, else how long the EV waits (DIN SPEC 70121 defines no performance times)."""
    protocol = by_namespace(namespace) if namespace else None
    if protocol is None:
        return {}
    timing = protocol.timing
    limits = {req[:-3] + "Res": limit.seconds for req, limit in timing.evcc_msg_timeout.items()}
    limits.update({res: limit.seconds for res, limit in timing.secc_performance.items()})
    return limits


def find_key(tree: Any, key: str) -> Any:
    """The first value under ``key`` anywhere in a decoded message tree (depth first)."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        for value in tree.values():
            found = find_key(value, key)
            if found is not None:
                return found
    elif isinstance(tree, list):
        for value in tree:
            found = find_key(value, key)
            if found is not None:
                return found
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex().upper()
    return str(value)


@dataclass
class Session:
    number: int
    client: tuple[str, int] | None
    server: tuple[str, int] | None
    frames: list["Frame"] = field(default_factory=list)
    closed: str = ""  # who closed the TCP connection, if the capture shows it
    tls: str | None = None  # "TLS 1.2, SNI ..." when the connection was TLS
    namespace: str | None = None
    schema_id: int | None = None
    evccid: str | None = None
    evseid: str | None = None
    session_id: str | None = None
    timing: list[Violation] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # capture defects: gaps, skipped bytes
    timing_note: str = ""

    @property
    def protocol(self) -> str:
        return protocol_name(self.namespace)

    @property
    def messages(self) -> list["Frame"]:
        return [f for f in self.frames if f.kind == "v2gtp"]

    @property
    def start(self) -> float:
        return self.frames[0].ts if self.frames else 0.0

    @property
    def duration(self) -> float:
        return self.frames[-1].ts - self.frames[0].ts if self.frames else 0.0

    @property
    def counts(self) -> Counter:
        return Counter(f.name for f in self.messages)

    @property
    def violations(self) -> list[str]:
        return [f"timing: {v}" for v in self.timing] + [f"deviation: {d}" for d in self.deviations]

    @property
    def ended(self) -> str:
        decoded = [f for f in self.messages if f.message is not None]
        parts = []
        if decoded:
            last = decoded[-1]
            code = find_key(last.message.body, "ResponseCode")
            parts.append(f"last message {last.name}" + (f" ({code})" if code else "") + f" from the {last.sender}")
        parts.append(self.closed or "connection still open at the end of the capture")
        return "; ".join(parts)

    def summary(self) -> dict[str, Any]:
        return {
            "session": self.number,
            "client": f"[{self.client[0]}]:{self.client[1]}" if self.client else None,
            "server": f"[{self.server[0]}]:{self.server[1]}" if self.server else None,
            "tls": self.tls,
            "protocol": self.protocol,
            "namespace": self.namespace,
            "schema_id": self.schema_id,
            "evccid": self.evccid,
            "evseid": self.evseid,
            "session_id": self.session_id,
            "messages": len(self.messages),
            "message_counts": dict(self.counts),
            "start": self.start,
            "duration_s": round(self.duration, 6),
            "ended": self.ended,
            "timing": self.timing_note,
            "violations": self.violations,
            "capture_defects": self.notes,
        }

    def summary_text(self) -> str:
        s = self.summary()
        counts = ", ".join(f"{name} {n}" for name, n in s["message_counts"].items())
        lines = [f"Session {self.number}: {self.protocol}" + (f" (SchemaID {self.schema_id})" if self.schema_id is not None else ""),
                 f"  connection  EVCC {s['client'] or '?'} -> SECC {s['server'] or '?'}" + (f", {self.tls}" if self.tls else ""),
                 f"  EVCCID {self.evccid or '-'}  EVSEID {self.evseid or '-'}  SessionID {self.session_id or '-'}",
                 f"  {s['messages']} messages in {self.duration:.3f} s: {counts or '-'}",
                 f"  ended: {self.ended}",
                 f"  timing: {self.timing_note}"]
        lines.append(f"  violations: {len(self.violations)}")
        lines += [f"    {v}" for v in self.violations]
        if self.notes:
            lines.append(f"  capture defects: {len(self.notes)}")
            lines += [f"    {n}" for n in self.notes]
        return "\n".join(lines)


def negotiated(messages: list[Any]) -> tuple[str | None, int | None]:
    """(ProtocolNamespace, SchemaID) agreed in the supportedAppProtocol exchange among ``messages`` (exi.Message)."""
    offered: dict[int, str] = {}
    for message in messages:
        if message is None or message.schema != "app":
            continue
        for entry in (message.content.get("AppProtocol") or []):
            if isinstance(entry, dict) and "SchemaID" in entry:
                offered[entry["SchemaID"]] = entry.get("ProtocolNamespace")
        chosen = message.content.get("SchemaID")
        if chosen is not None and str(message.content.get("ResponseCode", "")).startswith("OK"):
            return offered.get(chosen), chosen
    return None, None


def analyse(session: Session) -> None:
    """Fill in the protocol, the identifiers and the verdicts from the session's frames."""
    session.namespace, session.schema_id = negotiated([f.message for f in session.frames if f.kind == "v2gtp"])
    for f in session.frames:
        if f.kind != "v2gtp":
            if f.error:
                session.notes.append(f.error)
            continue
        if f.message is None:
            session.deviations.append(f"{f.sender} frame does not decode: {f.error}")
            continue
        session.deviations.extend(f"{f.name} from the {f.sender}: {d}" for d in f.deviations)
        message = f.message
        if message.schema == "app":
            continue
        if session.evccid is None:
            session.evccid = _text(find_key(message.body, "EVCCID"))
        if session.evseid is None:
            session.evseid = _text(find_key(message.body, "EVSEID"))
        if session.session_id is None:
            sid = message.session_id
            if sid and any(sid):
                session.session_id = sid.hex().upper()
    oracle = oracle_for(session.namespace)
    if oracle is None:
        session.timing_note = f"no timing table for {session.protocol}"
        return
    session.timing_note = f"judged by {session.protocol}'s limits"
    for f in session.messages:
        if f.message is not None:
            f.violations = oracle.observe(f.ts, f.sender, f.name, f.message.body)
            session.timing.extend(f.violations)
