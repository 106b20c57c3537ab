"""`v2glab run`: scripts against the other role of v2glab, over real sockets on ::1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab import exi

from ..conftest import start_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED_PAGE = ROOT / "tests" / "fixtures" / "reference" / "iso15118-2__charging-status-secc.txt"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "v2glab.cli", *args]


def pair(secc_args: list[str], evcc_args: list[str], timeout: float = 60) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Start the SECC side, then the EVCC side, on ::1; both finish on their own."""
    secc, port = start_server(cli(*secc_args, "--host", "::1", "--no-sdp"))
    try:
        ev = subprocess.run(cli(*evcc_args, "--host", "::1", "--port", str(port)), capture_output=True, text=True, timeout=timeout)
        out, err = secc.communicate(timeout=timeout)
    finally:
        secc.kill()
    return subprocess.CompletedProcess(secc.args, secc.returncode, out, err), ev


def test_seed_script_runs_unchanged_as_secc(tmp_path: Path) -> None:
    page = SEED_PAGE.read_text()
    seed_script = page[page.index("Script\n") + len("Script\n"):page.index("V2GTP Header")]
    lead_in = "\n".join(
        f"Secc.Receive_{m}Req_001() Secc.Send_{m}Res_001()" for m in ("SessionSetup", "ServiceDiscovery", "PaymentServiceSelection")
    )
    script = tmp_path / "seed.lua"
    script.write_text(
        lead_in + "\nSecc.Receive_AuthorizationReq_001() Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished) Secc.Send_AuthorizationRes_001()\n"
        "Secc.Receive_ChargeParameterDiscoveryReq_001() Secc.Send_ChargeParameterDiscoveryRes_001()\n"
        "Secc.Receive_PowerDeliveryReq_001() Secc.Send_PowerDeliveryRes_001()\n"
        "Secc.Receive_ChargingStatusReq_001()\n" + seed_script  # the page's script, unchanged
    )
    log = tmp_path / "secc.jsonl"
    secc, _ev = pair(["run", str(script), "--role", "secc", "--quiet", "--log", str(log)], ["evcc", "--quiet", "--loops", "1"])
    assert secc.returncode == 0, secc.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    sent = [r for r in records if r.get("message") == "ChargingStatusRes"]
    assert len(sent) == 1
    frame = bytes.fromhex(sent[0]["hex"])
    assert frame[:8] == bytes.fromhex("01FE800100000027")  # payload length 0x27 = 39
    message = exi.decode(frame[8:], "iso15118-2")
    setup = next(r for r in records if r.get("message") == "SessionSetupRes")
    session_id = exi.decode(bytes.fromhex(setup["hex"])[8:], "iso15118-2").session_id
    expected = exi.from_xml(page[page.index("<?xml"):])
    expected.content["Header"]["SessionID"] = session_id
    assert message == expected
    assert message.session_id == session_id != bytes.fromhex("634BBE48F628FEE4")


