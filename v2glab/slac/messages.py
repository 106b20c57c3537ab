"""HomePlug Green PHY management messages (MMEs) of SLAC, built and parsed with scapy.

scapy's ``scapy.contrib.homepluggp`` defines the SLAC MMEs of ISO 15118-3 (their
payload layouts); this module only names them in the standard's words
("CM_SLAC_PARM.REQ") and turns frames into :class:`Mme` values and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import scapy.contrib.homepluggp as gp
from scapy.contrib.homeplugav import HomePlugAV
from scapy.fields import ByteEnumField, ByteField
from scapy.packet import Packet, bind_layers
from scapy.layers.l2 import Ether

from ..errors import V2GError

ETHERTYPE_HOMEPLUG = 0x88E1
MMV_GREEN_PHY = 0x01  # HomePlug AV 1.1 / Green PHY management message version
BROADCAST = "ff:ff:ff:ff:ff:ff"
MODEM_LOCAL = "00:b0:52:00:00:01"  # the address a Qualcomm (QCA7000) modem answers for its own host
MIN_FRAME = 60  # Ethernet minimum without FCS: MMEs are padded to it, as modems do

VALIDATE_RESULTS = {0: "NotReady", 1: "Ready", 2: "Success", 3: "Failure", 4: "NotRequired"}


class CM_VALIDATE_REQ(Packet):
    """ISO 15118-3 CM_VALIDATE.REQ, which scapy's homepluggp lacks: declared the scapy way (its fields, bound to
    the MMTYPE) so that it is built and parsed like the others. Timer: the EV's toggle window in 100 ms units
    (0 = 100 ms) in the second request, 0 in the first; Result: 1 (ready) in both."""

    name = "CM_VALIDATE_REQ"
    fields_desc = [ByteField("SignalType", 0), ByteField("Timer", 0), ByteEnumField("Result", 1, VALIDATE_RESULTS)]


class CM_VALIDATE_CNF(Packet):
    """ISO 15118-3 CM_VALIDATE.CNF. ToggleNum: the BCB toggles the EVSE counted (0 in the first answer)."""

    name = "CM_VALIDATE_CNF"
    fields_desc = [ByteField("SignalType", 0), ByteField("ToggleNum", 0), ByteEnumField("Result", 0, VALIDATE_RESULTS)]


bind_layers(HomePlugAV, CM_VALIDATE_REQ, HPtype=0x6078)
bind_layers(HomePlugAV, CM_VALIDATE_CNF, HPtype=0x6079)

# The SLAC MMEs: the standard's name, the MMTYPE (base | mode) and scapy's payload layer.
MMES: dict[str, tuple[int, type]] = {
    "CM_SET_KEY.REQ": (0x6008, gp.CM_SET_KEY_REQ),
    "CM_SET_KEY.CNF": (0x6009, gp.CM_SET_KEY_CNF),
    "CM_SLAC_PARM.REQ": (0x6064, gp.CM_SLAC_PARM_REQ),
    "CM_SLAC_PARM.CNF": (0x6065, gp.CM_SLAC_PARM_CNF),
    "CM_START_ATTEN_CHAR.IND": (0x606A, gp.CM_START_ATTEN_CHAR_IND),
    "CM_ATTEN_CHAR.IND": (0x606E, gp.CM_ATTEN_CHAR_IND),
    "CM_ATTEN_CHAR.RSP": (0x606F, gp.CM_ATTEN_CHAR_RSP),
    "CM_MNBC_SOUND.IND": (0x6076, gp.CM_MNBC_SOUND_IND),
    "CM_VALIDATE.REQ": (0x6078, CM_VALIDATE_REQ),
    "CM_VALIDATE.CNF": (0x6079, CM_VALIDATE_CNF),
    "CM_SLAC_MATCH.REQ": (0x607C, gp.CM_SLAC_MATCH_REQ),
    "CM_SLAC_MATCH.CNF": (0x607D, gp.CM_SLAC_MATCH_CNF),
    "CM_ATTEN_PROFILE.IND": (0x6086, gp.CM_ATTENUATION_CHARACTERISTICS_MME),
}
NAMES: dict[int, str] = {code: name for name, (code, _layer) in MMES.items()}
# Known to the standard but not built here (CM_AMP_MAP, network info): named in traces only.
OTHER_NAMES = {0x601C: "CM_AMP_MAP.REQ", 0x601D: "CM_AMP_MAP.CNF",
               0x0014: "CC_DISCOVER_LIST.REQ", 0x0015: "CC_DISCOVER_LIST.CNF", 0x6038: "CM_NW_INFO.REQ", 0x6039: "CM_NW_INFO.CNF", 0x6048: "CM_NW_STATS.REQ", 0x6049: "CM_NW_STATS.CNF"}


class MmeError(V2GError):
    """A frame that is not a HomePlug MME v2glab can read."""


@dataclass
class Mme:
    """One management message: Ethernet addresses, the MMTYPE and its fields by scapy's names."""

    name: str
    mmtype: int
    src: str
    dst: str
    fields: dict[str, Any] = field(default_factory=dict)
    frame: bytes = b""
    mmv: int = MMV_GREEN_PHY

    @property
    def run_id(self) -> bytes | None:
        if "RunID" in self.fields:
            return self.fields["RunID"]
        var = self.fields.get("VariableField")
        return var.get("RunID") if isinstance(var, dict) else None

    def summary(self) -> str:
        """The fields that matter for SLAC, one line, for the trace."""
        return "  ".join(f"{k} {_show(v)}" for k, v in _flat(self.fields) if k not in _QUIET)


