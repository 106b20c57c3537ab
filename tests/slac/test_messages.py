"""SLAC MMEs: built with scapy, read back, and read from real captures (pyPLC's, Wireshark-checked sizes)."""

from __future__ import annotations

from pathlib import Path

import dpkt
import pytest

from v2glab.slac.messages import MMES, MmeError, build, parse

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"
EV, EVSE = "02:00:00:00:00:0e", "02:00:00:00:00:05"


@pytest.mark.parametrize("name", sorted(MMES))
def test_every_slac_mme_round_trips(name: str) -> None:
    mme = build(name, EV, EVSE)
    again = parse(mme.frame)
    assert (again.name, again.mmtype, again.src, again.dst) == (name, MMES[name][0], EV, EVSE)
    assert len(mme.frame) >= 60 and mme.frame[12:14] == b"\x88\xe1" and mme.frame[14] == 0x01  # EtherType, MMV 1.1
    assert mme.frame[15:17] == MMES[name][0].to_bytes(2, "little")  # MMTYPE is little-endian on the wire


def test_fields_survive_the_round_trip() -> None:
    mme = build("CM_SLAC_MATCH.CNF", EVSE, EV, VariableField={"EVMAC": EV, "EVSEMAC": EVSE, "RunID": b"RUNID-01", "NetworkID": b"NID7654", "NMK": b"K" * 16})
    var = parse(mme.frame).fields["VariableField"]
    assert (var["EVMAC"], var["EVSEMAC"], var["RunID"], var["NetworkID"], var["NMK"]) == (EV, EVSE, b"RUNID-01", b"NID7654", b"K" * 16)
    assert len(mme.frame) == 109  # as CM_SLAC_MATCH.CNF in the real captures
    ind = parse(build("CM_ATTEN_CHAR.IND", EVSE, EV, RunID=b"RUNID-01", NumberOfSounds=7, Groups=list(range(58))).frame)
    assert ind.fields["Groups"] == list(range(58)) and ind.fields["NumberOfSounds"] == 7 and ind.run_id == b"RUNID-01"
    assert len(ind.frame) == 129


def test_non_homeplug_and_truncated_frames_are_refused() -> None:
    with pytest.raises(MmeError, match="0x88E1"):
        parse(b"\xff" * 12 + b"\x86\xdd" + b"\x00" * 50)
    frame = build("CM_SLAC_MATCH.CNF", EVSE, EV).frame[:40]
    with pytest.raises(MmeError, match="CM_SLAC_MATCH.CNF"):
        parse(frame)


def test_the_slac_frames_of_a_real_session_parse() -> None:
    """vw-ac-iso2.pcap: a VW car and a real charger; every SLAC frame parses and the RunID is the car's."""
    path = SHARED / "vw-ac-iso2.pcap"
    if not path.exists():
        pytest.skip("shared captures not present")
    with open(path, "rb") as f:
        frames = [bytes(buf) for _ts, buf in dpkt.pcap.UniversalReader(f) if buf[12:14] == b"\x88\xe1"]
    mmes = [parse(frame) for frame in frames]
    names = [m.name for m in mmes]
    assert names.count("CM_MNBC_SOUND.IND") == 10 and names.count("CM_START_ATTEN_CHAR.IND") == 3
    run_ids = {m.run_id for m in mmes if m.name.startswith("CM_SLAC") or m.name in ("CM_ATTEN_CHAR.IND", "CM_MNBC_SOUND.IND")}
    assert len(run_ids) == 1  # one SLAC run: every message carries the RunID of the CM_SLAC_PARM.REQ
    cnf = next(m for m in mmes if m.name == "CM_SLAC_MATCH.CNF")
    req = next(m for m in mmes if m.name == "CM_SLAC_PARM.REQ")
    assert cnf.dst == req.src and cnf.fields["VariableField"]["EVMAC"] == req.src
