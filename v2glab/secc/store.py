"""Paused sessions of one SECC, shared by its connections, so an EV that paused can rejoin [V2G2-463].

An EV may pause (SessionStopReq with ChargingSession = Pause) and come back later
with its SessionID. Every pause would otherwise stay in memory for the life of the
process: a peer looping SessionSetup + Pause grows the SECC without end. So a
paused session is kept only while resuming is on, for at most ``lifetime`` seconds,
and at most ``capacity`` of them, the oldest evicted first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Callable


class SessionStore:
    def __init__(self, enabled: bool = True, lifetime: float = 86400.0, capacity: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
        self._paused: OrderedDict[bytes, tuple[float, Any]] = OrderedDict()  # oldest first

    @classmethod
    def for_profile(cls, profile: dict[str, Any]) -> SessionStore:
        """The store an SECC profile asks for (keys resume_paused_sessions, max_paused_sessions, timers.paused_session_lifetime)."""
        return cls(profile["resume_paused_sessions"], profile["timers"]["paused_session_lifetime"], profile["max_paused_sessions"])

    def pause(self, session_id: bytes, state: Any) -> None:
        """Keep ``state`` for a later SessionSetupReq with ``session_id``; nothing when resuming is off."""
        if not self.enabled or self.capacity <= 0:
            return
        self._expire()
        self._paused.pop(session_id, None)
        self._paused[session_id] = (self.clock() + self.lifetime, state)
        while len(self._paused) > self.capacity:
            self._paused.popitem(last=False)

    def resume(self, session_id: bytes) -> Any | None:
        """The paused state of ``session_id`` (removed from the store), or None: unknown, expired or resuming off."""
        if not self.enabled:
            return None
        self._expire()
        entry = self._paused.pop(session_id, None)
        return None if entry is None else entry[1]

    def _expire(self) -> None:
        # Entries are in pause order and share one lifetime, so the expired ones are at the front.
        now = self.clock()
        while self._paused:
            deadline, _state = next(iter(self._paused.values()))
            if deadline > now:
                break
            self._paused.popitem(last=False)

    def __len__(self) -> int:
        self._expire()
        return len(self._paused)

    def __contains__(self, session_id: bytes) -> bool:
        self._expire()
        return session_id in self._paused
