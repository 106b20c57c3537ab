"""The timing oracle: is every answer within the time ISO 15118-2 allows?

Sans-I/O: feed it (time, sender, message) as they pass, one instance per
connection; it returns the violations. The limits come from ``timing.py``:

* V2G_SECC_Msg_Performance_Time (Table 109): 25 ms for CurrentDemandRes, 4.5 s
  where the EV waits 5 s, 1.5 s for the rest;
* V2G_EVCC_Msg_Timeout (Table 109): beyond it the EV has given up;
* V2G_SECC_Sequence_Timeout [V2G2-443]: 60 s from a response to the next request;
* V2G_SECC_Ongoing_Performance_Time: 55 s of EVSEProcessing = Ongoing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .timing import EVCC_MSG_TIMEOUT, SECC_MSG_PERFORMANCE_TIME, SECC_ONGOING_PERFORMANCE_TIME, SECC_SEQUENCE_TIMEOUT

SOURCES = {
    "V2G_SECC_Msg_Performance_Time": "ISO 15118-2 Table 109",
    "V2G_EVCC_Msg_Timeout": "ISO 15118-2 Table 109",
    "V2G_SECC_Sequence_Timeout": "ISO 15118-2 [V2G2-443]",
    "V2G_SECC_Ongoing_Performance_Time": "ISO 15118-2 Table 109",
}


@dataclass(frozen=True)
class Violation:
    message: str  # the late message
    limit: str  # the timer's name in the standard
    limit_s: float
    measured_s: float

    def __str__(self) -> str:
        return (f"{self.message} came after {self.measured_s * 1000:.1f} ms, limit {self.limit_s * 1000:g} ms "
                f"({self.limit}, {SOURCES[self.limit]}): {(self.measured_s - self.limit_s) * 1000:.1f} ms late")


class TimingOracle:
    def __init__(self) -> None:
        self.request: tuple[str, float] | None = None
        self.last_response_at: float | None = None
        self.ongoing_since: dict[str, float] = {}

    def observe(self, ts: float, sender: str, name: str, body: Any = None) -> list[Violation]:
        """``sender`` is 'EVCC' or 'SECC'; ``ts`` in seconds on any one clock."""
        found: list[Violation] = []
        if sender == "EVCC" and name.endswith("Req"):
            if self.last_response_at is not None and ts - self.last_response_at > SECC_SEQUENCE_TIMEOUT:
                found.append(Violation(name, "V2G_SECC_Sequence_Timeout", SECC_SEQUENCE_TIMEOUT, ts - self.last_response_at))
            self.request = (name, ts)
        elif sender == "SECC" and name.endswith("Res") and self.request is not None and self.request[0][:-3] == name[:-3]:
            request, sent = self.request
            elapsed = ts - sent
            limit = SECC_MSG_PERFORMANCE_TIME.get(name)
            if limit is not None and elapsed > limit:
                found.append(Violation(name, "V2G_SECC_Msg_Performance_Time", limit, elapsed))
            ev_limit = EVCC_MSG_TIMEOUT.get(request)
            if ev_limit is not None and elapsed > ev_limit:
                found.append(Violation(name, "V2G_EVCC_Msg_Timeout", ev_limit, elapsed))
            processing = body.get("EVSEProcessing") if isinstance(body, dict) else None
            if processing is not None:
                if processing.startswith("Ongoing"):
                    since = self.ongoing_since.setdefault(name, sent)
                    if ts - since > SECC_ONGOING_PERFORMANCE_TIME:
                        found.append(Violation(name, "V2G_SECC_Ongoing_Performance_Time", SECC_ONGOING_PERFORMANCE_TIME, ts - since))
                else:
                    self.ongoing_since.pop(name, None)
            self.request = None
            self.last_response_at = ts
        return found
