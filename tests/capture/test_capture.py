"""Captures: a demo session written with --pcap, read back by v2glab and by an independent reader (tshark)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab import exi
from v2glab.capture.show import read_capture
from v2glab.v2gtp import V2GTPReader


@pytest.fixture(scope="module")
def demo_capture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("capture")
    pcap, log = folder / "demo.pcapng", folder / "demo.jsonl"
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "demo", "--dc", "--quiet", "--pcap", str(pcap), "--log", str(log)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    sent = [r for r in map(json.loads, log.read_text().splitlines()) if r.get("role") == "SECC" and "hex" in r]
    return pcap, sent


def test_pcap_show_finds_every_message_in_order(demo_capture: tuple[Path, list[dict]]) -> None:
    pcap, trace = demo_capture
    frames = [f for f in read_capture(str(pcap)) if f.transport == "TCP"]
    assert [f.name for f in frames] == [r["message"] for r in trace]
    assert [f.data.hex().upper() for f in frames] == [r["hex"] for r in trace]
    assert [f.sender for f in frames[:2]] == ["EVCC", "SECC"]
    sdp = [f for f in read_capture(str(pcap)) if f.transport == "UDP"]
    assert [f.sender for f in sdp] == ["EVCC", "SECC"] and "SDP response: SECC at [::1]" in sdp[1].error


def test_pcap_show_command_prints_the_trace(demo_capture: tuple[Path, list[dict]]) -> None:
    pcap, trace = demo_capture
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(pcap)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.count("SECC <- EVCC  CurrentDemandReq") == 3
    assert "Payload Type 0x8001" in result.stdout and "<s1:CurrentDemandRes>" in result.stdout
    assert f"{len(trace) + 2} frames, 0 that did not decode" in result.stderr


def test_tshark_reads_the_same_frames(demo_capture: tuple[Path, list[dict]]) -> None:
    if shutil.which("tshark") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tshark is missing in CI (.ci/run installs it)")
        pytest.skip("tshark (Debian package) is not installed")
    pcap, trace = demo_capture
    out = subprocess.run(["tshark", "-r", str(pcap), "-q", "-z", "follow,tcp,raw,0"], capture_output=True, text=True, timeout=60).stdout
    streams = {"client": b"", "server": b""}
    for line in out.splitlines():
        if not line.strip() or not all(c in "0123456789abcdef" for c in line.strip()):
            continue
        streams["server" if line.startswith("\t") else "client"] += bytes.fromhex(line.strip())
    frames = {side: [h.to_bytes() + p for h, p in V2GTPReader().feed(data)] for side, data in streams.items()}
    expected_client = [bytes.fromhex(r["hex"]) for r in trace if r["direction"] == "rx"]
    expected_server = [bytes.fromhex(r["hex"]) for r in trace if r["direction"] == "tx"]
    assert frames["client"] == expected_client and frames["server"] == expected_server
    names = [exi.decode(f[8:], exi.detect_schema(f[8:])).body_name for f in frames["client"]]
    assert names[0] == "supportedAppProtocolReq" and names[-1] == "SessionStopReq"
    sdp = subprocess.run(["tshark", "-r", str(pcap), "-Y", "udp", "-T", "fields", "-e", "udp.payload"], capture_output=True, text=True, timeout=60).stdout.split()
    assert sdp[0].startswith("01fe9000") and sdp[1].startswith("01fe9001")


def test_a_broken_frame_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    from v2glab.capture.pcap import PcapWriter

    pcap = tmp_path / "broken.pcapng"
    writer = PcapWriter(str(pcap))
    client, server = ("fe80::1", 50000), ("fe80::2", 61000)
    writer.tcp_open("c", client, server)
    good = bytes.fromhex("01FE800100000004" + "80400040")
    writer.tcp_data("c", True, bytes.fromhex("01FE800100000003" + "80FFFF"))  # undecodable EXI
    writer.tcp_data("c", False, good)
    writer.tcp_close("c", True)
    writer.close()
    frames = read_capture(str(pcap))
    assert frames[0].message is None and "bit" in frames[0].error and frames[0].data.hex().upper().endswith("80FFFF")
    assert frames[1].name == "supportedAppProtocolRes"
