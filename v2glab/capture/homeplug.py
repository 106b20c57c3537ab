"""HomePlug management messages (EtherType 0x88E1) in a capture: SLAC (ISO 15118-3) and vendor MMEs.

`v2glab pcap show` prints them before the V2G trace, each with its name, the
Ethernet addresses and its fields, and the SLAC ones timed against the ISO
15118-3 limits (``v2glab/slac/timing.py``): the answer to a request within
TT_match_response, CM_START_ATTEN_CHAR.IND within TT_match_sequence of
CM_SLAC_PARM.CNF, CM_ATTEN_CHAR.IND within TT_EV_atten_results of the first
CM_START_ATTEN_CHAR.IND, the sounds at most TP_EV_batch_msg_interval apart,
CM_SLAC_MATCH.REQ within TT_EVSE_match_session of CM_ATTEN_CHAR.RSP. A
CM_SLAC_PARM.REQ repeated without an answer is reported as such.
Vendor-specific MMEs (MMTYPE 0x8000-0x9FFF, 0xA000-0xBFFF) are named by their
OUI, and by scapy's Qualcomm names for the Qualcomm Atheros (QCA7000) ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import dpkt
from scapy.contrib.homeplugav import HPAVTypeList, HomePlugAV, QualcommTypeList

from ..slac.messages import BROADCAST, ETHERTYPE_HOMEPLUG, MODEM_LOCAL, Mme, MmeError, mac_str, parse
from ..slac.timing import TIMING, value

OUIS = {0x00B052: "Qualcomm Atheros", 0x644D70: "dSPACE", 0x0080E1: "STMicroelectronics"}
KNOWN_VENDOR = {(0x0080E1, 0xA22E): "CP state change"}  # as Wireshark's HomePlug AV dissector names it
MODES = (".REQ", ".CNF", ".IND", ".RSP")  # the two low bits of an MMTYPE
# message -> (the earlier message it is timed from, which one of them, the ISO 15118-3 parameter)
TIMED = {
    "CM_SLAC_PARM.CNF": ("CM_SLAC_PARM.REQ", "last", "TT_match_response"),
    "CM_START_ATTEN_CHAR.IND": ("CM_SLAC_PARM.CNF", "last", "TT_match_sequence"),
    "CM_ATTEN_CHAR.IND": ("CM_START_ATTEN_CHAR.IND", "first", "TT_EV_atten_results"),
    "CM_ATTEN_CHAR.RSP": ("CM_ATTEN_CHAR.IND", "last", "TT_match_response"),
    "CM_SLAC_MATCH.REQ": ("CM_ATTEN_CHAR.RSP", "last", "TT_EVSE_match_session"),
    "CM_SLAC_MATCH.CNF": ("CM_SLAC_MATCH.REQ", "last", "TT_match_response"),
}
SOUNDING = ("CM_START_ATTEN_CHAR.IND", "CM_MNBC_SOUND.IND")
FROM_EV = {"CM_SLAC_PARM.REQ", "CM_START_ATTEN_CHAR.IND", "CM_MNBC_SOUND.IND", "CM_ATTEN_CHAR.RSP", "CM_SLAC_MATCH.REQ", "CM_VALIDATE.REQ"}
FROM_EVSE = {"CM_SLAC_PARM.CNF", "CM_ATTEN_CHAR.IND", "CM_SLAC_MATCH.CNF", "CM_VALIDATE.CNF"}


def _scapy_names() -> dict[int, str]:
    """Names of the MMTYPEs scapy binds a payload layer to (e.g. Qualcomm's attenuation report, 0xA14E)."""
    names = {}
    for fields, layer in HomePlugAV.payload_guess:
        if "HPtype" in fields:
            names[fields["HPtype"]] = layer.__name__.removesuffix("_MME")
    return names


_BOUND = _scapy_names()


@dataclass
class MmeFrame:
    ts: float
    mme: Mme
    sender: str = "?"
    receiver: str = "?"
    violations: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.mme.name


def _frames(path: str) -> Iterator[tuple[float, bytes]]:
    with open(path, "rb") as f:
        reader = dpkt.pcap.UniversalReader(f)
        link = reader.datalink()
        for ts, buf in reader:
            if link == dpkt.pcap.DLT_EN10MB and len(buf) >= 17 and int.from_bytes(buf[12:14], "big") == ETHERTYPE_HOMEPLUG:
                yield ts, bytes(buf)
            elif link == dpkt.pcap.DLT_LINUX_SLL and len(buf) >= 19 and int.from_bytes(buf[14:16], "big") == ETHERTYPE_HOMEPLUG:
                # cooked capture: the source address is kept, the destination is not
                yield ts, b"\x00" * 6 + buf[6:12] + buf[14:]


def vendor_name(mmtype: int, oui: int) -> str:
    mode = MODES[mmtype & 0x3]
    vendor = OUIS.get(oui, "unknown vendor")
    if oui == 0x00B052 and 0xA000 <= mmtype <= 0xBFFF:
        base = QualcommTypeList.get(mmtype & ~0x3) or HPAVTypeList.get(mmtype & ~0x3)
        if base is None and mmtype in _BOUND:
            base = _BOUND[mmtype]
        if base:
            return f"{base.strip(chr(39)).split(' Request')[0]}{mode if base.startswith('VS_') else ''} (vendor-specific, {vendor})"
    if (oui, mmtype) in KNOWN_VENDOR:
        return f"{KNOWN_VENDOR[oui, mmtype]} (vendor-specific MMTYPE 0x{mmtype:04X}, {vendor})"
    kind = "vendor-specific" if mmtype >= 0xA000 else "manufacturer-specific"
    return f"{kind} MMTYPE 0x{mmtype:04X} (OUI {oui >> 16:02X}:{oui >> 8 & 0xFF:02X}:{oui & 0xFF:02X}, {vendor})"


def decode(frame: bytes) -> Mme:
    """One HomePlug frame as an Mme; vendor MMEs named by OUI, with a short view of their payload."""
    try:
        mme = parse(frame)
    except MmeError as exc:
        return Mme("(undecodable)", 0, mac_str(frame[6:12]), mac_str(frame[0:6]), {"error": str(exc)}, frame, frame[14] if len(frame) > 14 else 0)
    if 0x8000 <= mme.mmtype <= 0xBFFF:
        at = 17 if mme.mmv == 0 else 19  # MMV 1 carries two bytes of fragment information first
        oui = int.from_bytes(frame[at:at + 3], "big")
        mme.name = vendor_name(mme.mmtype, oui)
        body = frame[at + 3:].rstrip(b"\x00")
        printable = body.decode("ascii", "replace")
        mme.fields = {"payload": printable[:80] if body and all(32 <= b < 127 for b in body[:40]) else body[:24].hex().upper()}
        if mme.mmtype == 0xA14E and len(frame) >= at + 3 + 7:
            mme.fields = {"EVMACAddress": mac_str(frame[at + 3:at + 9])}
    return mme


def read_mmes(path: str) -> list[MmeFrame]:
    """Every HomePlug MME of a capture, named, with who sent it and the ISO 15118-3 timing."""
    frames = [MmeFrame(ts, decode(raw)) for ts, raw in _frames(path)]
    ev = {f.mme.src for f in frames if f.name in FROM_EV}
    evse = {f.mme.src for f in frames if f.name in FROM_EVSE}

    def who(mac: str, f: MmeFrame) -> str:
        if mac == BROADCAST:
            return "all"
        if mac == MODEM_LOCAL:
            return "modem"
        return "EV" if mac in ev else "EVSE" if mac in evse else "modem" if mac[:8] != "00:00:00" else "?"

    _time(frames)
    for f in frames:
        f.sender, f.receiver = who(f.mme.src, f), who(f.mme.dst, f)
    return frames


def _time(frames: list[MmeFrame]) -> None:
    seen: dict[str, list[float]] = {}  # this SLAC run's messages by name; a new CM_SLAC_PARM.REQ starts a run
    last_sound: float | None = None
    for f in frames:
        name, ts = f.name, f.ts
        if name == "CM_SLAC_PARM.REQ":
            previous = seen.get("CM_SLAC_PARM.REQ")
            if previous and "CM_SLAC_PARM.CNF" not in seen:
                f.mme.fields["Timing"] = f"repeated {(ts - previous[-1]) * 1000:.1f} ms after a CM_SLAC_PARM.REQ that got no CM_SLAC_PARM.CNF"
                seen["CM_SLAC_PARM.REQ"].append(ts)
                continue
            seen, last_sound = {"CM_SLAC_PARM.REQ": [ts]}, None
            continue
        if name in TIMED:
            origin, which, parameter = TIMED[name]
            times = seen.get(origin)
            if times and not (name == "CM_START_ATTEN_CHAR.IND" and name in seen):
                since = ts - (times[0] if which == "first" else times[-1])
                limit = value(parameter)
                f.mme.fields["Timing"] = f"+{since * 1000:.1f} ms after {origin} ({parameter} {limit * 1000:g} ms)"
                if since > limit:
                    f.violations.append(f"{name} {since * 1000:.1f} ms after {origin}: {(since - limit) * 1000:.1f} ms over {parameter} ({limit * 1000:g} ms)")
        if name in SOUNDING:
            limit = TIMING["TP_EV_batch_msg_interval"].range[1]
            if last_sound is not None and ts - last_sound > limit:
                f.violations.append(f"{name} {(ts - last_sound) * 1000:.1f} ms after the previous one: over TP_EV_batch_msg_interval (20-50 ms)")
            last_sound = ts
        seen.setdefault(name, []).append(ts)


def show_mmes(path: str, tracer: Any) -> list[MmeFrame]:
    """Print the HomePlug MMEs of a capture through a Tracer (nothing when the capture has none)."""
    frames = read_mmes(path)
    for f in frames:
        tracer.mme(f.sender, f.receiver, f.mme, f.mme.frame, at=f.ts, violations=f.violations,
                   direction="rx" if f.sender in ("EV", "modem") else "tx")
    if frames:
        slac = sum(1 for f in frames if f.name.startswith("CM_"))
        late = sum(len(f.violations) for f in frames)
        tracer.note("HomePlug", f"{len(frames)} management messages, {slac} of them CM_ (SLAC and key setting), {late} timing violations")
    return frames
