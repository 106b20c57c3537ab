"""`v2glab replay`: a recorded session played against a live engine reproduces the same sequence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.capture.show import read_capture

from ..conftest import start_server

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "v2glab.cli", *args]


@pytest.fixture(scope="module")
def recorded_ac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pcap = tmp_path_factory.mktemp("replay") / "ac.pcapng"
    assert subprocess.run(cli("demo", "--quiet", "--pcap", str(pcap)), capture_output=True, timeout=60).returncode == 0
    return pcap


def _against(live: list[str], replay: list[str]) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    first_is_replay = replay[replay.index("--role") + 1] == "secc"
    server_args = (replay if first_is_replay else live) + ["--host", "::1"]
    client_args = (live if first_is_replay else replay) + ["--host", "::1"]
    server, port = start_server(cli(*server_args))
    try:
        client = subprocess.run(cli(*client_args, "--port", str(port)), capture_output=True, text=True, timeout=60)
        out, err = server.communicate(timeout=60)
    finally:
        server.kill()
    server_done = subprocess.CompletedProcess(server.args, server.returncode, out, err)
    return (server_done, client) if first_is_replay else (client, server_done)


def test_replayed_ev_against_a_live_secc(recorded_ac: Path) -> None:
    replay, _live = _against(["secc", "--once", "--no-sdp", "--quiet"], ["replay", str(recorded_ac), "--role", "evcc", "--log", "/dev/null"])
    assert replay.returncode == 0, replay.stderr
    recorded = [f.name for f in read_capture(str(recorded_ac)) if f.transport == "TCP" and f.sender == "SECC"]
    assert f"the live SECC sent the {len(recorded)} recorded messages in order" in replay.stderr
    assert replay.stdout.count("EVCC <- SECC  ChargingStatusRes") == 3


def test_replayed_secc_against_a_live_ev(recorded_ac: Path) -> None:
    replay, live = _against(["evcc", "--quiet"], ["replay", str(recorded_ac), "--role", "secc", "--quiet"])
    assert live.returncode == 0, live.stderr
    assert replay.returncode == 0 and "same sequence" in replay.stderr


def test_a_different_live_side_is_reported(recorded_ac: Path) -> None:
    # the recorded AC car against a DC charger: ChargeParameterDiscovery fails on the energy mode
    replay, _live = _against(["secc", "--once", "--no-sdp", "--quiet", "--profile", "dc"], ["replay", str(recorded_ac), "--role", "evcc", "--quiet"])
    assert replay.returncode == 1
    assert "DIFFERENT" in replay.stderr and "the SECC closed the connection after" in replay.stderr


def test_run_writes_a_capture_too(tmp_path: Path) -> None:
    pcap = tmp_path / "run.pcapng"
    secc, port = start_server(cli("run", str(ROOT / "examples" / "secc_ac_session.lua"), "--role", "secc", "--host", "::1",
                                  "--no-sdp", "--quiet", "--pcap", str(pcap)))
    try:
        ev = subprocess.run(cli("evcc", "--host", "::1", "--port", str(port), "--quiet"), capture_output=True, text=True, timeout=60)
        secc.communicate(timeout=60)
    finally:
        secc.kill()
    assert ev.returncode == 0 and secc.returncode == 0
    names = [f.name for f in read_capture(str(pcap)) if f.transport == "TCP"]
    assert names[0] == "supportedAppProtocolReq" and names[-1] == "SessionStopRes" and names.count("ChargingStatusRes") == 3
