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


SHARED = ROOT / ".." / "shared" / "captures"
VW = SHARED / "vw-ac-iso2.pcap"


def test_a_real_car_replays_cleanly_against_v2glab_secc_with_the_mimicked_profile() -> None:
    """Acceptance: the recorded car of vw-ac-iso2.pcap against v2glab's SECC, its profile derived from the capture."""
    result = subprocess.run(cli("replay", str(VW), "--role", "evcc", "--mimic"), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "same sequence and content: the live SECC sent the 9 recorded messages in order" in result.stderr
    assert "'authorization_ongoing': 1" in result.stdout and "'evse_id': 'DE*PNX*E12345*1'" in result.stdout
    assert result.stdout.count("EVCC <- SECC  AuthorizationRes") == 2 and "FAILED_SequenceError" in result.stdout


def test_mimicked_profile_holds_what_the_capture_shows() -> None:
    from v2glab.capture.replay import mimic

    base, override = mimic(str(VW))
    assert base == "ac"
    assert override["evse_id"] == "DE*PNX*E12345*1" and override["free_service"] is False
    assert override["energy_modes"] == ["AC_three_phase_core", "AC_single_phase_core"] and override["payment_options"] == ["ExternalPayment"]
    assert override["ac"] == {"nominal_voltage": 230.0, "max_current": 6.0, "rcd": False}
    assert override["schedule"] == {"sa_schedule_tuple_id": 1, "pmax": 4140.0, "duration": 86400}
    assert (override["authorization_ongoing"], override["charge_parameter_ongoing"]) == (1, 0)


def _started(process: subprocess.Popen, marker: str) -> str:
    """Wait for the line that says the server listens, and return it (readiness, not time)."""
    for line in process.stdout:
        if marker in line:
            return line
    raise AssertionError(f"no '{marker}' line: {process.stderr.read()}")


def test_content_difference_names_the_message_and_field() -> None:
    secc, port = start_server(["v2glab", "secc", "--once", "--no-sdp", "--host", "::1", "--quiet"], stdout=subprocess.DEVNULL)
    try:
        replay = subprocess.run(cli("replay", str(VW), "--role", "evcc", "--host", "::1", "--port", str(port), "--quiet"), capture_output=True, text=True, timeout=120)
    finally:
        secc.kill()
        secc.communicate()
    assert replay.returncode == 1
    assert "DIFFERENT content, same sequence: message 2 (SessionSetupRes): field EVSEID: recorded DE*PNX*E12345*1, live DE*V2G*E12345*1" in replay.stderr


def test_replayed_secc_answers_with_the_live_evs_schema_id() -> None:
    """The recorded charger chose SchemaID 0 (the car's); v2glab's EV offers ISO 15118-2 as SchemaID 1 and gets 1."""
    replay = subprocess.Popen(cli("replay", str(VW), "--role", "secc", "--host", "::1", "--port", "0"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = _started(replay, "replaying the recorded SECC").rsplit(":", 1)[1].strip()
        ev = subprocess.run(cli("evcc", "--host", "::1", "--port", port, "--quiet"), capture_output=True, text=True, timeout=120)
        out, err = replay.communicate(timeout=120)
    finally:
        replay.kill()
    assert "chose SchemaID" not in ev.stderr
    handshake = out.split("supportedAppProtocolRes", 1)[1].split("SessionSetupReq", 1)[0]
    assert "<SchemaID>1</SchemaID>" in handshake
    assert replay.returncode == 1
    # the v2glab car differs from the recorded one: its offer first, then it goes on charging where the recorded car stopped
    assert "message 9 of the live EVCC: recorded SessionStopReq, live ChargingStatusReq" in err
    assert ("before that, message 1 (supportedAppProtocolReq): field AppProtocol[0]/ProtocolNamespace: "
            "recorded urn:din:70121:2012:MsgDef, live urn:iso:15118:2:2013:MsgDef") in err


def test_mimic_reads_the_ongoing_counts_from_the_sessions_protocol() -> None:
    from v2glab.capture.compare import mimic_profile
    from v2glab.protocols import get

    answers = [("ContractAuthenticationRes", {"EVSEProcessing": "Ongoing"}), ("ContractAuthenticationRes", {"EVSEProcessing": "Finished"}),
               ("CableCheckRes", {"EVSEProcessing": "Ongoing"}), ("CableCheckRes", {"EVSEProcessing": "Ongoing"})]
    _base, din = mimic_profile(answers, get("din70121"))
    assert (din["authorization_ongoing"], din["cable_check_ongoing"]) == (1, 2)
    _base, iso2 = mimic_profile(answers, get("iso15118-2"))  # -2 counts AuthorizationRes, not DIN's message
    assert (iso2["authorization_ongoing"], iso2["cable_check_ongoing"]) == (0, 2)


def test_iso15118_20_answers_compare_and_mimic_by_its_own_fields() -> None:
    """-20 names its limits otherwise (EVSEMaximumVoltage, a RationalNumber): its descriptor's comparison reads them."""
    from v2glab.capture.compare import first_difference, mimic_profile
    from v2glab.protocols import get

    iso20 = get("iso15118-20")
    recorded = {"ResponseCode": "OK", "DC_CPDResEnergyTransferMode": {"EVSEMaximumVoltage": {"Exponent": 1, "Value": 50},
                                                                     "EVSEMinimumVoltage": {"Exponent": 0, "Value": 150}}}
    same = {"ResponseCode": "OK", "DC_CPDResEnergyTransferMode": {"EVSEMaximumVoltage": {"Exponent": 0, "Value": 500},
                                                                 "EVSEMinimumVoltage": {"Exponent": 0, "Value": 150}}}
    other = {"ResponseCode": "OK", "DC_CPDResEnergyTransferMode": {"EVSEMaximumVoltage": {"Exponent": 0, "Value": 400},
                                                                  "EVSEMinimumVoltage": {"Exponent": 0, "Value": 150}}}
    fields = iso20.comparison.charger_fields
    assert first_difference("DC_ChargeParameterDiscoveryRes", recorded, same, fields) is None  # 50 x 10^1 V == 500 V
    assert first_difference("DC_ChargeParameterDiscoveryRes", recorded, other, fields) == \
        "field DC_CPDResEnergyTransferMode/EVSEMaximumVoltage: recorded 500, live 400"
    base, override = mimic_profile([("DC_ChargeParameterDiscoveryRes", recorded)], iso20)
    assert base == "dc" and override["dc"] == {"max_voltage": 500.0, "min_voltage": 150.0}
    # the -2 tables know no -20 field: nothing of the limits would be compared or mimicked
    assert first_difference("DC_ChargeParameterDiscoveryRes", recorded, other, get("iso15118-2").comparison.charger_fields) is None