_QUIET = {"RSVD", "Reserved", "MatchVariableFieldLen", "NumberOfGroups", "NumberOfCarrierPerGroupe", "RandomValue", "SenderID"}


def _flat(fields: dict[str, Any]):
    for key, value in fields.items():
        if isinstance(value, dict):
            yield from _flat(value)
        elif key == "Groups":
            if value:
                yield "Attenuation", f"{sum(value) / len(value):.1f} dB avg of {len(value)} groups"
        else:
            yield key, value


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex().upper() if value.strip(b"\x00") or len(value) <= 8 else "0"
    return str(value)


def build(name: str, src: str, dst: str, **fields: Any) -> Mme:
    """The frame of MME ``name`` with these payload fields (the others zero), padded to 60 bytes."""
    code, layer = MMES[name]
    groups = fields.pop("Groups", None)
    var = fields.pop("VariableField", None)
    payload = layer(**fields)
    if groups is not None:
        payload.Groups = [gp.HPGP_GROUP(group=int(g)) for g in groups]
    if var is not None:
        var_layer = gp.SLAC_varfield_cnf if name == "CM_SLAC_MATCH.CNF" else gp.SLAC_varfield
        payload.VariableField = var_layer(**var)
    frame = bytes(Ether(dst=dst, src=src, type=ETHERTYPE_HOMEPLUG) / HomePlugAV(version=MMV_GREEN_PHY, HPtype=code) / payload)
    frame = frame.ljust(MIN_FRAME, b"\x00")
    return parse(frame)


def parse(frame: bytes) -> Mme:
    """A frame as an :class:`Mme`; :class:`MmeError` when it is not HomePlug or too short for its MMTYPE."""
    if len(frame) < 17 or int.from_bytes(frame[12:14], "big") != ETHERTYPE_HOMEPLUG:
        raise MmeError("not a HomePlug frame (EtherType 0x88E1)")
    packet = Ether(frame)
    hp = packet[HomePlugAV]
    mmtype = int(hp.HPtype)
    name = NAMES.get(mmtype)
    fields: dict[str, Any] = {}
    if name is not None:
        layer = MMES[name][1]
        body = hp.payload
        if not isinstance(body, layer):
            raise MmeError(f"{name}: payload does not parse")
        needed = len(bytes(layer()))
        if len(bytes(body)) < needed and name not in ("CM_ATTEN_CHAR.IND", "CM_ATTEN_PROFILE.IND"):
            raise MmeError(f"{name}: {len(bytes(body))} payload bytes, {needed} needed")
        fields = _fields(body)
    else:
        name = OTHER_NAMES.get(mmtype, f"MMTYPE 0x{mmtype:04X}")
    return Mme(name, mmtype, str(packet.src), str(packet.dst), fields, frame, int(hp.version))


def _fields(layer: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in layer.fields_desc:
        value = layer.getfieldval(f.name)
        if f.name == "Groups":
            value = [g.group for g in value]
        elif hasattr(value, "fields_desc"):
            value = _fields(value)
        out[f.name] = value
    return out


def mac_bytes(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", ""))


def mac_str(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)
