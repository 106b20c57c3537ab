"""A simulated EV for the benchmarks: the sans-I/O EVCC core over one TCP connection, timing its loop requests."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from v2glab.evcc.session import LOOP_WAIT, EvccSession
from v2glab.protocols import parse_list
from v2glab.protocols.base import STOP, Protocol
from v2glab.protocols.events import Close, Send, StartTimer


def charge_loop_requests(protocol: Protocol) -> set[str]:
    """The charge loop, read from the protocol's sequence table: requests that may follow their own
    response where SessionStop may not (ChargingStatus, CurrentDemand); the Ongoing, CableCheck,
    PreCharge and WeldingDetection repeats all allow SessionStop."""
    loops = set()
    for rows in protocol.sequence.rows.values():
        for r in rows:
            request = r.response[:-3] + "Req"
            if request in r.allowed and STOP not in r.allowed:
                loops.add(request)
    return loops


async def drive_ev(profile: dict[str, Any], port: int, stop_at: float, samples: list[float], record: asyncio.Event, errors: list[str]) -> None:
    """Run one session; append the response time (s) of every charge-loop request while ``record`` is set."""
    core = EvccSession(profile)
    loop_requests = set().union(*(charge_loop_requests(p) for p in parse_list(profile["protocols"])))
    reader, writer = await asyncio.open_connection("::1", port)
    sent_at: float | None = None
    deadline: float | None = None
    loop = asyncio.get_running_loop()

    def perform(events: list) -> bool:
        nonlocal sent_at, deadline
        for event in events:
            if isinstance(event, Send):
                writer.write(event.frame)
                sent_at = time.perf_counter() if event.message.body_name in loop_requests else None
            elif isinstance(event, StartTimer):
                deadline = loop.time() + event.seconds if event.name == LOOP_WAIT else None
            elif isinstance(event, Close):
                if not event.ok:
                    errors.append(event.reason)
                return False
        return True

    perform(core.start())
    try:
        while loop.time() < stop_at:
            if deadline is not None:
                await asyncio.sleep(max(0.0, deadline - loop.time()))
                deadline = None
                if not perform(core.timeout()):
                    return
                continue
            async with asyncio.timeout(5):  # no task per read, unlike wait_for
                data = await reader.read(65536)
            if not data:
                errors.append("SECC closed the connection")
                return
            if sent_at is not None:
                if record.is_set():
                    samples.append(time.perf_counter() - sent_at)
                sent_at = None
            if not perform(core.receive_data(data)):
                return
    finally:
        writer.close()
