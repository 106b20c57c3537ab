"""What a protocol plug-in supplies, as data: the descriptor the handshake chooses.

Everything above the codec (the SECC and EVCC cores, the trace, the timing oracle,
the Lua API, the capture tools) takes a :class:`Protocol` and never names one
protocol's messages. A protocol is one sub-package of ``v2glab/protocols/`` that
builds a ``Protocol`` from its tables: handshake namespace and version, schema
set, envelope, allowed-next-request table, timing table with requirement IDs,
and the default charger answers and car requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .. import exi
from ..errors import EXIDecodeError, V2GTPError
from ..exi import Message
from ..exi.grammar import ComplexType, grammar
from ..v2gtp import PayloadType, frame

STOP = "SessionStopReq"


# -- envelope -------------------------------------------------------------------
@dataclass(frozen=True)
class V2GMessageEnvelope:
    """DIN SPEC 70121 and ISO 15118-2: every message is a V2G_Message with Header and Body.

    The body element names the message; the header carries the SessionID. Every
    message travels as V2GTP payload type 0x8001. (ISO 15118-20 has no envelope: each
    message is its own document with its own Header and payload type; its plug-in
    supplies an envelope with the same methods.)
    """

    schema: str

    @property
    def schemas(self) -> tuple[str, ...]:
        return (self.schema,)

    def schema_of(self, name: str) -> str:
        """The schema set a message of this protocol is encoded with."""
        return self.schema

    def wrap(self, session_id: bytes, name: str, body: Any) -> Message:
        return Message(self.schema, "V2G_Message", {"Header": {"SessionID": session_id}, "Body": {name: body}})

    def decode(self, payload_type: int, payload: bytes) -> Message:
        """The message in a V2GTP payload; EXIDecodeError if it is no message of this protocol."""
        if payload_type != PayloadType.EXI:
            raise V2GTPError(f"payload type {payload_type:#06x} is not EXI (0x8001)")
        message = exi.decode(payload, self.schema)
        if message.name != "V2G_Message":
            raise EXIDecodeError(f"root element {message.name} is not V2G_Message", 8)
        return message

    def frame(self, message: Message, validate: bool = True) -> bytes:
        return frame(exi.encode(message, validate))

    def body_type(self, name: str) -> ComplexType:
        root = grammar(self.schema).document_index["V2G_Message"][2]
        return root.children["Body"][1].children[name][1]

    def header_type(self) -> ComplexType:
        """The header every message carries beside its body (SessionID, Notification, Signature)."""
        return grammar(self.schema).document_index["V2G_Message"][2].children["Header"][1]

    def message_names(self) -> list[str]:
        g = grammar(self.schema)
        body = g.document_index["V2G_Message"][2].children["Body"][1]
        # the substitution head is no message (DIN does not even declare it abstract)
        return sorted(k for k in body.children if k not in g.abstract and k != "BodyElement")


# -- sequence -------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """After the SECC sent ``response``, and the facts match ``when``, the EV may send ``allowed`` next.

    ``when`` maps a fact to a value or a tuple of values. Facts are named ``res.<Field>``
    (the response body, dots for nesting), ``req.<Field>`` (the request it answered) or
    ``session.<name>`` (what the charger decided, e.g. the energy mode). An empty
    ``allowed`` ends the session after this response.
    """

    response: str
    allowed: frozenset[str]
    when: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # the requirement the row follows, e.g. "[V2G2-538]"


def row(response: str, allowed: Iterable[str], when: Mapping[str, Any] | None = None, source: str = "") -> Row:
    return Row(response, frozenset(allowed), dict(when or {}), source)


def _fact(name: str, req: Mapping[str, Any], res: Mapping[str, Any], session: Mapping[str, Any]) -> Any:
    scope, _, path = name.partition(".")
    node: Any = {"req": req, "res": res, "session": session}[scope]
    for key in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


class SequenceTable:
    """The allowed-next-request table of a protocol, like h11's ``_state.py``: state as data.

    ``first`` is what the EV may send after the handshake; ``rows`` are tried in order
    and the first that matches decides. A response with no matching row ends the session.
    """

    def __init__(self, first: Iterable[str], rows: Iterable[Row]) -> None:
        self.first = frozenset(first)
        self.rows: dict[str, list[Row]] = {}
        for r in rows:
            self.rows.setdefault(r.response, []).append(r)

    def after(self, response: str, req: Mapping[str, Any], res: Mapping[str, Any], session: Mapping[str, Any]) -> frozenset[str]:
        for r in self.rows.get(response, ()):
            if all(_matches(_fact(k, req, res, session), v) for k, v in r.when.items()):
                return r.allowed
        return frozenset()

    def requests(self) -> set[str]:
        """Every request some row allows (for completeness checks)."""
        return set(self.first).union(*(r.allowed for rows in self.rows.values() for r in rows))


def _matches(value: Any, expected: Any) -> bool:
    return value in expected if isinstance(expected, tuple) else value == expected


# -- timing ---------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    """A named timer of the standard, with its value in seconds and where it is defined."""

    name: str
    seconds: float
    source: str


@dataclass(frozen=True)
class Timing:
    """The timing table of a protocol.

    * ``evcc_msg_timeout``: V2G_EVCC_Msg_Timeout per request (how long the EV waits);
    * ``secc_performance``: V2G_SECC_Msg_Performance_Time per response (what the SECC must meet);
      empty where the protocol defines none;
    * ``evcc_phase``: long limits of loops the EV repeats (Ongoing, CableCheck, PreCharge),
      keyed by the request that is repeated, measured from its first send;
    * ``sequence``, ``communication_setup_secc``, ``communication_setup_evcc``, ``ongoing_secc``.
    """

    evcc_msg_timeout: Mapping[str, Limit]
    secc_performance: Mapping[str, Limit]
    evcc_phase: Mapping[str, Limit]
    sequence: Limit
    communication_setup_secc: Limit
    communication_setup_evcc: Limit
    ongoing_secc: Limit | None = None
    default_msg_timeout: float = 2.0

    def msg_timeout(self, request: str) -> float:
        limit = self.evcc_msg_timeout.get(request)
        return limit.seconds if limit else self.default_msg_timeout

    def find(self, name: str, message: str | None = None) -> Limit | None:
        """The limit called ``name`` in the standard (V2G_SECC_Sequence_Timeout, ...); a per-message one
        (V2G_EVCC_Msg_Timeout, V2G_SECC_Msg_Performance_Time, a phase limit) for ``message``."""
        if message is not None:
            tables = (self.evcc_msg_timeout, self.secc_performance, self.evcc_phase)
            return next((t[message] for t in tables if message in t and t[message].name == name), None)
        single = [self.sequence, self.communication_setup_secc, self.communication_setup_evcc, self.ongoing_secc, *self.evcc_phase.values()]
        return next((limit for limit in single if limit is not None and limit.name == name), None)


# -- what replay compares -------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """The fields that make a live engine behave like a recording (``v2glab replay``), and the
    profile keys ``replay --mimic`` reads off a recorded charger.

    Besides message names, replay compares the verdicts and the fields a profile sets: what a
    live engine must get right to count as behaving like the recorded one.
    """

    charger_fields: frozenset[str] = frozenset({"ResponseCode"})  # compared in the charger's answers
    car_fields: frozenset[str] = frozenset()  # compared in the car's requests
    profile_fields: Mapping[str, str] = field(default_factory=dict)  # SECC profile key (dotted) <- the field showing it


# -- the descriptor ----------------------------------------------------------------
@dataclass(frozen=True)
class Protocol:
    """One protocol, as the engines, the trace, the oracle and the Lua API need it."""

    name: str  # 'iso15118-2': also the Lua API's and the CLI's name
    title: str  # 'ISO 15118-2'
    namespace: str  # the supportedAppProtocol namespace
    version: tuple[int, int]  # (major, minor) v2glab speaks
    schema: str  # the EXI schema set (v2glab.exi.SCHEMAS)
    envelope: V2GMessageEnvelope
    sequence: SequenceTable
    timing: Timing
    charger: Callable[[dict[str, Any]], Any]  # profile -> the simulated charger (default SECC answers)
    car: Callable[[dict[str, Any]], Any]  # profile -> the simulated car (default EV requests)
    payload_type: int = 0x8001  # V2GTP payload type of its messages
    energy: tuple[str, ...] = ("AC", "DC")  # what it can charge
    sequence_error: str = "FAILED_SequenceError"  # [V2G2-538], [V2G-DC-390]
    unknown_session: str = "FAILED_UnknownSession"  # [V2G2-460], [V2G-DC-391]
    # More handshake namespaces of the same protocol (ISO 15118-20 offers -20:DC, -20:AC, ...);
    # ``offered(profile)`` picks those a car offers, the SECC accepts them all.
    # SECC profile key -> the response whose EVSEProcessing = Ongoing answers that count makes
    # (what ``replay --mimic`` reads off a recorded charger).
    ongoing_counts: Mapping[str, str] = field(default_factory=dict)
    more_namespaces: tuple[str, ...] = ()
    offered_namespaces: Callable[[dict[str, Any]], tuple[str, ...]] | None = None
    # The Lua tables its API pages name (SECC, EVCC); both spellings work in every script.
    lua_tables: tuple[str, str] = ("Secc", "Evcc")
    tls_version: str = "1.2"  # the TLS version it runs on ([V2G2-614]; ISO 15118-20: 1.3)
    comparison: Comparison = Comparison()  # what replay compares

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (self.namespace, *self.more_namespaces)

    def offered(self, profile: dict[str, Any] | None) -> tuple[str, ...]:
        """The namespaces a car with this profile offers for this protocol."""
        if self.offered_namespaces is None or profile is None:
            return (self.namespace,)
        return self.offered_namespaces(profile)

    def message_names(self) -> list[str]:
        return self.envelope.message_names()

    def body_type(self, name: str) -> ComplexType:
        return self.envelope.body_type(name)

    def wrap(self, session_id: bytes, name: str, body: Any) -> Message:
        return self.envelope.wrap(session_id, name, body)

    @property
    def schemas(self) -> tuple[str, ...]:
        return self.envelope.schemas

    def __str__(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<Protocol {self.name}>"
