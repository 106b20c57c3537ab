"""ISO 15118-20 in the evidence tools: the JSON log, pcap show and replay of a -20 DC session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.capture.test_replay import _against
from v2glab.capture.show import read_capture


@pytest.fixture(scope="module")
def iso20_capture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("iso20")
    pcap, log = folder / "dc20.pcapng", folder / "dc20.jsonl"
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "demo", "--dc", "--protocol", "iso15118-20", "--quiet", "--pcap", str(pcap),
                             "--log", str(log)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return pcap, [r for r in map(json.loads, log.read_text().splitlines()) if r.get("role") == "SECC" and "hex" in r]


def test_the_json_log_shows_each_messages_payload_type(iso20_capture: tuple[Path, list[dict]]) -> None:
    _pcap, trace = iso20_capture
    types = {r["message"]: r["v2gtp"]["payload_type"] for r in trace}
    assert types["supportedAppProtocolReq"] == "0x8001" and types["SessionSetupReq"] == "0x8002"
    assert types["DC_ChargeLoopRes"] == "0x8004" and types["PowerDeliveryReq"] == "0x8002"
    assert "urn:iso:std:iso:15118:-20:DC" in next(r["xml"] for r in trace if r["message"] == "DC_CableCheckReq")
    assert not any("timing_violations" in r for r in trace)


def test_pcap_show_decodes_every_iso20_frame_by_its_payload_type(iso20_capture: tuple[Path, list[dict]]) -> None:
    pcap, trace = iso20_capture
    frames = [f for f in read_capture(str(pcap)) if f.transport == "TCP"]
    assert [f.name for f in frames] == [r["message"] for r in trace]
    assert [f.data.hex().upper() for f in frames] == [r["hex"] for r in trace]
    assert all(f.error is None for f in frames)
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(pcap)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.count("SECC <- EVCC  DC_ChargeLoopReq") == 3
    assert "Payload Type 0x8004" in result.stdout and "0 that did not decode" in result.stderr
    assert "Session 1: ISO 15118-20" in result.stdout + result.stderr
    assert "timing: judged by ISO 15118-20's limits" in result.stdout + result.stderr


def test_replayed_iso20_ev_against_a_live_secc(iso20_capture: tuple[Path, list[dict]]) -> None:
    pcap, _trace = iso20_capture
    replay, _live = _against(["secc", "--once", "--no-sdp", "--quiet", "--profile", "dc"], ["replay", str(pcap), "--role", "evcc", "--quiet"])
    assert replay.returncode == 0, replay.stderr
    assert "recorded messages in order" in replay.stderr
