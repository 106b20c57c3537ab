"""The asyncio adapter of SLAC: a raw Ethernet socket (AF_PACKET, EtherType 0x88E1) on an interface.

AF_PACKET needs root (or CAP_NET_RAW). With a real Green PHY modem (a QCA7000
board on ``--interface``) the frames go to the modem; with ``simulate_modem`` a
:class:`SimulatedModem` stands in for it on each side of a veth pair. The trace
and the capture are observers handed in; this module does not import them.
"""

from __future__ import annotations

import asyncio
import collections
import socket
import struct
import time
from typing import Any

from ..errors import V2GError
from .messages import ETHERTYPE_HOMEPLUG, MODEM_LOCAL, Mme, mac_str
from .modem import ETHERTYPE_PILOT, SimulatedModem, pilot_frame, pilot_state
from .session import CORES, Note, Pilot, Received, SlacConfig, SlacCore, SlacResult, Transmit

PACKET_OUTGOING = 4  # sll_pkttype of our own frames, which a packet socket sees too
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; SCM_TIMESTAMPNS has the same number


class RawLink:
    """One AF_PACKET socket bound to the HomePlug EtherType on ``interface``."""

    def __init__(self, interface: str, ethertype: int = ETHERTYPE_HOMEPLUG) -> None:
        try:
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ethertype))
        except PermissionError:
            raise PermissionError(1, "SLAC needs root (or CAP_NET_RAW) for a raw Ethernet socket") from None
        try:
            self.sock.bind((interface, ethertype))
        except OSError as exc:
            self.sock.close()
            raise OSError(exc.errno, f"cannot open interface {interface!r} for SLAC: {exc.strerror}") from None
        self.sock.setblocking(False)
        # the kernel's arrival time for each frame: the capture's timestamps do not depend on how busy we are
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.mac = mac_str(self.sock.getsockname()[4])

    def send(self, frame: bytes) -> None:
        self.sock.send(frame)

    def read(self) -> list[tuple[bytes, float]]:
        """Every frame waiting, with its arrival time (wall clock)."""
        frames = []
        while True:
            try:
                data, ancillary, _flags, address = self.sock.recvmsg(4096, 64)
            except BlockingIOError:
                return frames
            if address[2] == PACKET_OUTGOING:
                continue
            ts = time.time()
            for level, kind, raw in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
                    seconds, nanoseconds = struct.unpack("qq", raw[:16])
                    ts = seconds + nanoseconds / 1e9
            frames.append((data, ts))

    def close(self) -> None:
        self.sock.close()


def _peer(role: str, mme: Mme, modem_mac: str | None, own_mac: str) -> str:
    other = "EVSE" if role == "EV" else "EV"
    if mme.dst == MODEM_LOCAL or mme.src == modem_mac or mme.name in ("CM_SET_KEY.CNF", "CM_ATTEN_PROFILE.IND"):
        return "modem"
    return other


def check_config(config: SlacConfig, simulate_modem: bool) -> None:
    """What this adapter cannot do, as one error: CM_VALIDATE toggles the control pilot, which v2glab drives only simulated."""
    if config.validate and not simulate_modem:
        raise V2GError("CM_VALIDATE (slac.validate) toggles the control pilot: v2glab has one only with --sim-modem")


async def run_slac(role: str, config: SlacConfig, interface: str, tracer: Any = None, capture: Any = None,
                   simulate_modem: bool = False) -> SlacResult:
    """Run SLAC as ``role`` ('ev' or 'evse') on ``interface`` until it matched or failed."""
    check_config(config, simulate_modem)
    link = RawLink(interface)
    # CM_VALIDATE on a veth pair: the simulated control pilot, a second socket of its own EtherType
    pilot_link = RawLink(interface, ETHERTYPE_PILOT) if config.validate else None
    core: SlacCore = CORES[role](link.mac, config)
    name = core.role
    modem = SimulatedModem(link.mac, config.attenuation) if simulate_modem else None
    loop = asyncio.get_running_loop()
    arrived = asyncio.Event()
    inbox: collections.deque[tuple[bytes, float]] = collections.deque()  # (frame, wall time)

    def readable() -> None:
        for frame, arrived_at in link.read():
            for delivered in modem.from_line(frame) if modem else [frame]:
                inbox.append((delivered, arrived_at))
        arrived.set()

    def pilot_readable() -> None:
        inbox.extend(pilot_link.read())
        arrived.set()

    def trace(mme: Mme | None, frame: bytes, sent: bool, wall: float, error: str | None = None) -> None:
        if capture is not None:
            capture.ethernet(frame, ts=wall)
        if tracer is not None:
            peer = _peer(name, mme, modem.mac if modem else None, link.mac) if mme else "?"
            sender, receiver = (name, peer) if sent else (peer, name)
            tracer.mme(sender, receiver, mme, frame, error=error, at=wall, direction="tx" if sent else "rx")

    def perform(events: list) -> None:
        for event in events:
            if isinstance(event, Transmit):
                wall = time.time()
                trace(event.mme, event.mme.frame, True, wall)
                to_line, to_host = modem.from_host(event.mme.frame) if modem else ([event.mme.frame], [])
                for frame in to_line:
                    link.send(frame)
                for frame in to_host:
                    inbox.append((frame, time.time()))
            elif isinstance(event, Received):
                pass  # traced when read, below
            elif isinstance(event, Note) and tracer is not None:
                tracer.note(name, event.text)
            elif isinstance(event, Pilot):
                pilot_link.send(pilot_frame(link.mac, event.state))
                if tracer is not None:
                    tracer.note(name, f"control pilot -> state {event.state} (simulated: BCB toggle of CM_VALIDATE)")

    loop.add_reader(link.sock.fileno(), readable)
    if pilot_link is not None:
        loop.add_reader(pilot_link.sock.fileno(), pilot_readable)
    try:
        if tracer is not None:
            tracer.note(name, f"SLAC on {interface} ({link.mac}){', simulated modem ' + modem.mac if modem else ''}")
        perform(core.start(time.monotonic()))
        while core.result is None:
            while inbox and core.result is None:
                frame, wall = inbox.popleft()
                state = pilot_state(frame) if pilot_link is not None else None
                if state is not None:  # the simulated control pilot, as the EVSE measures it
                    if tracer is not None and core.role == "EVSE":
                        tracer.note(name, f"control pilot: state {state} (simulated)", at=wall)
                    perform(core.pilot(state, time.monotonic()))
                    continue
                events = core.receive(frame, time.monotonic())
                received = events[0]
                trace(received.mme, frame, False, wall, received.error)
                perform(events[1:])
            if core.result is not None:
                break
            now, deadline = time.monotonic(), core.next_deadline()
            if deadline is not None and deadline <= now:
                perform(core.timeout(now))
                continue
            arrived.clear()
            if inbox:
                continue
            try:
                await asyncio.wait_for(arrived.wait(), None if deadline is None else deadline - now)
            except TimeoutError:
                pass
        return core.result
    finally:
        loop.remove_reader(link.sock.fileno())
        link.close()
        if pilot_link is not None:
            loop.remove_reader(pilot_link.sock.fileno())
            pilot_link.close()
        if tracer is not None and core.result is not None:
            tracer.note(name, core.result.describe())

