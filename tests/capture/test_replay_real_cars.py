"""The DIN SPEC 70121 car sides of two real sessions, replayed against the v2glab SECC (`v2glab replay --role evcc`).

The captures are read from ../shared/captures, never copied into the repository. The replayer keeps
the recorded pauses (a Kona session lasts 223 s), so each test replays a copy whose timestamps are
compressed 50 times, written to a temporary folder; the order and content of the frames are unchanged.

The replay compares the sequence of response names. It agrees only when the live SECC's profile
matches what the recorded charger did where DIN lets the charger choose: the number of Ongoing answers.
What differs beyond the sequence (SessionID, EVSEID, DateTimeNow, voltages) is checked below too.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import dpkt
import pytest

from v2glab import exi
from v2glab.capture.show import read_capture

CAPTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"
KONA = CAPTURES / "hyundai-kona1-din.pcap"
IONIQ = CAPTURES / "2023-04-16_at_home_Ioniq_in_currentDemandLoop.pcapng"
SPEEDUP = 50


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "v2glab.cli", *args]


def compressed(capture: Path, folder: Path) -> Path:
    """A copy of the capture with every gap between packets divided by SPEEDUP (classic pcap)."""
    out_path = folder / (capture.stem + "-fast.pcap")
    with capture.open("rb") as f, out_path.open("wb") as out:
        reader = dpkt.pcapng.Reader(f) if capture.suffix == ".pcapng" else dpkt.pcap.Reader(f)
        writer = dpkt.pcap.Writer(out, snaplen=65535, linktype=reader.datalink())
        first: float | None = None
        for ts, packet in reader:
            first = ts if first is None else first
            writer.writepkt(packet, first + (ts - first) / SPEEDUP)
    return out_path


def charger_profile(folder: Path, **secc: int) -> str:
    """The built-in DC charger with the recorded charger's Ongoing counts."""
    path = folder / "recorded-charger.toml"
    path.write_text('base = "dc"\n[secc]\n' + "".join(f"{k} = {v}\n" for k, v in secc.items()))
    return str(path)


def replay_against_secc(capture: Path, profile: str, folder: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """`v2glab secc --once` on ::1, then `v2glab replay --role evcc` against it; returns the replay and the SECC's log."""
    log = folder / "secc.jsonl"
    port = str(random.randint(50000, 60000))
    secc = subprocess.Popen(cli("secc", "--once", "--profile", profile, "--host", "::1", "--port", port, "--no-sdp", "--quiet", "--log", str(log)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (log.exists() and "listening on" in log.read_text()):  # readiness, not a fixed sleep
            assert secc.poll() is None and time.monotonic() < deadline, secc.communicate()[0][-2000:]
            time.sleep(0.05)
        replay = subprocess.run(cli("replay", str(capture), "--role", "evcc", "--host", "::1", "--port", port, "--quiet"),
                                capture_output=True, text=True, timeout=180)
        assert secc.wait(timeout=30) == 0
    finally:
        secc.kill()
    return replay, [json.loads(line) for line in log.read_text().splitlines()]


def _sent(records: list[dict], name: str) -> list[exi.Message]:
    frames = [bytes.fromhex(r["hex"]) for r in records if r.get("direction") == "tx" and r.get("message") == name]
    return [exi.decode(f[8:], "din70121") for f in frames]


def _recorded(capture: Path, name: str) -> list[exi.Message]:
    return [f.message for f in read_capture(str(capture)) if f.transport == "TCP" and f.name == name]


def test_the_kona_replays_against_a_charger_with_its_ongoing_counts(tmp_path: Path) -> None:
    # the recorded charger: ContractAuthentication Ongoing once, CableCheck Ongoing 133 times
    recorded_cable = [m.body["EVSEProcessing"] for m in _recorded(KONA, "CableCheckRes")]
    assert recorded_cable.count("Ongoing") == 133 and recorded_cable[-1] == "Finished"
    replay, records = replay_against_secc(compressed(KONA, tmp_path), charger_profile(tmp_path, authorization_ongoing=1, cable_check_ongoing=133), tmp_path)
    # the same 525 messages in order; replay then compares content and names the first difference,
    # the EVSEID (the Kona's charger sent 49A80737A45678, the DC profile's DIN EVSEID is 00)
    assert replay.returncode == 1, replay.stderr[-2000:]
    assert "DIFFERENT content, same sequence: message 2 (SessionSetupRes): field EVSEID: recorded 49A80737A45678, live 00" in replay.stderr
    received = [r["message"] for r in records if r.get("direction") == "rx"]
    assert received.count("CurrentDemandReq") == 374 and received[-2:] == ["PowerDeliveryReq", "SessionStopReq"]
    assert any("closed: session terminated by the EV" in r.get("note", "") for r in records)
    # what differs beyond the sequence: the SECC's own choices
    (live,), (recorded,) = _sent(records, "SessionSetupRes"), _recorded(KONA, "SessionSetupRes")
    assert recorded.session_id == bytes.fromhex("6740714E68821AF6") != live.session_id  # a new random SessionID
    assert recorded.body["EVSEID"] == bytes.fromhex("49A80737A45678") and live.body["EVSEID"] == b"\x00"  # the profile's "00"
    assert "DateTimeNow" in recorded.body and "DateTimeNow" not in live.body  # optional; off in the profile


def test_the_kona_against_the_default_charger_differs_at_cable_check(tmp_path: Path) -> None:
    """The default DC charger finishes CableCheck after one Ongoing; the Kona's recorded third CableCheckReq
    is then out of sequence [V2G-DC-390]: a difference the replay reports, with the reason."""
    replay, records = replay_against_secc(compressed(KONA, tmp_path), "dc", tmp_path)
    assert replay.returncode == 1
    assert "DIFFERENT" in replay.stderr and "the SECC closed the connection after CableCheckReq" in replay.stderr
    (failed,) = [m for m in _sent(records, "CableCheckRes") if m.body["ResponseCode"] != "OK"]
    assert failed.body["ResponseCode"] == "FAILED_SequenceError"
    assert any("CableCheckReq out of sequence; allowed: PreChargeReq, SessionStopReq" in r.get("note", "") for r in records)


def test_the_ioniq_replays_against_a_charger_that_never_says_ongoing(tmp_path: Path) -> None:
    # the recorded charger answers ContractAuthentication and CableCheck Finished at once;
    # the capture ends inside the CurrentDemand loop
    replay, records = replay_against_secc(compressed(IONIQ, tmp_path), charger_profile(tmp_path, authorization_ongoing=0, cable_check_ongoing=0), tmp_path)
    assert replay.returncode == 1, replay.stderr[-2000:]
    assert "DIFFERENT content, same sequence: message 2 (SessionSetupRes): field EVSEID" in replay.stderr
    received = [r["message"] for r in records if r.get("direction") == "rx"]
    assert received.count("PreChargeReq") == 26 and received.count("CurrentDemandReq") == 699 and received[-1] == "CurrentDemandReq"
    (live,), (recorded,) = _sent(records, "SessionSetupRes"), _recorded(IONIQ, "SessionSetupRes")
    assert recorded.session_id == bytes.fromhex("0102030405060708") != live.session_id
    assert recorded.body["EVSEID"] == b"ZZ00000" and live.body["EVSEID"] == b"\x00"
