"""Hybrid play: the engine of the script's role plays every step the script does not take.

This is the one adapter between a script run and the engines' sans-I/O cores
(``secc/session.py`` SeccSession, ``evcc/session.py`` EvccSession), which answer and
request by the negotiated protocol's descriptor (its simulated charger and car). The
script layer asks the cores for the default answer or request and tells them what the
script sent instead, so that they keep the session's state (SessionID, allowed next
requests, the car's next step). Nothing here names a protocol's messages.
"""

from __future__ import annotations

from typing import Any

from .. import exi
from ..evcc.session import APP as APP_REQ, LOOP_WAIT, MSG_TIMEOUT, EvccSession
from ..protocols import negotiate
from ..protocols.events import Close, Event, Send, StartTimer, StopTimer
from ..protocols.messages import response_name
from ..secc.session import SeccSession

APP_RES = response_name(APP_REQ)


class SeccEngine:
    """The SECC core, answering the requests the script does not take."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.core = SeccSession(profile)
        self.outcome: Close | None = None
        self.finishing = False  # the script ended; the core's own timers count again

    @property
    def closed(self) -> bool:
        return self.core.closed

    @property
    def simulator(self) -> Any:
        return self.core.charger

    def reason(self) -> str:
        return self.outcome.reason if self.outcome else "the session ended"

    def plays_before(self, message: exi.Message, wanted: str) -> bool:
        """Does the engine answer ``message`` while the script waits for ``wanted``?

        Only a request the session allows now, and only while ``wanted`` is not allowed
        yet: then it is a step before the script's. When ``wanted`` could come now, any
        other request is the script's to see (a branch: Check_Received_ tells which).
        """
        allowed = self.core.allowed
        name = message.body_name
        return not self.core.closed and name != wanted and wanted not in allowed and name in allowed

    def answer(self, message: exi.Message) -> list[Event]:
        if self.core.closed:
            return []
        return self._note(self.core.answer(message))

    handle = answer

    def script_answered(self, request: exi.Message | None, response: exi.Message) -> list[Event]:
        """The script sent ``response``: the session moves on as if the engine had sent it.

        A FAILED answer ends the engine's part, but the connection stays the script's to close.
        """
        core = self.core
        if core.closed:
            return []
        name = response.body_name
        if name == APP_RES:
            protocol = negotiate(request.content, core.enabled)[1] if request is not None else None
            if protocol is not None and response.content.get("ResponseCode", "").startswith("OK"):
                core.protocol, core.charger, core.allowed = protocol, protocol.charger(core.profile), protocol.sequence.first
            else:
                core.closed = True
            return []
        if request is None or core.protocol is None or response_name(request.body_name) != name:
            return []  # an answer that matches no request (a negative test): the state stays
        if request.body_name in core.protocol.sequence.first:
            core.session_id = response.session_id
        told = getattr(core.charger, "sent", None)  # what the charger keeps of its answer (a GenChallenge to check)
        if told is not None:
            told(name, response.body)
        events = core.advance(request.body_name, request.body, name, response.body)
        return [e for e in self._note(events) if not isinstance(e, Close)]

    def finish(self, unanswered: exi.Message | None) -> list[Event]:
        self.finishing = True
        events = self.answer(unanswered) if unanswered is not None else []
        return events + [StartTimer(self.core.profile["timers"]["sequence_timeout"], "V2G_SECC_Sequence_Timeout")]

    def proceed(self) -> list[Event]:
        return []

    def timeout(self) -> list[Event]:
        return self._note(self.core.timeout())

    def _note(self, events: list[Event]) -> list[Event]:
        """While the script runs, its own waits time the session: the core's timers count only when it finishes."""
        for event in events:
            if isinstance(event, Close):
                self.outcome = event
        return events if self.finishing else [e for e in events if not isinstance(e, StartTimer)]


