"""The SLAC cores against each other on a virtual line (sans-I/O): the match, and every fault seen from the other side."""

from __future__ import annotations

import pytest

from v2glab.profiles import ProfileError, load_profile
from v2glab.slac.messages import build
from v2glab.slac.session import EvSlac, EvseSlac, SlacConfig, SlacFaults
from v2glab.slac.timing import TIMING

from .wire import EV_MAC, EVSE_MAC, run_pair


def names(log, sender=None):
    return [name for _t, who, name in log if sender in (None, who)]


def test_a_match_hands_the_evse_key_to_the_ev() -> None:
    ev, evse, log, _notes = run_pair(None, SlacConfig(attenuation=17))
    assert ev.ok and evse.ok, (ev.reason, evse.reason)
    assert ev.nid == evse.nid and ev.nmk == evse.nmk and len(ev.nid) == 7 and len(ev.nmk) == 16
    assert ev.peer_mac == EVSE_MAC and evse.peer_mac == EV_MAC and ev.run_id == evse.run_id
    assert ev.attenuation == evse.attenuation == 17 and ev.sounds == evse.sounds == 10
    assert names(log, "EV") == ["CM_SLAC_PARM.REQ"] + ["CM_START_ATTEN_CHAR.IND"] * 3 + ["CM_MNBC_SOUND.IND"] * 10 + [
        "CM_ATTEN_CHAR.RSP", "CM_SLAC_MATCH.REQ", "CM_SET_KEY.REQ"]
    assert names(log, "EVSE") == ["CM_SET_KEY.REQ", "CM_SLAC_PARM.CNF", "CM_ATTEN_CHAR.IND", "CM_SLAC_MATCH.CNF"]
    sounds = [t for t, who, name in log if name in ("CM_START_ATTEN_CHAR.IND", "CM_MNBC_SOUND.IND")]
    gaps = [b - a for a, b in zip(sounds, sounds[1:])]
    assert all(0.02 <= g <= 0.05 for g in gaps)  # TP_EV_batch_msg_interval


def test_timing_table_has_the_standard_values() -> None:
    assert TIMING["TT_match_response"].value == 0.2 and TIMING["TT_EV_atten_results"].value == 1.2
    assert TIMING["TT_EVSE_match_MNBC"].value == 0.6 and TIMING["TT_match_sequence"].value == 0.4
    assert TIMING["C_EV_match_retry"].value == 2 and TIMING["C_EV_match_MNBC"].value == 10
    assert TIMING["C_EV_start_atten_char_inds"].value == 3
    low, high = TIMING["TT_EVSE_SLAC_init"].range
    assert low <= TIMING["TT_EVSE_SLAC_init"].value <= high


def test_evse_wrong_run_id_is_ignored_by_the_ev() -> None:
    ev, _evse, log, notes = run_pair(None, SlacConfig(faults=SlacFaults(wrong_run_id=True)))
    assert not ev.ok and "no CM_SLAC_PARM.CNF after 3 CM_SLAC_PARM.REQ" in ev.reason and "RunID" in ev.reason
    assert names(log, "EV").count("CM_SLAC_PARM.REQ") == 3 and "CM_START_ATTEN_CHAR.IND" not in names(log, "EV")
    assert sum("CM_SLAC_PARM.CNF ignored: RunID" in n for n in notes["EV"]) == 3


def test_ev_wrong_run_id_is_ignored_by_the_evse() -> None:
    ev, evse, log, notes = run_pair(SlacConfig(faults=SlacFaults(wrong_run_id=True)), None)
    assert not evse.ok and "no CM_START_ATTEN_CHAR.IND within TT_match_sequence" in evse.reason
    assert any("CM_START_ATTEN_CHAR.IND ignored: RunID" in n for n in notes["EVSE"])
    assert "CM_ATTEN_CHAR.IND" not in names(log, "EVSE") and not ev.ok


