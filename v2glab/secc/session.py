"""The SECC session core, sans-I/O: bytes and timer expiries in, events out.

One instance serves one TCP connection, for whichever protocol the handshake picks:

* the first frame must be supportedAppProtocolReq; the SECC picks, by the EV's
  priority, a protocol its profile enables, and from then on decodes, sequences and
  answers by that protocol's descriptor (``v2glab/protocols/<name>/``);
* a request out of sequence is answered with its own response type, only mandatory
  fields, FAILED_SequenceError, and the connection closes [V2G2-538][V2G2-539][V2G-DC-390];
  a message of another protocol than the session's is out of sequence too;
* a SessionID other than the session's is answered FAILED_UnknownSession [V2G2-460][V2G-DC-391];
* every other FAILED answer also closes the connection, as Josev and RISE do;
* a bad V2GTP header or undecodable EXI closes the connection without an answer:
  the request type is unknown, so no response can match it;
* after each response the sequence timer restarts [V2G2-443].

Nothing here names a message of one protocol: the descriptor supplies the table of
allowed requests, the timers and the simulated charger that answers.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from .. import exi
from ..errors import EXIError, V2GTPError
from ..protocols import APP_SCHEMA, Protocol, negotiate, parse_list, registry
from ..protocols.core import FramedCore
from ..protocols.events import Event, Note, Received, Send, StartTimer, StateChanged
from ..protocols.messages import failed_response, response_name
from ..protocols.simulator import ChargerBase, Refused
from ..v2gtp import PayloadType, V2GTPHeader, V2GTPReader, frame
from .store import SessionStore

APP = "supportedAppProtocolReq"
SETUP_TIMER = "V2G_SECC_CommunicationSetup_Performance_Time"  # [V2G2-723]
SEQUENCE_TIMER = "V2G_SECC_Sequence_Timeout"  # [V2G2-443]


class SeccSession(FramedCore):
    def __init__(
        self,
        profile: dict[str, Any],
        store: SessionStore | None = None,
        new_session_id: Callable[[], bytes] = lambda: os.urandom(8),
    ) -> None:
        self.profile = profile
        self.enabled: list[Protocol] = parse_list(profile["protocols"])
        self.store = store if store is not None else SessionStore.for_profile(profile)
        self.new_session_id = new_session_id
        self.reader = V2GTPReader(profile["transport"]["max_payload"])
        self.protocol: Protocol | None = None  # chosen by the handshake
        self.charger: ChargerBase | None = None
        self.session_id: bytes | None = None
        self.allowed: frozenset[str] = frozenset({APP})
        self.closed = False

    # -- inputs -----------------------------------------------------------
    def start(self) -> list[Event]:
        """The connection is up: the EV has until SessionSetupRes [V2G2-723]."""
        return [StartTimer(self.profile["timers"]["communication_setup_timeout"], SETUP_TIMER)]

    def timeout(self, slot: str = "main") -> list[Event]:
        """The running timer expired: stop the session without a response [V2G2-443]."""
        if self.closed:
            return []
        waited = SETUP_TIMER if self.session_id is None else SEQUENCE_TIMER
        return self._close(f"{waited} expired waiting for {' or '.join(sorted(self.allowed))}", ok=False)

    def answer(self, message: exi.Message) -> list[Event]:
        """The charger's answer to a decoded message: the handshake's or a request of the session's
        protocol. (The script engine hands in the requests a script leaves to the engine.)"""
        return self._app_protocol(message) if self.protocol is None else self._request(message)

    # -- processing -------------------------------------------------------
    def _frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        if self.protocol is None:
            return self._handshake_frame(header, payload)
        try:
            message = self.protocol.envelope.decode(header.payload_type, payload)
        except V2GTPError as exc:
            return self._close(f"{exc} in a {self.protocol.name} session", ok=False)
        except EXIError as exc:
            foreign = self._foreign_message(header.payload_type, payload)
            if foreign is None:
                return [Received(header, payload, None, str(exc)), *self._close(f"undecodable EXI: {exc}", ok=False)]
            return [Received(header, payload, foreign), *self._foreign(foreign)]
        return [Received(header, payload, message), *self._request(message)]

    def _handshake_frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        if header.payload_type != PayloadType.EXI:
            return self._close(f"payload type {header.payload_type:#06x} is not EXI on a V2G connection", ok=False)
        try:
            message = exi.decode(payload, APP_SCHEMA)
        except EXIError as exc:
            return [Received(header, payload, None, str(exc)), *self._close(f"undecodable EXI: {exc}", ok=False)]
        return [Received(header, payload, message), *self._app_protocol(message)]

    def _foreign_message(self, payload_type: int, payload: bytes) -> exi.Message | None:
        """What another protocol v2glab speaks makes of a payload the session's protocol cannot decode."""
        for other in registry().values():
            if other is not self.protocol:
                try:
                    return other.envelope.decode(payload_type, payload)
                except (EXIError, V2GTPError):
                    continue
        return None

    def _app_protocol(self, message: exi.Message) -> list[Event]:
        if message.name != APP:
            return self._close(f"expected {APP}, got {message.name}", ok=False)
        body, chosen = negotiate(message.content, self.enabled)
        events = self._send(exi.Message(APP_SCHEMA, response_name(APP), body))
        if chosen is None:
            offered = ", ".join(o["ProtocolNamespace"] for o in message.content.get("AppProtocol", [])) or "nothing"
            enabled = ", ".join(p.name for p in self.enabled)
            return events + self._close(f"no enabled protocol offered (offered: {offered}; enabled: {enabled})", ok=False)
        self.protocol = chosen
        self.charger = chosen.charger(self.profile)
        self.allowed = chosen.sequence.first
        return events + [StateChanged("SessionSetup", {"protocol": chosen.name})]

    def _foreign(self, message: exi.Message) -> list[Event]:
        """A message of another protocol than the session's: out of sequence."""
        assert self.protocol is not None
        name = message.body_name
        reason = f"{name} of {message.schema} inside a {self.protocol.name} session"
        if name.endswith("Req") and name in self.protocol.message_names():
            return self._fail(name, self.protocol.sequence_error, reason)
        return self._close(f"{reason}: no response of this protocol matches it", ok=False)

    def _request(self, message: exi.Message) -> list[Event]:
        protocol, charger = self.protocol, self.charger
        assert protocol is not None and charger is not None
        name = message.body_name
        if not name.endswith("Req"):
            return self._close(f"{name} is not a request", ok=False)
        req = message.body
        setup = name in protocol.sequence.first
        if not setup and message.session_id != self.session_id:
            shown = message.session_id.hex().upper() if message.session_id else None
            return self._fail(name, protocol.unknown_session, f"SessionID {shown} is not this session's")
        if name not in self.allowed:
            return self._fail(name, protocol.sequence_error, f"{name} out of sequence; allowed: {', '.join(sorted(self.allowed))}")
        if setup:
            self._session_setup(message.session_id or b"")
            charger = self.charger
        handler = getattr(charger, name, None)
        if handler is None:
            return self._fail(name, "FAILED", f"{name}: the simulated charger does not answer it")
        charger.request, charger.header = message, {}
        try:
            body = handler(req)
        except Refused as refused:
            return self._notes(charger) + self._fail(name, refused.code, str(refused))
        return self._notes(charger) + self._respond(name, req, body)

    @staticmethod
    def _notes(charger: ChargerBase) -> list[Event]:
        notes, charger.notes = charger.notes, []
        return [Note(text) for text in notes]

    def _session_setup(self, requested: bytes) -> None:
        """Rejoin a paused session, or start a new one [V2G2-756]."""
        resumed = self.store.resume(requested) if self.profile["resume_paused_sessions"] else None
        if resumed is not None and resumed.profile is self.profile and type(resumed) is type(self.charger):
            self.charger = resumed
            self.charger.rejoined = True
            self.session_id = requested
            return
        self.session_id = self.new_session_id()

    def _respond(self, request: str, req: dict[str, Any], body: dict[str, Any]) -> list[Event]:
        protocol, charger = self.protocol, self.charger
        assert protocol is not None and charger is not None
        name = response_name(request)
        response = protocol.wrap(self.session_id or b"\x00", name, body)
        if charger.header:  # e.g. the Signature of a CertificateInstallationRes
            response.content["Header"].update(charger.header)
        return self._send(response) + self.advance(request, req, name, body)

    def advance(self, request: str, req: dict[str, Any], name: str, body: dict[str, Any]) -> list[Event]:
        """The session after ``name`` answered ``request`` (sent by this core, or by a Lua script in its place)."""
        protocol, charger = self.protocol, self.charger
        assert protocol is not None and charger is not None
        events: list[Event] = []
        code = body.get("ResponseCode", "OK")
        if code.startswith("FAILED"):
            return events + self._close(f"{name} answered {code}", ok=False)
        self.allowed = protocol.sequence.after(name, req, body, charger.facts())
        if not self.allowed:
            if charger.paused and self.session_id is not None:
                charger.rejoined = False
                self.store.pause(self.session_id, charger)  # kept only while resuming is on [V2G2-463]
                return events + self._close("session paused by the EV", ok=True)
            return events + self._close("session terminated by the EV", ok=True)
        return events + [
            StateChanged(name, {"allowed": sorted(self.allowed)}),
            StartTimer(self.profile["timers"]["sequence_timeout"], SEQUENCE_TIMER),
        ]

    def _fail(self, request: str, code: str, reason: str) -> list[Event]:
        protocol = self.protocol
        assert protocol is not None
        name, body = failed_response(request, code, protocol.envelope.schema_of(request))
        if self.charger is not None:
            body = self.charger.failed(name, body)
        message = protocol.wrap(self.session_id or b"\x00", name, body)
        return self._send(message) + self._close(f"{code}: {reason}", ok=False)

    def _send(self, message: exi.Message) -> list[Event]:
        if self.protocol is None or message.schema == APP_SCHEMA:
            return [Send(frame(exi.encode(message)), message)]
        return [Send(self.protocol.envelope.frame(message), message)]
