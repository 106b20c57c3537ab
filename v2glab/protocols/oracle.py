"""The timing oracle: is every answer within the time the session's protocol allows?

Sans-I/O: feed it (time, sender, message) as they pass, one instance per TCP
connection; it returns the violations. The limits come from the protocol
descriptor's timing table (``v2glab/protocols/<name>/timing.py``), so a DIN SPEC
70121 session is judged by DIN's limits and an ISO 15118-2 session by -2's:

* V2G_SECC_Msg_Performance_Time per response, where the protocol defines one;
* V2G_EVCC_Msg_Timeout per request: beyond it the EV has given up;
* V2G_SECC_Sequence_Timeout: from a response to the next request;
* V2G_SECC_Ongoing_Performance_Time: how long EVSEProcessing may stay Ongoing.

An oracle made without a protocol binds to the first protocol message it sees
(the handshake comes first and is judged by the limits common to all protocols).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import APP_SCHEMA, by_schema
from .base import Limit, Protocol

# supportedAppProtocol: the EV waits 2 s, the SECC answers within 1.5 s, in every protocol
# (ISO 15118-2 Table 109, DIN SPEC 70121 Table 75, ISO 15118-20 Table 219).
HANDSHAKE_EVCC = Limit("V2G_EVCC_Msg_Timeout", 2.0, "supportedAppProtocol, all protocols")
HANDSHAKE_SECC = Limit("V2G_SECC_Msg_Performance_Time", 1.5, "supportedAppProtocol, all protocols")


@dataclass(frozen=True)
class Violation:
    message: str  # the late message
    limit: str  # the timer's name in the standard
    limit_s: float
    measured_s: float
    source: str = ""

    def __str__(self) -> str:
        return (f"{self.message} came after {self.measured_s * 1000:.1f} ms, limit {self.limit_s * 1000:g} ms "
                f"({self.limit}, {self.source}): {(self.measured_s - self.limit_s) * 1000:.1f} ms late")


def _late(message: str, limit: Limit | None, measured: float) -> list[Violation]:
    if limit is None or measured <= limit.seconds:
        return []
    return [Violation(message, limit.name, limit.seconds, measured, limit.source)]


class TimingOracle:
    def __init__(self, protocol: Protocol | None = None) -> None:
        self.protocol = protocol
        self.request: tuple[str, float] | None = None
        self.last_response_at: float | None = None
        self.ongoing_since: dict[str, float] = {}

    def observe(self, ts: float, sender: str, name: str, body: Any = None, schema: str | None = None) -> list[Violation]:
        """``sender`` is 'EVCC' or 'SECC'; ``ts`` in seconds on any one clock; ``schema`` of the message."""
        if self.protocol is None and schema not in (None, APP_SCHEMA):
            self.protocol = by_schema(schema)
        handshake = schema == APP_SCHEMA or (schema is None and name.startswith("supportedAppProtocol"))
        timing = None if self.protocol is None else self.protocol.timing
        found: list[Violation] = []
        if sender == "EVCC" and name.endswith("Req"):
            if self.last_response_at is not None and timing is not None:
                found += _late(name, timing.sequence, ts - self.last_response_at)
            self.request = (name, ts)
        elif sender == "SECC" and name.endswith("Res") and self.request is not None and self.request[0][:-3] == name[:-3]:
            request, sent = self.request
            elapsed = ts - sent
            if handshake:
                found += _late(name, HANDSHAKE_SECC, elapsed) + _late(name, HANDSHAKE_EVCC, elapsed)
            elif timing is not None:
                found += _late(name, timing.secc_performance.get(name), elapsed)
                found += _late(name, timing.evcc_msg_timeout.get(request), elapsed)
                found += self._ongoing(name, body, sent, ts, timing.ongoing_secc)
            self.request = None
            self.last_response_at = ts
        return found

    def _ongoing(self, name: str, body: Any, sent: float, ts: float, limit: Limit | None) -> list[Violation]:
        processing = body.get("EVSEProcessing") if isinstance(body, dict) else None
        if processing is None:
            return []
        if not processing.startswith("Ongoing"):
            self.ongoing_since.pop(name, None)
            return []
        since = self.ongoing_since.setdefault(name, sent)
        return _late(name, limit, ts - since)