def test_no_answer_to_slac_parm_fails_the_ev_after_the_retries() -> None:
    ev, evse, log, notes = run_pair(None, SlacConfig(faults=SlacFaults(no_parm_cnf=True), init_timeout=2))
    assert not ev.ok and ev.reason.startswith("no CM_SLAC_PARM.CNF after 3 CM_SLAC_PARM.REQ")
    assert notes["EV"] == ["no CM_SLAC_PARM.CNF within TT_match_response, retry 1 of 2", "no CM_SLAC_PARM.CNF within TT_match_response, retry 2 of 2"]
    parm = [t for t, who, name in log if name == "CM_SLAC_PARM.REQ"]
    assert [round(b - a, 3) for a, b in zip(parm, parm[1:])] == [0.2, 0.2]  # TT_match_response
    assert not evse.ok and "3 CM_SLAC_PARM.REQ left unanswered" in evse.reason


def test_too_few_sounds_are_counted_by_the_evse() -> None:
    ev, evse, log, notes = run_pair(SlacConfig(faults=SlacFaults(sounds=3)), None)
    assert names(log, "EV").count("CM_MNBC_SOUND.IND") == 3
    assert evse.sounds == 3 and "too few sounds: 3 of the 10 announced" in notes["EVSE"]
    assert ev.sounds == 3  # the CM_ATTEN_CHAR.IND tells the EV how many sounds were heard


def test_no_sounds_at_all_fail_the_evse() -> None:
    ev, evse, _log, _notes = run_pair(SlacConfig(faults=SlacFaults(sounds=0)), None)
    assert not evse.ok and evse.reason.startswith("no sounds within TT_EVSE_match_MNBC")
    assert not ev.ok and "no CM_ATTEN_CHAR.IND within TT_EV_atten_results" in ev.reason


def test_attenuation_above_the_limit_means_no_match_request() -> None:
    ev, evse, log, _notes = run_pair(None, SlacConfig(attenuation=61, match_session_timeout=1.5))
    assert not ev.ok and ev.reason.startswith("attenuation 61.0 dB above the limit 50 dB")
    assert "CM_SLAC_MATCH.REQ" not in names(log)
    assert not evse.ok and evse.reason == "no CM_SLAC_MATCH.REQ within TT_EVSE_match_session (1.5 s)"


def test_an_evse_reporting_a_high_attenuation_is_refused_by_the_ev() -> None:
    # the modems measured 20 dB; the EVSE's fault reports 61 dB in every group, as if the EV were on another cable
    ev, evse, log, notes = run_pair(None, SlacConfig(attenuation=20, match_session_timeout=1.5, faults=SlacFaults(attenuation=61)))
    assert not ev.ok and ev.reason.startswith("attenuation 61.0 dB above the limit 50 dB") and ev.sounds == 10
    assert notes["EVSE"][-1] == "reporting 61 dB in every group where the modem measured 20.0 dB (fault attenuation)"
    assert "CM_SLAC_MATCH.REQ" not in names(log) and not evse.ok and evse.attenuation == 61


def test_ev_refusing_the_match_is_seen_by_the_evse() -> None:
    _ev, evse, log, _notes = run_pair(SlacConfig(faults=SlacFaults(refuse_match=True)), None)
    assert not evse.ok and evse.reason == "the EV refused the match: CM_ATTEN_CHAR.RSP Result 1"
    assert "CM_SLAC_MATCH.REQ" not in names(log)


def test_evse_refusing_the_match_is_seen_by_the_ev() -> None:
    ev, _evse, log, _notes = run_pair(None, SlacConfig(faults=SlacFaults(refuse_match=True)))
    assert not ev.ok and ev.reason.startswith("no CM_SLAC_MATCH.CNF after 3 CM_SLAC_MATCH.REQ")
    assert "CM_SLAC_MATCH.CNF" not in names(log)


def test_a_late_match_confirmation_is_too_late_for_the_ev() -> None:
    ev, evse, log, _notes = run_pair(None, SlacConfig(faults=SlacFaults(match_cnf_delay=1.0)))
    assert not ev.ok and ev.reason.startswith("no CM_SLAC_MATCH.CNF after 3 CM_SLAC_MATCH.REQ")
    req = next(t for t, _w, name in log if name == "CM_SLAC_MATCH.REQ")
    cnf = next(t for t, _w, name in log if name == "CM_SLAC_MATCH.CNF")
    assert cnf - req == pytest.approx(1.0, abs=0.01)
    assert evse.ok  # the EVSE thinks it matched; the EV had given up: exactly what the fault is for