class EvccEngine:
    """The EVCC core, sending the requests the script does not send and reading every response."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.core = EvccSession(profile)
        self.proposal: tuple[str, list[Event]] | None = None  # the car's next request, held back until played
        self.delayed = False  # the proposal waits for the charge-loop period
        self.started = False
        self.pending: str | None = None  # request sent, response not yet received
        self.pending_by_script = False
        self.deliver_next = False  # the engine sent the request a waiting Receive wants: its response is the script's
        self.sent: set[str] = set()
        self.outcome: Close | None = None
        self.finishing = False

    @property
    def closed(self) -> bool:
        return self.core.closed

    @property
    def simulator(self) -> Any:
        return self.core.car

    def reason(self) -> str:
        return self.outcome.reason if self.outcome else "the session ended"

    def _take_events(self, events: list[Event]) -> list[Event]:
        """Hold the core's next request back as the proposal; pass the rest on."""
        out: list[Event] = []
        for event in events:
            if isinstance(event, Send):
                self.proposal = (event.message.body_name, [event])
                self.delayed = False
            elif isinstance(event, StartTimer):
                if event.name == LOOP_WAIT and self.core.next_request is not None:
                    self.proposal = (self.core.next_request[0], [])
                    self.delayed = True
                    out.append(event)
                elif self.finishing and event.name == MSG_TIMEOUT and self.proposal is not None:
                    self.proposal[1].append(event)
            elif isinstance(event, Close):
                self.outcome = event
                out.append(event)
            elif not isinstance(event, StopTimer):
                out.append(event)
        return out

    def play_handshake(self) -> list[Event]:
        if not self.started:
            self.started = True
            self._take_events(self.core.start())
        return self.play()

    def play(self, for_response: str | None = None) -> list[Event]:
        """Send the car's next request, unless one is pending or the loop period is not over."""
        if self.core.closed or self.pending is not None or self.proposal is None or self.delayed:
            return []
        name, events = self.proposal
        self.proposal = None
        self.pending, self.pending_by_script = name, False
        self.sent.add(name)
        self.deliver_next = for_response is not None and response_name(name) == for_response
        return events

    def script_may_send(self, name: str) -> bool:
        """May the script's request go now? Else the engine plays the steps before it first."""
        if self.core.closed or (self.pending is not None and self.pending_by_script):
            return True
        if self.pending is not None:
            return False  # the engine's request: its response first
        if self.proposal is None:
            return not self.started  # nothing proposed yet: only before the handshake
        return name == self.proposal[0] or name in self.sent

    def script_sent(self, message: exi.Message) -> list[Event]:
        """The script's request went in the car's place; the StopTimer ends a loop pause the car was in
        (else that pause would expire while the script waits for its answer, as a message timeout)."""
        core = self.core
        name = message.body_name
        self.started = True
        self.proposal, self.delayed = None, False
        self.pending, self.pending_by_script = name, True
        self.sent.add(name)
        core.pending, core.timer, core.next_request = name, MSG_TIMEOUT, None
        if name == APP_REQ:
            core.offer = message.content  # the SECC's choice refers to the script's SchemaIDs
        elif core.car is not None:
            core.car.sent(name, message.body)
        return [StopTimer()]

    def delivers(self, message: exi.Message) -> bool:
        return self.pending is None or self.pending_by_script or self.deliver_next

    def script_received(self, message: exi.Message) -> list[Event]:
        self.deliver_next = False
        return self.handle(message)

    def handle(self, message: exi.Message) -> list[Event]:
        """A response: the car reads it and decides its next request (held back as the proposal)."""
        self.pending = None
        if self.core.closed:
            return []
        return [StopTimer(), *self._take_events(self.core.response(message))]

    def finish(self, unanswered: Any) -> list[Event]:
        self.finishing = True
        if self.proposal is not None and not self.delayed:
            self.proposal[1].append(StartTimer(self.core.msg_timeout(self.proposal[0]), MSG_TIMEOUT))
        return self.play_handshake() if not self.started else self.play()

    def proceed(self) -> list[Event]:
        return self.play()

    def timeout(self) -> list[Event]:
        self.delayed = False
        if self.core.timer == LOOP_WAIT:
            self.proposal = None
        return self._take_events(self.core.timeout())


def engine_for(role: str, profile: dict[str, Any]) -> SeccEngine | EvccEngine:
    return SeccEngine(profile) if role == "secc" else EvccEngine(profile)
