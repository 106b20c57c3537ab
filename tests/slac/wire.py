"""Two SLAC cores and two simulated modems on a virtual line with a virtual clock (sans-I/O, no sockets)."""

from __future__ import annotations

import heapq
import itertools

from v2glab.slac.modem import SimulatedModem
from v2glab.slac.session import EvSlac, EvseSlac, Note, Pilot, SlacConfig, Transmit

EV_MAC, EVSE_MAC = "02:00:00:00:00:0e", "02:00:00:00:00:05"
LATENCY = 0.0005  # s, one way


def run_pair(ev_config: SlacConfig | None = None, evse_config: SlacConfig | None = None, limit: float = 120.0, pilot: bool = True):
    """Run both roles to the end; returns (ev result, evse result, log of (time, sender, MME name), notes).

    ``pilot`` False: the EV's control pilot does not reach this EVSE (the EV is on another charger's cable)."""
    ev, evse = EvSlac(EV_MAC, ev_config), EvseSlac(EVSE_MAC, evse_config)
    modems = {ev: SimulatedModem(EV_MAC, ev.config.attenuation), evse: SimulatedModem(EVSE_MAC, evse.config.attenuation)}
    other = {ev: evse, evse: ev}
    queue: list = []
    order = itertools.count()
    log: list[tuple[float, str, str]] = []
    notes: dict[str, list[str]] = {"EV": [], "EVSE": []}

    def perform(core, events, now):
        for event in events:
            if isinstance(event, Transmit):
                log.append((now, core.role, event.mme.name))
                line, host = modems[core].from_host(event.mme.frame)
                for frame in host:
                    heapq.heappush(queue, (now + LATENCY, next(order), core, frame))
                for frame in line:
                    for delivered in modems[other[core]].from_line(frame):
                        heapq.heappush(queue, (now + LATENCY, next(order), other[core], delivered))
            elif isinstance(event, Note):
                notes[core.role].append(event.text)
            elif isinstance(event, Pilot):  # the control pilot: the other side measures the EV's state
                log.append((now, core.role, f"pilot {event.state}"))
                if pilot:
                    heapq.heappush(queue, (now + LATENCY, next(order), other[core], Pilot(event.state)))

    now = 0.0
    perform(evse, evse.start(now), now)
    perform(ev, ev.start(now + 0.01), now + 0.01)
    while now < limit and (ev.result is None or evse.result is None):
        deadlines = [(d, c) for c in (ev, evse) if c.result is None and (d := c.next_deadline()) is not None]
        next_frame = queue[0][0] if queue else None
        next_timer = min(deadlines, key=lambda x: x[0]) if deadlines else None
        if next_frame is None and next_timer is None:
            break
        if next_frame is not None and (next_timer is None or next_frame <= next_timer[0]):
            now, _, core, frame = heapq.heappop(queue)
            perform(core, core.pilot(frame.state, now) if isinstance(frame, Pilot) else core.receive(frame, now)[1:], now)
        else:
            now, core = next_timer
            perform(core, core.timeout(now), now)
    return ev.result, evse.result, log, notes
