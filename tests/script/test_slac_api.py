"""The Slac table of `v2glab run --slac`: each SLAC fault set from Lua and seen from the other side, and whole sessions.

The namespace tests run `v2glab run --slac --sim-modem` in one network namespace and `v2glab slac`,
`secc --slac` or `evcc --slac` in the other, joined by a veth pair (`tests/slac/hosts.py`). The
checks of the functions themselves (names, roles, arguments) need no network.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from v2glab import cli
from v2glab.profiles import load_profile
from v2glab.script.runner import ScriptRunner
from v2glab.script.slac_api import ScriptSlac
from v2glab.slac.session import SlacFaults
from v2glab.trace import Tracer

from ..slac.hosts import READY, finish, link, run_in, start_until  # noqa: F401 - link is the fixture

# the EVSE gives up sooner than the standard's 50 s and 10 s, so that each case ends by itself in seconds
EVSE_PROFILE = "[secc.slac]\ninit_timeout = 4.0\nmatch_session_timeout = 2.0\nvalidate = true\n"  # validates when the EV asks
EV_VALIDATES = "[evcc.slac]\nvalidate = true\n"
SLAC_ALONE = "Set_Strict(true)  -- SLAC alone: the engine plays no V2G session after it\n"

# (the script's role, the script, what the other side (v2glab slac) reports and its exit status,
#  the script's exit status and what it reports)
FAULTS = {
    "EVSE wrong RunID": (
        "secc", "Slac.Set_Fault_WrongRunID()\nVerdict('no match', not Slac.Match())\n",
        "CM_SLAC_PARM.CNF ignored: RunID", 1, 0, "SLAC FAILED: no CM_START_ATTEN_CHAR.IND within TT_match_sequence"),
    "no answer to CM_SLAC_PARM": (  # SLAC at the first V2G call: its failure ends the script, a failed verdict
        "secc", "Slac.Set_Fault_NoSlacParmCnf()\nSecc.Receive_SessionSetupReq_001()\n",
        "no CM_SLAC_PARM.CNF after 3 CM_SLAC_PARM.REQ", 1, 1,
        "s.lua:2: Secc.Receive_SessionSetupReq_001: SLAC FAILED: no CM_SLAC_PARM.REQ answered within TT_EVSE_SLAC_init (4 s); "
        "3 CM_SLAC_PARM.REQ left unanswered (fault no_parm_cnf); no V2G session"),
    "attenuation above the limit": (
        "secc", "Slac.Set_Fault_Attenuation(60)\nVerdict('no match', not Slac.Match())\nVerdict('60 dB reported', Slac.Get_Attenuation() == 60)\n",
        "attenuation 60.0 dB above the limit 50 dB", 1, 0, "2 of 2 checks passed"),
    "EVSE refuses the match": (  # a V2G call after a failed Slac.Match() ends the script too
        "secc", "Slac.Set_Fault_RefuseMatch()\nVerdict('refused', not Slac.Match())\nSecc.Receive_SessionSetupReq_001()\n",
        "no CM_SLAC_MATCH.CNF after 3 CM_SLAC_MATCH.REQ", 1, 1,
        "s.lua:3: Secc.Receive_SessionSetupReq_001: SLAC FAILED: refused the match: CM_SLAC_MATCH.REQ not answered"),
    "late CM_SLAC_MATCH.CNF": (  # the EVSE thinks it matched; the EV gave up before the confirmation came
        "secc", "Slac.Set_Fault_MatchCnfDelay(1000)\nVerdict('matched, late', Slac.Match())\n" + SLAC_ALONE,
        "no CM_SLAC_MATCH.CNF after 3 CM_SLAC_MATCH.REQ", 1, 0, "SLAC matched"),
    "EVSE reports another toggle count": (  # CM_VALIDATE: the EV toggled once, the EVSE says twice
        "secc", "Slac.Set_Fault_ToggleNum(2)\nVerdict('no match', not Slac.Match())\nVerdict('2 reported', Slac.Get_Toggles() == 2)\n",
        "CM_VALIDATE.CNF counts 2 BCB toggles where the EV made 1: another charger's cable", 1, 0,
        "SLAC FAILED: no CM_SLAC_MATCH.REQ after CM_VALIDATE.CNF within TT_match_sequence"),
    "EV wrong RunID": (
        "evcc", "Slac.Set_Fault_WrongRunID()\nVerdict('no match', not Slac.Match())\n",
        "CM_START_ATTEN_CHAR.IND ignored: RunID", 1, 0, "SLAC FAILED: no CM_ATTEN_CHAR.IND within TT_EV_atten_results"),
    "too few sounds": (
        "evcc", "Slac.Set_Fault_Sounds(3)\nVerdict('matched', Slac.Match())\nVerdict('3 sounds heard', Slac.Get_Sounds() == 3)\n"
        "local ok, err = pcall(Slac.Set_Fault_Sounds, 5)\nVerdict('no fault after SLAC', not ok and err:find('already run') ~= nil)\n" + SLAC_ALONE,
        "too few sounds: 3 of the 10 announced", 0, 0, "3 of 3 checks passed"),
    "EV refuses the match": (
        "evcc", "Slac.Set_Fault_RefuseMatch()\nEvcc.Send_SessionSetupReq_001()\n",
        "the EV refused the match: CM_ATTEN_CHAR.RSP Result 1", 1, 1,
        "s.lua:2: Evcc.Send_SessionSetupReq_001: SLAC FAILED: refused the match: CM_ATTEN_CHAR.RSP Result 1 (fault refuse_match); no V2G session"),
}


@pytest.mark.parametrize("case", list(FAULTS))
def test_each_fault_set_from_lua_is_seen_from_the_other_side(link: dict, tmp_path: Path, case: str) -> None:
    role, lua, other_sees, other_exit, script_exit, script_says = FAULTS[case]
    script, profile, ev_profile = tmp_path / "s.lua", tmp_path / "evse.toml", tmp_path / "ev.toml"
    script.write_text(lua)
    profile.write_text(EVSE_PROFILE)
    ev_profile.write_text(EV_VALIDATES if "Toggle" in lua else "")
    evse_profile = ["--profile", str(profile)]
    if role == "secc":  # the script is the EVSE: it starts first, v2glab slac ev finds it
        run = ["run", str(script), "--role", "secc", "--slac", "--sim-modem", "--interface", link["evse_if"], *evse_profile]
        proc, head = start_until(link["evse_ns"], run, READY)
        try:
            other = run_in(link["ev_ns"], ["slac", "ev", "--interface", link["ev_if"], "--sim-modem", "--quiet", "--profile", str(ev_profile)])
            code, script_out = finish(proc, head)
        finally:
            proc.kill()
        other_out, other_code = other.stdout + other.stderr, other.returncode
    else:  # the script is the EV, against v2glab slac evse
        proc, head = start_until(link["evse_ns"], ["slac", "evse", "--interface", link["evse_if"], "--sim-modem", *evse_profile], READY)
        try:
            done = run_in(link["ev_ns"], ["run", str(script), "--role", "evcc", "--slac", "--sim-modem", "--interface", link["ev_if"]])
            other_code, other_out = finish(proc, head)
        finally:
            proc.kill()
        code, script_out = done.returncode, done.stdout + done.stderr
    assert other_sees in other_out and other_code == other_exit, other_out[-3000:]
    assert script_says in script_out and code == script_exit, script_out[-3000:]
    if script_exit == 1:
        assert "v2glab run: FAIL SLAC: " in script_out and "0 of 1 checks passed" in script_out or "1 of 2 checks passed" in script_out
        assert "supportedAppProtocol" not in script_out  # no V2G session after a failed match


def test_a_script_secc_matches_at_its_first_v2g_call_then_plays_the_session(link: dict, tmp_path: Path) -> None:
    script = tmp_path / "secc.lua"
    script.write_text(f"""Secc.Receive_SessionSetupReq_001()  -- SLAC first, then SDP and TCP