def test_a_slightly_late_confirmation_is_caught_by_the_retry() -> None:
    ev, _evse, log, notes = run_pair(None, SlacConfig(faults=SlacFaults(match_cnf_delay=0.3)))
    assert ev.ok and names(log, "EV").count("CM_SLAC_MATCH.REQ") == 2
    assert notes["EV"] == ["no CM_SLAC_MATCH.CNF within TT_match_response, retry 1 of 2"]


def test_frames_that_are_not_mmes_are_reported_and_ignored() -> None:
    ev = EvSlac(EV_MAC)
    ev.start(0.0)
    events = ev.receive(b"\x00" * 14 + b"junk", 0.01)
    assert len(events) == 1 and events[0].mme is None and "0x88E1" in events[0].error
    assert ev.state == "WAIT_PARM_CNF" and ev.result is None


def test_profile_tables_give_the_config_and_name_bad_keys(tmp_path) -> None:
    config = SlacConfig.from_profile(load_profile("secc", "ac")["slac"], "secc")
    assert config.sounds == 10 and config.init_timeout == 50.0 and config.faults == SlacFaults()
    bad = tmp_path / "bad.toml"
    bad.write_text("[secc.slac.faults]\nsounds = 3\n")
    with pytest.raises(ProfileError, match=r"'secc\.slac\.faults\.sounds'"):
        load_profile("secc", str(bad))
    bad.write_text("[secc.slac.faults]\nattenuation = 300.0\n")
    with pytest.raises(ProfileError, match=r"'secc\.slac\.faults\.attenuation' must be -1\.\.255, got 300\.0"):
        SlacConfig.from_profile(load_profile("secc", str(bad))["slac"], "secc")
    bad.write_text("[secc.slac]\nsounds = 0\n")
    with pytest.raises(ProfileError, match=r"'secc\.slac\.sounds' must be 1\.\.255"):
        SlacConfig.from_profile(load_profile("secc", str(bad))["slac"], "secc")
    bad.write_text('[secc.slac]\nnmk = "0011"\n')
    with pytest.raises(ProfileError, match=r"'secc\.slac\.nmk' must be 16 bytes"):
        SlacConfig.from_profile(load_profile("secc", str(bad))["slac"], "secc")
    ok = tmp_path / "ok.toml"
    ok.write_text("[evcc.slac.faults]\nsounds = 3\nwrong_run_id = true\n")
    faults = SlacConfig.from_profile(load_profile("evcc", str(ok))["slac"], "evcc").faults
    assert faults.active() == ["wrong_run_id", "sounds"]


def test_a_fixed_network_key_is_used() -> None:
    evse = EvseSlac(EVSE_MAC, SlacConfig(nid=bytes.fromhex("01020304050607"), nmk=bytes(range(16))))
    (set_key,) = evse.start(0.0)
    assert set_key.mme.name == "CM_SET_KEY.REQ" and set_key.mme.fields["NetworkID"] == bytes.fromhex("01020304050607")
    assert set_key.mme.fields["NewKey"] == bytes(range(16)) and set_key.mme.dst == "00:b0:52:00:00:01"


# -- CM_VALIDATE (ISO 15118-3 9.4): the EV toggles its control pilot, the EVSE counts -----------------------------------
@pytest.mark.parametrize("toggles", [1, 3])
def test_a_validation_counts_the_evs_toggles_then_the_ev_matches(toggles: int) -> None:
    ev, evse, log, notes = run_pair(SlacConfig(validate=True, toggles=toggles), SlacConfig(validate=True))
    assert ev.ok and evse.ok and ev.toggles == evse.toggles == toggles, (ev.reason, evse.reason)
    ev_sent = names(log, "EV")
    assert ev_sent[ev_sent.index("CM_ATTEN_CHAR.RSP") + 1:] == ["CM_VALIDATE.REQ", "CM_VALIDATE.REQ"] + ["pilot C", "pilot B"] * toggles + [
        "CM_SLAC_MATCH.REQ", "CM_SET_KEY.REQ"]
    assert names(log, "EVSE")[-3:] == ["CM_VALIDATE.CNF", "CM_VALIDATE.CNF", "CM_SLAC_MATCH.CNF"]
    second = [t for t, who, name in log if name == "CM_VALIDATE.REQ"][1]
    pilot = [t for t, who, name in log if name.startswith("pilot")]
    cnf = [t for t, who, name in log if name == "CM_VALIDATE.CNF"][1]
    gaps = [round(b - a, 3) for a, b in zip([second] + pilot, pilot)]
    assert all(g == TIMING["TP_EV_vald_state_duration"].value for g in gaps)  # 300 ms per state, 200-400 ms
    assert pilot[-1] < cnf <= second + TIMING["TT_EVSE_vald_toggle"].value  # the count comes after the last toggle
    assert f"validated: the EVSE counted the {toggles} BCB toggle(s)" in notes["EV"]
    assert ev.describe().endswith(f"validated with {toggles} BCB toggle{'s' * (toggles > 1)}")


