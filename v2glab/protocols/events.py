"""What a sans-I/O session core asks its adapter to do, and what it reports.

The cores never touch a socket or a clock: they take bytes and timer expiries
in and return a list of these. The adapter performs them in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..exi import Message
from ..v2gtp import V2GTPHeader


@dataclass
class Send:
    """Write this V2GTP frame to the peer."""

    frame: bytes
    message: Message | None = None  # None when the bytes are raw (a test sending garbage)


@dataclass
class Received:
    """A frame arrived and decoded (for the trace)."""

    header: V2GTPHeader
    payload: bytes
    message: Message | None
    error: str | None = None


@dataclass
class StartTimer:
    """(Re)start the session's timer in ``slot``; on expiry call ``timeout(slot)``.

    Most waits use the one "main" slot; the EV runs a second one for the long limit of a
    loop (CableCheck, PreCharge, Ongoing) beside the per-message timeout.
    """

    seconds: float
    name: str
    slot: str = "main"


@dataclass
class StopTimer:
    slot: str = "main"


@dataclass
class Close:
    """Close the connection. ``ok`` is False when the session failed."""

    reason: str
    ok: bool = True


@dataclass
class StateChanged:
    state: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Note:
    """A line for the trace, e.g. the result of a signature or certificate check."""

    text: str


Event = Send | Received | StartTimer | StopTimer | Close | StateChanged | Note