Verdict("matched", Slac.Get_Result() == "matched")
Verdict("the EV's MAC", Slac.Get_PeerMAC() == "{link['ev_mac']}")
Verdict("a network key", #Slac.Get_NID() == 14 and #Slac.Get_NMK() == 32 and #Slac.Get_RunID() == 16)
Verdict("attenuation and sounds", Slac.Get_Attenuation() == 20 and Slac.Get_Sounds() == 10)
""")
    proc, head = start_until(link["evse_ns"], ["run", str(script), "--role", "secc", "--slac", "--sim-modem", "--interface", link["evse_if"]], READY)
    try:
        ev = run_in(link["ev_ns"], ["evcc", "--slac", "--sim-modem", "--interface", link["ev_if"], "--loops", "2", "--quiet"])
        code, out = finish(proc, head)
    finally:
        proc.kill()
    assert ev.returncode == 0 and "session complete" in ev.stderr, ev.stderr[-3000:]
    assert code == 0 and "4 of 4 checks passed" in out, out[-3000:]
    nid = ev.stderr.split("SLAC matched: NID ")[1].split(",")[0]
    assert f"v2glab run: SLAC matched: NID {nid}, peer MAC {link['ev_mac']}" in out  # one network: the script EVSE's key
    assert out.index("CM_SLAC_MATCH.CNF") < out.index("SessionSetupReq")


def test_a_script_ev_matches_with_slac_match_then_plays_the_session(link: dict, tmp_path: Path) -> None:
    profile, script = tmp_path / "secc.toml", tmp_path / "ev.lua"
    profile.write_text('[secc.slac]\nnid = "0123456789AB0C"\nnmk = "00112233445566778899AABBCCDDEEFF"\n')
    script.write_text(f"""Verdict("matched", Slac.Match())
Verdict("the EVSE's network", Slac.Get_NID() == "0123456789AB0C" and Slac.Get_NMK() == "00112233445566778899AABBCCDDEEFF")
Verdict("the EVSE's MAC", Slac.Get_PeerMAC() == "{link['evse_mac']}")
Evcc.Send_SessionSetupReq_001()
Verdict("session set up", Evcc.Receive_SessionSetupRes_001())
""")
    secc, head = start_until(link["evse_ns"], ["secc", "--slac", "--sim-modem", "--interface", link["evse_if"], "--once", "--profile", str(profile)], READY)
    try:
        ev = run_in(link["ev_ns"], ["run", str(script), "--role", "evcc", "--slac", "--sim-modem", "--interface", link["ev_if"], "--quiet"])
        code, secc_out = finish(secc, head)
    finally:
        secc.kill()
    assert ev.returncode == 0 and "4 of 4 checks passed" in ev.stderr, ev.stdout[-2000:] + ev.stderr[-2000:]
    assert "v2glab run: SLAC matched: NID 0123456789AB0C" in ev.stderr
    assert code == 0 and "SessionStopRes" in secc_out, secc_out[-3000:]


# -- the functions themselves: no network ----------------------------------------------------------------------
def run_script(tmp_path: Path, role: str, lua: str) -> tuple[int, ScriptRunner]:
    """A script run with --slac whose SLAC never starts (the link is never opened): what the functions do before it."""
    script = tmp_path / "s.lua"
    script.write_text(lua)
    profile = load_profile(role)
    runner = ScriptRunner(role, profile, Tracer(console=None), slac=ScriptSlac(role, profile, "lo", True))
    return runner.run(script), runner


def test_fault_setters_set_the_faults_of_the_role(tmp_path: Path) -> None:
    code, runner = run_script(tmp_path, "evcc", "Slac.Set_Fault_WrongRunID()\nSlac.Set_Fault_Sounds(3)\nSlac.Set_Fault_RefuseMatch(true)\n"
                              "Slac.Set_Fault_RefuseMatch(false)\nVerdict('nothing before SLAC', Slac.Get_NID() == nil and Slac.Get_Result() == nil)\n"
                              + SLAC_ALONE)
    assert code == 0 and runner.slac.config.faults == SlacFaults(wrong_run_id=True, sounds=3)
    assert not runner.slac.done  # no V2G call, no Slac.Match(): SLAC never ran
    code, runner = run_script(tmp_path, "secc", "Slac.Set_Fault_MatchCnfDelay(1500)\nSlac.Set_Fault_Attenuation(61.5)\nSLAC.Set_Fault_NoSlacParmCnf()\n" + SLAC_ALONE)
    assert code == 0 and runner.slac.config.faults == SlacFaults(match_cnf_delay=1.5, attenuation=61.5, no_parm_cnf=True)


@pytest.mark.parametrize(("role", "line", "error"), [
    ("evcc", "Slac.Set_Fault_NoSlacParmCnf()", "Slac.Set_Fault_NoSlacParmCnf: a fault of the EVSE (--role secc); this script plays the EV"),
    ("secc", "Slac.Set_Fault_Sounds(3)", "Slac.Set_Fault_Sounds: a fault of the EV (--role evcc); this script plays the EVSE"),
    ("evcc", "Slac.Set_Fault_Sounds(300)", "Slac.Set_Fault_Sounds: argument 1 must be -1..255, got 300"),
    ("evcc", "Slac.Set_Fault_Sounds(2.5)", "Slac.Set_Fault_Sounds: argument 1 must be a whole number, got 2.5"),
    ("secc", "Slac.Set_Fault_MatchCnfDelay('1s')", "Slac.Set_Fault_MatchCnfDelay: argument 1 (ms) must be a number, got string"),
    ("secc", "Slac.Set_Fault_MatchCnfDelay(-1)", "Slac.Set_Fault_MatchCnfDelay: argument 1 (ms) must be 0..3.6e+06, got -1"),
    ("secc", "Slac.Set_Fault_Attenuation(0/0)", "Slac.Set_Fault_Attenuation: argument 1 (dB) must be -1..255, got nan"),
    ("evcc", "Slac.Set_Fault_WrongRunID(1)", "Slac.Set_Fault_WrongRunID: expects a boolean (nothing: true), got number"),
    ("evcc", "Slac.Set_Fault_WrongRunId()", "Slac.Set_Fault_WrongRunId: no such function; did you mean Slac.Set_Fault_WrongRunID"),
])
def test_a_wrong_call_stops_the_script_at_its_line(tmp_path: Path, role: str, line: str, error: str) -> None:
    code, runner = run_script(tmp_path, role, f"local x = 1\n{line}\n")
    assert code == 2 and runner.error.startswith("script error: ") and f"s.lua:2: {error}" in runner.error, runner.error
    assert runner.slac.config.faults == SlacFaults()


def test_slac_functions_need_run_slac(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "s.lua"
    script.write_text("Slac.Set_Fault_WrongRunID()\n")
    assert cli.main(["run", str(script), "--role", "evcc", "--quiet"]) == 2  # never connects: no network needed
    assert "s.lua:1: Slac.Set_Fault_WrongRunID: SLAC runs with `v2glab run --slac --interface IF`; this run has no --slac" in capsys.readouterr().err


def test_run_slac_without_an_interface_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "s.lua"
    script.write_text("Slac.Match()\n")
    assert cli.main(["run", str(script), "--role", "evcc", "--slac", "--sim-modem"]) == 2
    assert capsys.readouterr().err.splitlines() == ["v2glab: error: SLAC needs --interface (the Ethernet port of the Green PHY modem, or a veth with --sim-modem)"]


def test_the_time_limit_ends_a_script_waiting_in_slac(link: dict, tmp_path: Path) -> None:
    script = tmp_path / "s.lua"
    script.write_text("Log('start')\nSecc.Receive_SessionSetupReq_001()\n")  # no EV: SLAC waits for CM_SLAC_PARM.REQ
    done = run_in(link["evse_ns"], ["run", str(script), "--role", "secc", "--slac", "--sim-modem", "--interface", link["evse_if"],
                                    "--timeout", "1", "--quiet"], timeout=20)
    assert done.returncode == 1, done.stderr
    assert "FAIL time limit: " in done.stderr and "s.lua:2: the script did not finish within 1 s (--timeout)" in done.stderr


def test_run_slac_checks_what_the_link_can_do_before_the_script_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, profile = tmp_path / "s.lua", tmp_path / "ev.toml"
    script.write_text("print('not reached')\n")
    profile.write_text("[evcc.slac]\nvalidate = true\n")
    assert cli.main(["run", str(script), "--role", "evcc", "--slac", "--interface", "lo", "--profile", str(profile)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["v2glab: error: CM_VALIDATE (slac.validate) toggles the control pilot: v2glab has one only with --sim-modem"]
    assert "not reached" not in captured.out