CASES = [
    # (script, role, script args, other side, script exit, other exit, text the other side reports)
    ("secc_ac_session.lua", "secc", [], ["evcc", "--quiet"], 0, 0, "session complete"),
    ("secc_dc_session.lua", "secc", ["--profile", "dc"], ["evcc", "--profile", "dc", "--quiet"], 0, 0, "session complete"),
    ("evcc_ac_session.lua", "evcc", [], ["secc", "--once", "--quiet"], 0, 0, ""),
    ("evcc_dc_session.lua", "evcc", ["--profile", "dc"], ["secc", "--once", "--quiet", "--profile", "dc"], 0, 0, ""),
    ("negative_secc_session_setup_sequence_error.lua", "secc", [], ["evcc", "--quiet"], 0, 1, "SessionSetupRes: FAILED_SequenceError"),
    ("negative_secc_withhold_charging_status.lua", "secc", [], ["evcc", "--quiet"], 0, 1, "V2G_EVCC_Msg_Timeout (2 s) expired waiting for ChargingStatusRes"),
    ("negative_secc_out_of_range_value.lua", "secc", [], ["evcc", "--quiet"], 0, 1, "EVSEID: 4 characters is shorter than the minimum 7 [minLength]"),
    ("negative_evcc_corrupt_v2gtp_header.lua", "evcc", [], ["secc", "--once"], 0, 0, "bad V2GTP header: V2GTP inverse protocol version 0x00"),
    # 40 ms is late for the standard (25 ms) but not for the EV's 250 ms timeout: the script's run fails, the EV completes
    ("negative_secc_late_current_demand.lua", "secc", ["--profile", "dc"], ["evcc", "--profile", "dc", "--quiet"], 1, 0, "session complete"),
    # DIN SPEC 70121: the script side enables (SECC) or offers (EVCC) DIN only, the other side its DC default
    ("secc_din_session.lua", "secc", ["--profile", "dc", "--protocol", "din70121"], ["evcc", "--profile", "dc", "--protocol", "din70121", "--quiet"], 0, 0, "session complete"),
    ("evcc_din_session.lua", "evcc", ["--profile", "dc", "--protocol", "din70121"], ["secc", "--once", "--quiet", "--profile", "dc"], 0, 0, ""),
    ("negative_secc_din_withhold_current_demand.lua", "secc", ["--profile", "dc", "--protocol", "din70121"], ["evcc", "--profile", "dc", "--protocol", "din70121", "--quiet"], 0, 1,
     "V2G_EVCC_Msg_Timeout (0.25 s) expired waiting for CurrentDemandRes"),
    ("negative_evcc_din_skip_contract_authentication.lua", "evcc", ["--profile", "dc", "--protocol", "din70121"], ["secc", "--once", "--profile", "dc"], 0, 0,
     "FAILED_SequenceError: ChargeParameterDiscoveryReq out of sequence; allowed: ContractAuthenticationReq, SessionStopReq"),
    # ISO 15118-20: a DC session and an AC BPT session for each role
    ("secc_iso20_dc_session.lua", "secc", ["--profile", "dc"], ["evcc", "--protocol", "iso15118-20", "--profile", "dc", "--quiet"], 0, 0, "session complete"),
    ("evcc_iso20_dc_session.lua", "evcc", ["--profile", "dc", "--protocol", "iso15118-20"], ["secc", "--once", "--quiet", "--profile", "dc"], 0, 0, ""),
    ("secc_iso20_ac_bpt_session.lua", "secc", ["--profile", str(EXAMPLES / "profiles" / "secc_iso20_ac_bpt.toml")],
     ["evcc", "--profile", str(EXAMPLES / "profiles" / "evcc_iso20_ac_bpt.toml"), "--quiet"], 0, 0, "session complete"),
    ("evcc_iso20_ac_bpt_session.lua", "evcc", ["--profile", str(EXAMPLES / "profiles" / "evcc_iso20_ac_bpt.toml")],
     ["secc", "--once", "--quiet", "--profile", str(EXAMPLES / "profiles" / "secc_iso20_ac_bpt.toml")], 0, 0, ""),
]


@pytest.mark.parametrize(("script", "role", "script_args", "other", "script_rc", "other_rc", "reported"), CASES, ids=[c[0] for c in CASES])
def test_example_against_the_other_role(script: str, role: str, script_args: list[str], other: list[str], script_rc: int, other_rc: int, reported: str) -> None:
    run_args = ["run", str(EXAMPLES / script), "--role", role, *script_args]
    if role == "secc":
        script_side, other_side = pair(run_args, other)
    else:
        other_side, script_side = pair(other, run_args)
    assert script_side.returncode == script_rc, script_side.stdout[-2000:] + script_side.stderr[-2000:]
    assert other_side.returncode == other_rc, other_side.stdout[-2000:] + other_side.stderr[-2000:]
    assert reported in other_side.stdout + other_side.stderr


def test_every_example_is_exercised() -> None:
    from .test_pnc_tools import PNC_EXAMPLES  # Plug & Charge examples need a PKI: run there

    assert {c[0] for c in CASES} | set(PNC_EXAMPLES) == {p.name for p in EXAMPLES.glob("*.lua")}


def _run_alone(tmp_path: Path, code: str, role: str = "secc") -> subprocess.CompletedProcess:
    script = tmp_path / "s.lua"
    script.write_text(code)
    return subprocess.run(cli("run", str(script), "--role", role, "--host", "::1", "--no-sdp", "--quiet"), capture_output=True, text=True, timeout=30)


