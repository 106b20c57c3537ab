"""`pcap show` on HomePlug MMEs: SLAC named as Wireshark names it, vendor MMEs by OUI, ISO 15118-3 timing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.capture.homeplug import read_mmes, vendor_name
from v2glab.capture.pcap import PcapWriter
from v2glab.slac.messages import build

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"
WITH_SLAC = ["vw-ac-iso2.pcap", "hyundai-kona1-din.pcap", "ISO-2_DC_DS5366.pcapng", "2023-04-16_at_home_Ioniq_in_currentDemandLoop.pcapng",
             "ISO-2_DC_PnC_TLS_CertInstallation_DS5366_RiseV2G.pcapng"]
EV, EVSE = "02:00:00:00:00:0e", "02:00:00:00:00:05"


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared capture {name} not present")
    return path


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark (Debian package) not installed")
@pytest.mark.parametrize("name", WITH_SLAC)
def test_standard_mmes_are_named_as_wireshark_names_them(name: str) -> None:
    path = shared(name)
    info = subprocess.run(["tshark", "-r", str(path), "-Y", "eth.type==0x88e1", "-T", "fields", "-e", "_ws.col.Info"],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    ours = [f.name for f in read_mmes(str(path))]
    assert len(ours) == len(info) > 0
    standard = [(mine, theirs.split()[0]) for mine, theirs in zip(ours, info) if theirs.startswith(("CM_", "CC_"))]
    assert standard and all(mine == theirs for mine, theirs in standard), [p for p in standard if p[0] != p[1]][:5]
    assert "CM_SLAC_PARM.REQ" in ours


def test_a_real_slac_run_is_timed_against_the_limits() -> None:
    frames = read_mmes(str(shared("vw-ac-iso2.pcap")))
    timed = {f.name: f.mme.fields.get("Timing", "") for f in frames}
    assert timed["CM_SLAC_PARM.CNF"].endswith("after CM_SLAC_PARM.REQ (TT_match_response 200 ms)")
    assert timed["CM_ATTEN_CHAR.IND"].endswith("after CM_START_ATTEN_CHAR.IND (TT_EV_atten_results 1200 ms)")
    assert timed["CM_SLAC_MATCH.CNF"].endswith("after CM_SLAC_MATCH.REQ (TT_match_response 200 ms)")
    assert not [v for f in frames for v in f.violations]
    senders = {(f.name, f.sender, f.receiver) for f in frames}
    assert ("CM_SLAC_MATCH.REQ", "EV", "EVSE") in senders and ("CM_ATTEN_PROFILE.IND", "modem", "all") in senders


def test_an_unanswered_slac_parm_request_is_reported() -> None:
    """hyundai-kona1-din.pcap: the car asks again and again (a pyPLC 'slacFail'-like start)."""
    frames = read_mmes(str(shared("hyundai-kona1-din.pcap")))
    repeated = [f for f in frames if "got no CM_SLAC_PARM.CNF" in f.mme.fields.get("Timing", "")]
    assert len(repeated) >= 30


def test_vendor_mmes_are_shown_by_vendor() -> None:
    names = {f.name for f in read_mmes(str(shared("ISO-2_DC_DS5366.pcapng")))}
    assert "manufacturer-specific MMTYPE 0x8002 (OUI 64:4D:70, dSPACE)" in names
    assert "CP state change (vendor-specific MMTYPE 0xA22E, STMicroelectronics)" in names
    assert vendor_name(0xA0B8, 0x00B052) == "VS_PL_LINK_STATUS.REQ (vendor-specific, Qualcomm Atheros)"
    assert vendor_name(0xA14E, 0x00B052).startswith("VS_ATTENUATION_CHARACTERISTICS.IND")


def _capture(path: Path, frames: list[tuple[float, bytes]]) -> None:
    writer = PcapWriter(str(path))
    for ts, frame in frames:
        writer.ethernet(frame, ts=ts)
    writer.close()


def test_late_answers_are_timing_violations(tmp_path: Path) -> None:
    run = b"RUNID-01"
    t0 = 1_700_000_000.0
    var = {"EVMAC": EV, "EVSEMAC": EVSE, "RunID": run}
    _capture(tmp_path / "late.pcapng", [
        (t0, build("CM_SLAC_PARM.REQ", EV, "ff:ff:ff:ff:ff:ff", RunID=run).frame),
        (t0 + 0.5, build("CM_SLAC_PARM.CNF", EVSE, EV, RunID=run).frame),
        (t0 + 0.6, build("CM_START_ATTEN_CHAR.IND", EV, "ff:ff:ff:ff:ff:ff", RunID=run).frame),
        (t0 + 0.7, build("CM_MNBC_SOUND.IND", EV, "ff:ff:ff:ff:ff:ff", RunID=run).frame),
        (t0 + 2.0, build("CM_ATTEN_CHAR.IND", EVSE, EV, RunID=run, Groups=[20] * 58).frame),
        (t0 + 2.01, build("CM_ATTEN_CHAR.RSP", EV, EVSE, RunID=run).frame),
        (t0 + 2.02, build("CM_SLAC_MATCH.REQ", EV, EVSE, VariableField=var).frame),
        (t0 + 3.02, build("CM_SLAC_MATCH.CNF", EVSE, EV, VariableField=var).frame),
    ])
    late = {f.name: f.violations for f in read_mmes(str(tmp_path / "late.pcapng"))}
    assert late["CM_SLAC_PARM.CNF"] == ["CM_SLAC_PARM.CNF 500.0 ms after CM_SLAC_PARM.REQ: 300.0 ms over TT_match_response (200 ms)"]
    assert late["CM_ATTEN_CHAR.IND"][0].endswith("200.0 ms over TT_EV_atten_results (1200 ms)")
    assert "over TP_EV_batch_msg_interval" in late["CM_MNBC_SOUND.IND"][0]
    assert late["CM_SLAC_MATCH.CNF"][0].endswith("800.0 ms over TT_match_response (200 ms)")
    assert late["CM_START_ATTEN_CHAR.IND"] == [] and late["CM_ATTEN_CHAR.RSP"] == []
    shown = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(tmp_path / "late.pcapng")], capture_output=True, text=True)
    assert shown.returncode == 0
    assert "EVSE -> EV  CM_SLAC_MATCH.CNF" in shown.stdout and "TIMING VIOLATION: CM_SLAC_MATCH.CNF 1000.0 ms after" in shown.stdout
    assert "8 management messages" in shown.stdout and "4 timing violations" in shown.stdout
