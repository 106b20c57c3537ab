"""The EVCC session core, sans-I/O: a simulated car that runs a whole session of any protocol.

Bytes and timer expiries go in; frames to send, timers and the end of the session
come out. The car offers its protocols in priority order, and the SECC's choice
picks the descriptor whose simulated car decides every next request.

Two timer slots: "main" waits for a response (V2G_EVCC_Msg_Timeout) or for the
pause between charge-loop requests; "phase" holds the long limit of a loop the car
repeats (Ongoing, CableCheck, PreCharge), measured from the loop's first request.
"""

from __future__ import annotations

from typing import Any

from .. import exi
from ..errors import EXIError, V2GTPError, ValidationError
from ..protocols import APP_SCHEMA, Protocol, chosen, offer, parse_list
from ..protocols.core import FramedCore
from ..protocols.events import Close, Event, Note, Received, Send, StartTimer, StateChanged, StopTimer
from ..protocols.messages import response_name
from ..protocols.simulator import CarBase, SessionFailed
from ..v2gtp import PayloadType, V2GTPHeader, V2GTPReader, frame

APP = "supportedAppProtocolReq"
LOOP_WAIT = "charge loop period"
MSG_TIMEOUT = "V2G_EVCC_Msg_Timeout"
APP_TIMEOUT = 2.0  # V2G_EVCC_Msg_Timeout of supportedAppProtocolReq, the same in every protocol
PHASE = "phase"

__all__ = ["EvccSession", "SessionFailed"]