def test_unknown_function_names_the_line_and_suggests(tmp_path: Path) -> None:
    result = _run_alone(tmp_path, "local x = 1\nSecc.Set_ChargingStatusRes_EVSEMaxCurent_Value(32)\n")
    assert result.returncode == 2
    assert "s.lua:2: Secc.Set_ChargingStatusRes_EVSEMaxCurent_Value: no such function" in result.stderr
    assert "did you mean Secc.Set_ChargingStatusRes_EVSEMaxCurrent_Value" in result.stderr


def test_wrong_argument_type(tmp_path: Path) -> None:
    result = _run_alone(tmp_path, "\n\nSecc.Set_ChargingStatusRes_AC_EVSEStatus_RCD('yes')\n")
    assert result.returncode == 2 and "s.lua:3:" in result.stderr and "expects a boolean, got string" in result.stderr


def test_out_of_range_value_at_set_time(tmp_path: Path) -> None:
    result = _run_alone(tmp_path, "Secc.Set_ChargingStatusRes_EVSEMaxCurrent_Multiplier(5)\n")
    assert result.returncode == 2 and "s.lua:1:" in result.stderr
    assert "5 is above the maximum 3 [schema maxInclusive" in result.stderr
    bad_enum = _run_alone(tmp_path, "Secc.Set_ChargingStatusRes_ResponseCode('GREAT')\n")
    assert "'GREAT' is not a ResponseCodeType" in bad_enum.stderr


def test_the_other_roles_table_is_refused(tmp_path: Path) -> None:
    result = _run_alone(tmp_path, "Evcc.Send_SessionSetupReq_001()\n")
    assert result.returncode == 2 and "Evcc functions are for --role evcc scripts" in result.stderr


def test_lua_syntax_and_runtime_errors(tmp_path: Path) -> None:
    syntax = _run_alone(tmp_path, "local = 1\n")
    assert syntax.returncode == 2 and "s.lua:1:" in syntax.stderr
    runtime = _run_alone(tmp_path, "local t = nil\nprint(t.x)\n")
    assert runtime.returncode == 2 and "s.lua:2:" in runtime.stderr


def test_a_failed_check_exits_1(tmp_path: Path) -> None:
    script = tmp_path / "ev.lua"
    script.write_text("Evcc.Send_SessionSetupReq_001()\nEvcc.Receive_SessionSetupRes_001()\n"
                      "Evcc.Check_SessionSetupRes_EVSEID('XX*NOT*THIS*ONE')\nEvcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)\n")
    _secc, ev = pair(["secc", "--once", "--quiet", "--sequence-timeout", "1"], ["run", str(script), "--role", "evcc", "--quiet"])
    assert ev.returncode == 1
    assert "FAIL Evcc.Check_SessionSetupRes_EVSEID: expected 'XX*NOT*THIS*ONE', got 'DE*V2G*E12345*1'" in ev.stderr
    assert "1 of 2 checks passed" in ev.stderr


