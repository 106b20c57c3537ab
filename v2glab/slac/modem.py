"""A simulated HomePlug Green PHY modem, sans-I/O, for runs without powerline hardware (veth pairs, CI).

A real modem sits between its host's Ethernet and the powerline. For SLAC it does
two things the hosts rely on, and this simulation does the same:

- it answers its own host's CM_SET_KEY.REQ (sent to the modem's local address) with
  CM_SET_KEY.CNF and from then on belongs to that logical network (NID, NMK);
- it measures every CM_MNBC_SOUND.IND it receives from the line and reports the
  attenuation per carrier group to its host in CM_ATTEN_PROFILE.IND.

Everything else passes through unchanged. The attenuation it reports is the
profile's (``slac.attenuation``, the same value in all 58 groups). It does not
model the physical layer: on a veth pair every frame arrives, matched or not.

The control pilot is no Ethernet signal; for CM_VALIDATE on a veth pair the EV's
pilot states (B, C) travel as frames of the IEEE 802 local experimental EtherType
0x88B5 (:func:`pilot_frame`), which only a simulated EVSE reads.
"""

from __future__ import annotations

from .messages import BROADCAST, MODEM_LOCAL, MmeError, build, mac_bytes, parse
from .timing import AAG_GROUPS


ETHERTYPE_PILOT = 0x88B5  # IEEE Std 802 local experimental EtherType 1: never a real protocol
PILOT_MAGIC = b"v2glab CP "


def pilot_frame(src: str, state: str) -> bytes:
    """The simulated control pilot's state change, broadcast on the veth."""
    return (mac_bytes(BROADCAST) + mac_bytes(src) + ETHERTYPE_PILOT.to_bytes(2, "big") + PILOT_MAGIC + state.encode()).ljust(60, b"\x00")


def pilot_state(frame: bytes) -> str | None:
    """The state a simulated pilot frame carries ('B' or 'C'); None for anything else."""
    body = frame[14:]
    if frame[12:14] != ETHERTYPE_PILOT.to_bytes(2, "big") or not body.startswith(PILOT_MAGIC):
        return None
    state = body[len(PILOT_MAGIC):len(PILOT_MAGIC) + 1].decode(errors="replace")
    return state if state in ("B", "C") else None


class SimulatedModem:
    def __init__(self, host_mac: str, attenuation: float) -> None:
        self.host_mac = host_mac
        self.mac = "00:b0:52:" + host_mac[9:]  # a Qualcomm-style station address of its own
        self.attenuation = attenuation
        self.nid: bytes | None = None
        self.nmk: bytes | None = None

    def from_host(self, frame: bytes) -> tuple[list[bytes], list[bytes]]:
        """A frame the host sends: (frames to the line, frames back to the host)."""
        try:
            mme = parse(frame)
        except MmeError:
            return [frame], []
        if mme.name == "CM_SET_KEY.REQ" and mme.dst in (MODEM_LOCAL, self.mac):
            self.nid, self.nmk = mme.fields["NetworkID"], mme.fields["NewKey"]
            cnf = build("CM_SET_KEY.CNF", self.mac, mme.src, Result=0, MyNonce=0, YourNonce=mme.fields["MyNonce"], PID=mme.fields["PID"],
                        ProtoRunNumber=mme.fields["ProtoRunNumber"], ProtoMessNumber=mme.fields["ProtoMessNumber"] + 1)
            return [], [cnf.frame]
        return [frame], []

    def from_line(self, frame: bytes) -> list[bytes]:
        """A frame from the line: what the host receives (the frame, and the modem's report of a sound)."""
        try:
            mme = parse(frame)
        except MmeError:
            return [frame]
        if mme.name == "CM_MNBC_SOUND.IND":
            profile = build("CM_ATTEN_PROFILE.IND", self.mac, BROADCAST, EVMACAddress=mme.src,
                            Groups=[round(self.attenuation)] * AAG_GROUPS)
            return [frame, profile.frame]
        return [frame]