class EvccSession(FramedCore):
    def __init__(self, profile: dict[str, Any], protocols: list[Protocol] | None = None) -> None:
        self.profile = profile
        self.offered = protocols or parse_list(profile["protocols"])
        self.offer = offer(self.offered, profile)
        self.protocol: Protocol | None = None
        self.car: CarBase | None = None
        self.reader = V2GTPReader()
        self.session_id = b"\x00"  # SessionSetupReq carries 0 [V2G2-756]
        self.pending: str | None = None  # request waiting for its response
        self.timer: str | None = None
        self.next_request: tuple[str, dict[str, Any]] | None = None  # sent when the loop timer expires
        self.phase: str | None = None  # the request whose loop limit runs in the "phase" slot
        self.closed = False
        self.outcome: Close | None = None

    # -- inputs -----------------------------------------------------------
    def start(self) -> list[Event]:
        return self._send(exi.Message(APP_SCHEMA, APP, self.offer))

    def _frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        try:
            if self.protocol is None:
                if header.payload_type != PayloadType.EXI:
                    raise V2GTPError(f"payload type {header.payload_type:#06x} is not EXI")
                message = exi.decode(payload, APP_SCHEMA)
            else:
                message = self.protocol.envelope.decode(header.payload_type, payload)
        except V2GTPError as exc:
            return self._close(f"{exc} on a V2G connection", ok=False)
        except EXIError as exc:
            return [Received(header, payload, None, str(exc))] + self._close(f"undecodable EXI from the SECC: {exc}", ok=False)
        return [Received(header, payload, message), *self.response(message)]

    def response(self, message: exi.Message) -> list[Event]:
        """The car's reading of a decoded response: its next request, or the close of a failed session.
        (The script engine hands in the responses a script received.)"""
        try:
            return self._response(message)
        except SessionFailed as exc:
            return self._close(str(exc), ok=False)

    def timeout(self, slot: str = "main") -> list[Event]:
        if self.closed:
            return []
        if slot == PHASE and self.phase is not None and self.protocol is not None:
            limit = self.protocol.timing.evcc_phase[self.phase]
            return self._close(f"{limit.name} ({limit.seconds:g} s, {limit.source}) expired: "
                               f"{self.phase[:-3]} still not finished", ok=False)
        if self.timer == LOOP_WAIT and self.next_request:
            name, body = self.next_request
            self.next_request = None
            return self._request(name, body)
        pending = self.pending or "?Req"
        return self._close(f"{MSG_TIMEOUT} ({self.msg_timeout(pending):g} s) expired waiting for {response_name(pending)}", ok=False)

    # -- the car ----------------------------------------------------------
    def _response(self, message: exi.Message) -> list[Event]:
        expected = response_name(self.pending or "")
        name = message.body_name
        if name != expected:
            raise SessionFailed(f"expected {expected}, got {name}")
        if self.pending == APP:
            self.pending = None
            return self._handshake(message.content)
        assert self.protocol is not None and self.car is not None
        setup = self.pending in self.protocol.sequence.first
        self.pending = None
        if self.profile["validate_responses"]:
            try:
                exi.encode(message)  # the facet checks of the encoder, on what came in
            except ValidationError as exc:
                raise SessionFailed(f"{name} breaks the schema: {exc}") from None
        body = message.body
        code = body.get("ResponseCode", "")
        if code.startswith("FAILED") or code.startswith("Failed"):
            raise SessionFailed(f"{name}: {code}")
        if setup:
            self.session_id = self.car.session_id = message.session_id or b""
        elif message.session_id is not None and message.session_id != self.session_id:
            raise SessionFailed(f"{name} carries SessionID {message.session_id.hex().upper()}, not this session's")
        self.car.response = message
        step = self.car.step(name, body)
        notes, self.car.notes = self.car.notes, []
        return [Note(text) for text in notes] + self._next(name, step)

    def _handshake(self, body: dict[str, Any]) -> list[Event]:
        protocol = chosen(self.offer, body)
        if protocol is None:
            offered = ", ".join(f"{p.name} (SchemaID {i})" for i, p in enumerate(self.offered, start=1))
            raise SessionFailed(f"supportedAppProtocolRes {body.get('ResponseCode')} SchemaID {body.get('SchemaID')}; this EV offered {offered}")
        self.protocol = protocol
        self.car = protocol.car(self.profile)
        self.session_id = self.car.session_id  # the car's SessionSetupReq SessionID (-20: 8 bytes, or a paused session's)
        return [StateChanged("handshake", {"protocol": protocol.name}), *self._next("supportedAppProtocolRes", self.car.first())]

    def _next(self, after: str, step: tuple | None) -> list[Event]:
        if step is None:
            return self._close("session complete", ok=True)
        request, req_body, *wait = step
        if wait and wait[0] > 0:
            self.next_request = (request, req_body)
            self.timer = LOOP_WAIT
            return [StateChanged(f"{after} received"), StartTimer(wait[0], LOOP_WAIT)]
        return self._request(request, req_body)

    # -- outputs ----------------------------------------------------------
    def _request(self, name: str, body: dict[str, Any]) -> list[Event]:
        assert self.protocol is not None
        message = self.protocol.wrap(self.session_id, name, body)
        if self.car is not None and self.car.header:  # e.g. the Signature of an AuthorizationReq
            message.content["Header"].update(self.car.header)
            self.car.header = {}
        return self._phase(name) + self._send(message)

    def _phase(self, request: str) -> list[Event]:
        """Start the loop limit when a repeated phase begins; stop it when the car moves on."""
        if request == self.phase:
            return []
        events: list[Event] = [StopTimer(PHASE)] if self.phase is not None else []
        assert self.protocol is not None
        limit = self.protocol.timing.evcc_phase.get(request)
        self.phase = request if limit else None
        if limit:
            events.append(StartTimer(limit.seconds, limit.name, PHASE))
        return events

    def msg_timeout(self, request: str) -> float:
        standard = APP_TIMEOUT if self.protocol is None else self.protocol.timing.msg_timeout(request)
        return standard * self.profile["timers"]["msg_timeout_scale"]  # 1 unless a profile tolerates a slow SECC

    def _send(self, message: exi.Message) -> list[Event]:
        name = message.body_name
        self.pending = name
        self.timer = MSG_TIMEOUT
        data = frame(exi.encode(message)) if self.protocol is None else self.protocol.envelope.frame(message)
        return [Send(data, message), StartTimer(self.msg_timeout(name), MSG_TIMEOUT)]

    def _close(self, reason: str, ok: bool) -> list[Event]:
        events = super()._close(reason, ok)
        self.outcome = events[0]
        return events
