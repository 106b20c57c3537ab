"""Paused sessions: kept only while resuming is on, for a profile-set time, at most a profile-set count."""

from __future__ import annotations

import tracemalloc

from v2glab.profiles import load_profile
from tests.helpers import ISO2_NAMESPACE
from v2glab.secc.session import SeccSession
from v2glab.secc.store import SessionStore

from .test_session import closes, req, sap, sent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pause_one(profile: dict, store: SessionStore, session_id: bytes) -> None:
    """One EV: handshake, SessionSetup (gets ``session_id``), SessionStop with Pause."""
    secc = SeccSession(profile, store, new_session_id=lambda: session_id)
    secc.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    secc.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, b"\x00"))
    events = secc.receive_data(req("SessionStopReq", {"ChargingSession": "Pause"}, session_id))
    assert sent(events)[0].body["ResponseCode"] == "OK" and closes(events)[0].ok


def rejoin(profile: dict, store: SessionStore, session_id: bytes) -> str:
    secc = SeccSession(profile, store, new_session_id=lambda: bytes(8))
    secc.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    (res,) = sent(secc.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, session_id)))
    return res.body["ResponseCode"]


def sid(i: int) -> bytes:
    return (i + 1).to_bytes(8, "big")


def test_nothing_is_stored_when_resuming_is_off() -> None:
    profile = load_profile("secc", "ac")
    profile["resume_paused_sessions"] = False
    store = SessionStore.for_profile(profile)
    for i in range(20):
        pause_one(profile, store, sid(i))
    assert len(store) == 0
    assert rejoin(profile, store, sid(3)) == "OK_NewSessionEstablished"


def test_a_paused_session_expires_after_the_profile_lifetime() -> None:
    profile = load_profile("secc", "ac")
    profile["timers"]["paused_session_lifetime"] = 30.0
    clock = Clock()
    store = SessionStore(True, profile["timers"]["paused_session_lifetime"], profile["max_paused_sessions"], clock)
    pause_one(profile, store, sid(1))
    pause_one(profile, store, sid(2))
    clock.now += 29.0
    assert rejoin(profile, store, sid(1)) == "OK_OldSessionJoined"
    clock.now += 1.0
    assert sid(2) not in store and len(store) == 0
    assert rejoin(profile, store, sid(2)) == "OK_NewSessionEstablished"


def test_the_count_is_capped_and_the_oldest_go_first() -> None:
    profile = load_profile("secc", "ac")
    profile["max_paused_sessions"] = 5
    store = SessionStore.for_profile(profile)
    for i in range(12):
        pause_one(profile, store, sid(i))
    assert len(store) == 5
    assert [i for i in range(12) if sid(i) in store] == [7, 8, 9, 10, 11]
    assert rejoin(profile, store, sid(6)) == "OK_NewSessionEstablished"
    assert rejoin(profile, store, sid(7)) == "OK_OldSessionJoined"


def test_memory_stays_bounded_over_thousands_of_pauses() -> None:
    """The attack of the issue (SessionSetup + Pause in a loop grew the SECC from 61 to 406 MiB),
    scaled down: after the cap is reached, thousands more pauses add no memory."""
    profile = load_profile("secc", "ac")
    profile["max_paused_sessions"] = 50
    store = SessionStore.for_profile(profile)
    for i in range(200):
        pause_one(profile, store, sid(i))
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i in range(200, 2200):
            pause_one(profile, store, sid(i))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(store) == 50
    # one paused Charger costs about 2 KB: unbounded, 2,000 more would add about 4 MB
    assert after - before < 200_000, f"{after - before} bytes more after 2,000 pauses"
