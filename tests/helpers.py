"""Shared test helpers: the protocol descriptors, and messages built the way a peer would."""

from __future__ import annotations

from typing import Any

from v2glab import exi
from v2glab.protocols import get
from v2glab.v2gtp import frame

ISO2 = get("iso15118-2")
DIN = get("din70121")
ISO2_NAMESPACE = ISO2.namespace
DIN_NAMESPACE = DIN.namespace


def v2g_message(session_id: bytes, name: str, body: Any, protocol: Any = ISO2) -> exi.Message:
    return protocol.wrap(session_id, name, body)


def request_frame(session_id: bytes, name: str, body: Any, protocol: Any = ISO2) -> bytes:
    return frame(exi.encode(protocol.wrap(session_id, name, body)))


def run_pair(secc_profile: dict, evcc_profile: dict, store: Any = None) -> tuple[list[Any], Any, Any]:
    """Run the SECC and EVCC cores against each other in memory (h11's tests/helpers.py style).

    The EV's pause timers fire at once; the long timers never do. Returns every message
    sent, in order, and the two Close events (SECC, EVCC). Pass a ``store`` shared by two
    connections to pause and resume.
    """
    from v2glab.evcc.session import EvccSession
    from v2glab.protocols.events import Close, Send, StartTimer
    from v2glab.secc.session import SeccSession
    from v2glab.secc.store import SessionStore

    secc = SeccSession(secc_profile, store if store is not None else SessionStore())
    evcc = EvccSession(evcc_profile)
    secc.start()
    messages: list[Any] = []
    outcome: dict[str, Any] = {}
    pending = [("evcc", evcc.start())]
    while pending:
        side, events = pending.pop(0)
        target = secc if side == "evcc" else evcc
        for event in events:
            if isinstance(event, Send):
                messages.append(event.message)
                pending.append(("secc" if side == "evcc" else "evcc", target.receive_data(event.frame)))
            elif isinstance(event, StartTimer) and side == "evcc" and event.name == "charge loop period":
                pending.append(("evcc", evcc.timeout()))
            elif isinstance(event, Close):
                outcome[side] = event
    return messages, outcome.get("secc"), outcome.get("evcc")
