"""Paused sessions of one SECC, shared by its connections, so an EV can rejoin [V2G2-463]."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

MAX_PAUSED = 1000  # a misbehaving EV must not grow the SECC without bound: the oldest go first


class SessionStore:
    def __init__(self, limit: int = MAX_PAUSED) -> None:
        self.limit = limit
        self.paused: OrderedDict[bytes, Any] = OrderedDict()

    def keep(self, session_id: bytes, charger: Any) -> None:
        self.paused[session_id] = charger
        self.paused.move_to_end(session_id)
        while len(self.paused) > self.limit:
            self.paused.popitem(last=False)

    def take(self, session_id: bytes) -> Any | None:
        return self.paused.pop(session_id, None)