def test_an_evse_that_needs_no_validation_answers_not_required() -> None:
    ev, evse, log, notes = run_pair(SlacConfig(validate=True), None)
    assert ev.ok and evse.ok and ev.toggles is None
    assert names(log, "EV").count("CM_VALIDATE.REQ") == 1 and names(log, "EVSE").count("CM_VALIDATE.CNF") == 1
    assert "the EVSE needs no validation (CM_VALIDATE.CNF NotRequired)" in notes["EV"]
    assert not [name for _t, _w, name in log if name.startswith("pilot")]


def test_an_ev_that_asks_for_no_validation_matches_with_a_validating_evse() -> None:
    ev, evse, log, _notes = run_pair(None, SlacConfig(validate=True))
    assert ev.ok and evse.ok and "CM_VALIDATE.REQ" not in names(log)


def test_toggles_that_do_not_reach_the_evse_fail_the_validation() -> None:
    # another charger's cable: this EVSE's pilot sees nothing, it answers Failure with 0 toggles
    ev, evse, log, _notes = run_pair(SlacConfig(validate=True), SlacConfig(validate=True), pilot=False)
    assert not evse.ok and evse.reason == "validation failed: 0 BCB toggles within the window (1 to 3 expected)"
    assert not ev.ok and ev.reason == "the EVSE failed the validation: CM_VALIDATE.CNF Result Failure (0 toggles counted)"
    assert "CM_SLAC_MATCH.REQ" not in names(log)


def test_an_evse_reporting_another_toggle_count_is_refused_by_the_ev() -> None:
    ev, evse, log, notes = run_pair(SlacConfig(validate=True), SlacConfig(validate=True, faults=SlacFaults(toggle_num=2)))
    assert not ev.ok and ev.reason.startswith("CM_VALIDATE.CNF counts 2 BCB toggles where the EV made 1")
    assert "reporting 2 BCB toggles where it counted 1 (fault toggle_num)" in notes["EVSE"]
    assert not evse.ok and evse.reason == "no CM_SLAC_MATCH.REQ after CM_VALIDATE.CNF within TT_match_sequence (400 ms)"
    assert "CM_SLAC_MATCH.REQ" not in names(log)


def test_a_second_validate_request_that_never_comes_fails_the_evse() -> None:
    evse = EvseSlac(EVSE_MAC, SlacConfig(validate=True))
    evse.start(0.0)
    evse.state, evse.peer_mac = "WAIT_MATCH_REQ", EV_MAC  # as after CM_ATTEN_CHAR.RSP (the earlier steps are tested above)
    evse.deadlines.clear()
    req = build("CM_VALIDATE.REQ", EV_MAC, EVSE_MAC, SignalType=0, Timer=0, Result=1)
    (_received, cnf) = evse.receive(req.frame, 1.0)
    assert cnf.mme.name == "CM_VALIDATE.CNF" and cnf.mme.fields["Result"] == 1 and evse.state == "VALIDATE_READY"
    other = build("CM_VALIDATE.REQ", "02:00:00:00:00:99", EVSE_MAC, SignalType=0, Timer=9, Result=1)
    assert "CM_VALIDATE.REQ ignored: from 02:00:00:00:00:99" in evse.receive(other.frame, 1.1)[1].text
    evse.timeout(1.0 + TIMING["TT_match_sequence"].value)
    assert evse.result.reason == "no second CM_VALIDATE.REQ within TT_match_sequence (400 ms)"