def test_missing_script_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(cli("run", str(tmp_path / "nope.lua"), "--role", "secc"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "script not found" in result.stderr


LEAD_IN = "Secc.Receive_SessionSetupReq_001()\n"

TOOL_CASES = [
    # (SECC script after SessionSetupReq, what v2glab's EVCC must report, the script's own exit status)
    # the EV gives up before the delayed answer: the script notes the send it could not make, at its line
    ("Secc.Set_SendDelay(2500)\nSecc.Send_SessionSetupRes_001()\nSleep(500)\n", "V2G_EVCC_Msg_Timeout (2 s) expired waiting for SessionSetupRes", 0),
    ("Secc.Send_RawPayload('80FFFFFF')\nSleep(500)\n", "undecodable EXI from the SECC", 0),
    ("Secc.Send_SessionStopRes_001()\nSleep(500)\n", "expected SessionSetupRes, got SessionStopRes", 0),
    ("Secc.Close_Connection()\n", "the peer closed the connection", 0),
    ("Secc.Send_RawFrame('01FE80010000000480')\nSleep(2500)\n", "V2G_EVCC_Msg_Timeout", 0),  # a frame whose payload never ends
]


@pytest.mark.parametrize(("script", "reported", "script_rc"), TOOL_CASES, ids=["delay", "raw-payload", "other-message", "close", "raw-frame"])
def test_secc_tool_is_observed_by_the_ev(tmp_path: Path, script: str, reported: str, script_rc: int) -> None:
    path = tmp_path / "tool.lua"
    path.write_text(LEAD_IN + script)
    secc, ev = pair(["run", str(path), "--role", "secc", "--quiet"], ["evcc", "--quiet"])
    assert secc.returncode == script_rc, secc.stderr
    assert ev.returncode == 1 and reported in ev.stderr, ev.stderr


@pytest.mark.parametrize(
    ("setter", "value", "reported"),
    [
        ("ProtocolVersion", "2", "V2GTP protocol version 0x02"),
        ("InverseProtocolVersion", "0", "inverse protocol version 0x00"),
        ("PayloadType", "0x9000", "payload type 0x9000 is not EXI"),
        ("PayloadLength", "0x7FFFFFFF", "exceeds the limit"),
    ],
)
def test_corrupted_header_fields_are_reported_by_the_secc(tmp_path: Path, setter: str, value: str, reported: str) -> None:
    path = tmp_path / "corrupt.lua"
    path.write_text(f"Evcc.Set_V2GTP_{setter}({value})\nEvcc.Send_SessionSetupReq_001()\nEvcc.Check_ConnectionClosed(2000)\n")
    secc, ev = pair(["secc", "--once"], ["run", str(path), "--role", "evcc", "--quiet"])
    assert ev.returncode == 0, ev.stderr  # the SECC closed without answering
    assert reported in secc.stdout, secc.stdout[-2000:]


# -- hybrid play: the engine plays the steps the script does not take ------------------------------------------------

def script_secc(script_args: list[str], evcc_args: list[str], timeout: float = 60) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """A script SECC (quiet: --log holds its trace), then an EV against it."""
    return pair(["run", *[a for a in script_args if a != "--quiet"], "--role", "secc", "--quiet"], evcc_args, timeout)


def _seed_script(tmp_path: Path, prefix: str = "") -> Path:
    page = SEED_PAGE.read_text()
    script = tmp_path / "seed.lua"
    script.write_text(prefix + page[page.index("Script\n") + len("Script\n"):page.index("V2GTP Header")])
    return script


def test_the_seed_script_alone_is_a_complete_session(tmp_path: Path) -> None:
    """Issue 11's acceptance case: the reference page's snippet, unchanged and alone, against v2glab's EV."""
    log = tmp_path / "secc.jsonl"
    secc, ev = script_secc([str(_seed_script(tmp_path)), "--log", str(log)], ["evcc", "--quiet", "--loops", "3"])
    assert ev.returncode == 0 and "session complete" in ev.stderr, ev.stderr
    assert secc.returncode == 0, secc.stderr
    assert "0 of 0 checks passed" in secc.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    names = [r["message"] for r in records if "message" in r]
    assert names[:2] == ["supportedAppProtocolReq", "supportedAppProtocolRes"] and names[-2:] == ["SessionStopReq", "SessionStopRes"]
    assert names.count("ChargingStatusRes") == 3  # the script's, then the engine's until the EV stops
    setup = next(r for r in records if r.get("message") == "SessionSetupRes")
    session_id = exi.decode(bytes.fromhex(setup["hex"])[8:], "iso15118-2").session_id
    assert len(session_id) == 8
    frame = bytes.fromhex(next(r for r in records if r.get("message") == "ChargingStatusRes")["hex"])
    assert frame[:8] == bytes.fromhex("01FE800100000027")  # 39-byte payload
    message = exi.decode(frame[8:], "iso15118-2")
    page = SEED_PAGE.read_text()
    expected = exi.from_xml(page[page.index("<?xml"):])
    expected.content["Header"]["SessionID"] = session_id
    assert message == expected and message.session_id == session_id


@pytest.mark.parametrize("how", ["--strict", "Set_Strict(true)"])
def test_strict_mode_sends_the_snippet_at_once(tmp_path: Path, how: str) -> None:
    """Today's mode: the script's ChargingStatusRes answers the EV's SessionSetupReq, and the EV fails."""
    script = _seed_script(tmp_path, "Set_Strict(true)\n" if how.startswith("Set_") else "")
    secc, ev = script_secc([str(script), *([how] if how.startswith("--") else []), "--quiet"], ["evcc", "--quiet"])
    assert ev.returncode == 1 and "expected SessionSetupRes, got ChargingStatusRes" in ev.stderr, ev.stderr


def test_an_ev_script_takes_one_step_and_the_engine_plays_the_rest(tmp_path: Path) -> None:
    script = tmp_path / "ev.lua"
    script.write_text(
        "Evcc.Set_ChargeParameterDiscoveryReq_AC_EVChargeParameter_EVMaxCurrent_Value(20)\n"
        "Evcc.Send_ChargeParameterDiscoveryReq_001()\n"
        "Evcc.Receive_ChargeParameterDiscoveryRes_001()\n"
        "Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)\n"
        "Evcc.Receive_ChargingStatusRes_001()  -- the engine sends the request, the script gets the answer\n"
        "Evcc.Check_ChargingStatusRes_ResponseCode(ResponseCodeType.OK)\n"
    )
    log = tmp_path / "ev.jsonl"
    secc, ev = pair(["secc", "--once", "--quiet"], ["run", str(script), "--role", "evcc", "--log", str(log)])
    assert ev.returncode == 0, ev.stdout[-3000:] + ev.stderr
    assert "2 of 2 checks passed" in ev.stderr
    names = [json.loads(line).get("message") for line in log.read_text().splitlines()]
    names = [n for n in names if n]
    assert names[:3] == ["supportedAppProtocolReq", "supportedAppProtocolRes", "SessionSetupReq"]
    assert names.count("AuthorizationReq") == 2  # the engine went through Ongoing before the script's step
    assert names[-2:] == ["SessionStopReq", "SessionStopRes"]
    cpd = next(json.loads(line) for line in log.read_text().splitlines() if json.loads(line).get("message") == "ChargeParameterDiscoveryReq")
    body = exi.decode(bytes.fromhex(cpd["hex"])[8:], "iso15118-2").body
    assert body["AC_EVChargeParameter"]["EVMaxCurrent"]["Value"] == 20


def test_a_branch_returns_at_once_in_hybrid_play(tmp_path: Path) -> None:
    """Waiting for ChargingStatusReq in the loop, the EV's PowerDeliveryReq comes instead: the script sees it."""
    script = tmp_path / "branch.lua"
    script.write_text(
        "repeat Secc.Receive_ChargingStatusReq_001() until not Secc.Check_Received_ChargingStatusReq()\n"
        "Verdict('the loop ends with PowerDeliveryReq', Secc.Check_Received_PowerDeliveryReq())\n"
        "Verdict('ChargeProgress Stop', Secc.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Stop)\n"
    )
    secc, ev = script_secc([str(script), "--quiet"], ["evcc", "--quiet", "--loops", "2"])
    assert secc.returncode == 0 and "2 of 2 checks passed" in secc.stderr, secc.stderr
    assert ev.returncode == 0, ev.stderr  # the script never answered: the engine did, and finished the session


def test_a_strict_script_repeating_after_ongoing_waits_for_a_slow_answer(tmp_path: Path) -> None:
    """After AuthorizationRes Ongoing the car's engine would repeat the request after 50 ms; the strict script
    repeats it itself, and the charger answers it 200 ms later: the session must not end at the engine's pause."""
    charger = tmp_path / "slow.lua"
    charger.write_text(
        "Secc.Receive_AuthorizationReq_001()\n"
        "Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Ongoing)\nSecc.Send_AuthorizationRes_001()\n"
        "Secc.Receive_AuthorizationReq_001()\nSecc.Set_SendDelay(200)\n"
        "Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished)\nSecc.Send_AuthorizationRes_001()\n"
    )
    car = tmp_path / "strict.lua"
    car.write_text(
        "Set_Strict(true)\n"
        "local function exchange(name) Evcc['Send_' .. name .. 'Req_001']() Evcc['Receive_' .. name .. 'Res_001']() end\n"
        "for _, name in ipairs({'SessionSetup', 'ServiceDiscovery', 'PaymentServiceSelection', 'Authorization', 'Authorization'}) do\n"
        "  exchange(name)\nend\n"
        "Evcc.Check_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished)\n"
    )
    _secc, ev = pair(["run", str(charger), "--role", "secc", "--quiet"], ["run", str(car), "--role", "evcc", "--quiet"])
    assert ev.returncode == 0 and "1 of 1 checks passed" in ev.stderr, ev.stderr


def test_an_empty_script_leaves_the_whole_din_session_to_the_engine(tmp_path: Path) -> None:
    """Hybrid play is protocol-neutral: the DIN SPEC 70121 descriptor's charger and car play every step."""
    script = tmp_path / "empty.lua"
    script.write_text("-- nothing: the engine plays the session\n")
    log = tmp_path / "secc.jsonl"
    secc, ev = script_secc([str(script), "--profile", "dc", "--log", str(log)], ["evcc", "--quiet", "--profile", "dc", "--protocol", "din70121"])
    assert ev.returncode == 0 and "session complete" in ev.stderr, ev.stderr
    assert secc.returncode == 0, secc.stderr
    names = [n for n in (json.loads(line).get("message") for line in log.read_text().splitlines()) if n]
    assert "CurrentDemandRes" in names and names[-1] == "SessionStopRes"
    _secc, ev_script = pair(["secc", "--once", "--quiet", "--profile", "dc", "--protocol", "din70121"],
                            ["run", str(script), "--role", "evcc", "--quiet", "--profile", "dc", "--protocol", "din70121"])
    assert ev_script.returncode == 0 and _secc.returncode == 0, ev_script.stderr + _secc.stderr


def test_the_car_engine_leaves_closing_to_the_peer_after_a_response_the_script_took(tmp_path: Path) -> None:
    """A FAILED response the EV script received ends the engine's session, but the connection stays open:
    Check_ConnectionClosed judges the charger (does it close?), not v2glab's own car."""
    charger = tmp_path / "failed_but_open.lua"
    charger.write_text(
        "Secc.Receive_ServiceDiscoveryReq_001()\n"
        "Secc.Set_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED)\n"
        "Secc.Send_ServiceDiscoveryRes_001()\n"
        "Sleep(1500)  -- a charger that does not close after FAILED\n"
        "Close_Connection()\n"
    )
    ev = tmp_path / "expects_close.lua"
    ev.write_text(
        "Evcc.Send_ServiceDiscoveryReq_001()\n"
        "Evcc.Receive_ServiceDiscoveryRes_001()\n"
        "Evcc.Check_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED)\n"
        "Evcc.Check_ConnectionClosed(500)\n"
        "Evcc.Check_ConnectionClosed(3000)  -- the charger's own close, 1.5 s after its answer\n"
    )
    secc, car = script_secc([str(charger)], ["run", str(ev), "--role", "evcc"])
    assert car.returncode == 1, car.stderr
    assert "FAIL Evcc.Check_ConnectionClosed: still open after 500 ms" in car.stdout
    assert "PASS Evcc.Check_ConnectionClosed: closed by the peer" in car.stdout
    assert "2 of 3 checks passed" in car.stderr


def test_the_car_engines_steps_wait_by_their_own_timeout_not_the_scripts(tmp_path: Path) -> None:
    """An EV script's first call is a CurrentDemand step (250 ms, DIN Table 75); the engine plays the session
    before it, and a CableCheckRes 600 ms late is within that step's own 2 s: the script still gets its turn."""
    charger = tmp_path / "slow_cable_check.lua"
    charger.write_text("Secc.Receive_CableCheckReq_001()\nSecc.Set_SendDelay(600)\nSecc.Send_CableCheckRes_001()\n")
    ev = tmp_path / "current_demand_first.lua"
    ev.write_text(
        "Evcc.Send_CurrentDemandReq_001()\n"
        "Evcc.Receive_CurrentDemandRes_001()\n"
        "Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.OK)\n"
    )
    din = ["--profile", "dc", "--protocol", "din70121"]
    secc, car = script_secc([str(charger), *din], ["run", str(ev), "--role", "evcc", *din])
    assert car.returncode == 0, car.stdout[-3000:] + car.stderr
    assert "1 of 1 checks passed" in car.stderr
    assert "CableCheckRes  (+6" in car.stdout  # the late answer really was late


# -- tools of the test-case library: Get_Timer, Check_ConnectionClosed(ms, at_least), Reconnect -----------------------

def test_get_timer_reads_the_protocols_timing_table_and_scales_only_charger_timers(tmp_path: Path) -> None:
    profile = tmp_path / "ev.toml"
    profile.write_text('base = "ac"\n[evcc.timers]\nsecc_timer_scale = 0.5\n')
    script = tmp_path / "t.lua"
    script.write_text("Set_Strict(true)\n"
                      "print(Evcc.Get_Timer('V2G_SECC_Sequence_Timeout'), Evcc.Get_Timer('V2G_SECC_CommunicationSetup_Performance_Time'),"
                      " Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'CurrentDemandReq'), Evcc.Get_Timer('V2G_EVCC_PreCharge_Timeout'))\n"
                      "Evcc.Get_Timer('V2G_SECC_Coffee_Timeout')\n")
    done = subprocess.run(cli("run", str(script), "--role", "evcc", "--profile", str(profile), "--host", "::1", "--port", "9", "--quiet"),
                          capture_output=True, text=True, timeout=30)
    assert "30000.0\t9000.0\t250.0\t7000.0" in done.stdout, done.stdout + done.stderr  # the V2G_EVCC_* ones unscaled
    assert done.returncode == 2 and "t.lua:3:" in done.stderr and "iso15118-2 has no timer 'V2G_SECC_Coffee_Timeout'" in done.stderr


def test_check_connection_closed_fails_a_close_before_at_least(tmp_path: Path) -> None:
    """The SECC closes after its 1 s sequence timeout: inside (500, 3000) ms passes, before 2000 ms fails."""
    results = []
    for at_least in (500, 2000):
        script = tmp_path / f"c{at_least}.lua"
        script.write_text(f"Evcc.Send_SessionSetupReq_001()\nEvcc.Receive_SessionSetupRes_001()\nEvcc.Check_ConnectionClosed(3000, {at_least})\n")
        _secc, ev = pair(["secc", "--once", "--quiet", "--sequence-timeout", "1"], ["run", str(script), "--role", "evcc", "--quiet"])
        results.append(ev)
    assert results[0].returncode == 0, results[0].stderr
    assert results[1].returncode == 1 and "before 2000 ms" in results[1].stderr, results[1].stderr


def test_reconnect_resumes_a_paused_session_on_a_new_connection(tmp_path: Path) -> None:
    script = tmp_path / "resume.lua"
    script.write_text("Evcc.Set_SessionStopReq_ChargingSession(ChargingSessionType.Pause)\nEvcc.Send_SessionStopReq_001()\n"
                      "Evcc.Receive_SessionStopRes_001()\nlocal paused = Evcc.Get_SessionID()\nEvcc.Reconnect()\nEvcc.Set_SessionID(paused)\n"
                      "Evcc.Send_SessionSetupReq_001()\nEvcc.Receive_SessionSetupRes_001()\n"
                      "Evcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_OldSessionJoined)\n"
                      "Verdict('same SessionID', Evcc.Get_SessionID() == paused)\n")
    log = tmp_path / "ev.jsonl"
    secc, port = start_server(cli("secc", "--host", "::1", "--no-sdp", "--quiet"))
    try:
        ev = subprocess.run(cli("run", str(script), "--role", "evcc", "--host", "::1", "--port", str(port), "--quiet", "--log", str(log)),
                            capture_output=True, text=True, timeout=60)
    finally:
        secc.kill()
        secc.wait()
    assert ev.returncode == 0, ev.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    sent = [r["message"] for r in records if r.get("direction") == "tx"]
    # two connections, each with its handshake; the resumed session runs to its end by the engine
    assert sent.count("supportedAppProtocolReq") == 2 and sent.count("SessionStopReq") == 2
    assert sum("connected to" in r.get("note", "") for r in records) == 2
