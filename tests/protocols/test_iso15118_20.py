"""ISO 15118-20 as a plug-in: both simulated sides in memory, its envelope, sequence, codes and timers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import run_pair
from v2glab import exi
from v2glab.errors import V2GTPError
from v2glab.evcc.session import EvccSession
from v2glab.profiles import load_profile
from v2glab.protocols import get, offer
from v2glab.protocols.events import Close, Send, StartTimer
from v2glab.protocols.iso15118_20.values import rational, value_of
from v2glab.protocols.oracle import TimingOracle
from v2glab.secc.session import SeccSession
from v2glab.secc.store import SessionStore
from v2glab.v2gtp import V2GTPReader, frame

ISO20 = get("iso15118-20")
SID = bytes.fromhex("1122334455667788")


def profiles(mode: str = "dc", secc: dict | None = None, ev: dict | None = None) -> tuple[dict, dict]:
    s, e = load_profile("secc", mode), load_profile("evcc", mode)
    e["protocols"] = ["iso15118-20"]
    s["iso15118_20"].update(secc or {})
    e["iso15118_20"].update(ev or {})
    return s, e


def names(messages: list[exi.Message]) -> list[str]:
    return [m.body_name for m in messages]


def test_complete_dc_session_in_memory() -> None:
    messages, secc_close, evcc_close = run_pair(*profiles("dc"))
    assert secc_close.ok and evcc_close.ok, (secc_close, evcc_close)
    n = names(messages)
    assert n[2:16] == ["SessionSetupReq", "SessionSetupRes", "AuthorizationSetupReq", "AuthorizationSetupRes",
                       "AuthorizationReq", "AuthorizationRes", "AuthorizationReq", "AuthorizationRes",
                       "ServiceDiscoveryReq", "ServiceDiscoveryRes", "ServiceDetailReq", "ServiceDetailRes",
                       "ServiceSelectionReq", "ServiceSelectionRes"]
    order = ["DC_ChargeParameterDiscoveryReq", "ScheduleExchangeReq", "DC_CableCheckReq", "DC_PreChargeReq", "PowerDeliveryReq",
             "DC_ChargeLoopReq", "DC_WeldingDetectionReq", "SessionStopReq"]
    assert [n.index(x) for x in order] == sorted(n.index(x) for x in order)
    assert n.count("DC_ChargeLoopReq") == 3 and n[-1] == "SessionStopRes"
    # every message its own document, with the payload type of its namespace and an 8-byte SessionID
    assert {m.schema for m in messages[2:]} == {"iso15118-20-CommonMessages", "iso15118-20-DC"}
    assert all(len(m.content["Header"]["SessionID"]) == 8 and m.content["Header"]["TimeStamp"] > 0 for m in messages[2:])
    assert messages[2].session_id == bytes(8) and len({m.session_id for m in messages[3:]}) == 1
    prechg = [m.body["EVProcessing"] for m in messages if m.body_name == "DC_PreChargeReq"]
    assert prechg[-1] == "Finished" and set(prechg[:-1]) == {"Ongoing"}
    progress = [m.body["ChargeProgress"] for m in messages if m.body_name == "PowerDeliveryReq"]
    assert progress == ["Start", "Stop"]
    selection = next(m.body for m in messages if m.body_name == "ServiceSelectionReq")
    assert selection["SelectedEnergyTransferService"] == {"ServiceID": 2, "ParameterSetID": 1}


def test_complete_ac_session_in_memory_and_the_namespace_follows_the_energy_mode() -> None:
    messages, secc_close, evcc_close = run_pair(*profiles("ac"))
    assert secc_close.ok and evcc_close.ok, (secc_close, evcc_close)
    assert messages[0].content["AppProtocol"] == [{"ProtocolNamespace": "urn:iso:std:iso:15118:-20:AC", "VersionNumberMajor": 1,
                                                   "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]
    n = names(messages)
    assert "DC_CableCheckReq" not in n and n.count("AC_ChargeLoopReq") == 3
    assert {m.schema for m in messages[2:]} == {"iso15118-20-CommonMessages", "iso15118-20-AC"}
    assert n.index("ScheduleExchangeRes") + 1 == n.index("PowerDeliveryReq")


@pytest.mark.parametrize("mode", ["ac", "dc"])
@pytest.mark.parametrize("control", ["Scheduled", "Dynamic"])
@pytest.mark.parametrize("bpt", [False, True])
def test_every_control_mode_with_and_without_bpt(mode: str, control: str, bpt: bool) -> None:
    secc, ev = profiles(mode, {"bpt": True}, {"bpt": bpt, "control_mode": control, "bpt_channel": "Discharge" if bpt else "Charge"})
    messages, secc_close, evcc_close = run_pair(secc, ev)
    assert secc_close.ok and evcc_close.ok, (secc_close, evcc_close)
    service = {("ac", False): 1, ("dc", False): 2, ("ac", True): 5, ("dc", True): 6}[(mode, bpt)]
    discovery = next(m.body for m in messages if m.body_name == "ServiceDiscoveryRes")
    assert {s["ServiceID"] for s in discovery["EnergyTransferServiceList"]["Service"]} == ({1, 5} if mode == "ac" else {2, 6})
    selection = next(m.body for m in messages if m.body_name == "ServiceSelectionReq")["SelectedEnergyTransferService"]
    assert selection == {"ServiceID": service, "ParameterSetID": 1 if control == "Scheduled" else 2}
    loop_res = next(m.body for m in messages if m.body_name == f"{mode.upper()}_ChargeLoopRes")
    assert f"{'BPT_' if bpt else ''}{control}_{mode.upper()}_CLResControlMode" in loop_res
    schedule = next(m.body for m in messages if m.body_name == "ScheduleExchangeRes")
    assert f"{control}_SEResControlMode" in schedule
    if bpt and control == "Scheduled":
        tuple_ = schedule["Scheduled_SEResControlMode"]["ScheduleTuple"][0]
        assert value_of(tuple_["DischargingSchedule"]["PowerSchedule"]["PowerScheduleEntries"]["PowerScheduleEntry"][0]["Power"]) < 0
    start = next(m.body for m in messages if m.body_name == "PowerDeliveryReq")
    assert start.get("BPT_ChannelSelection") == ("Discharge" if bpt else None)
    if bpt and mode == "dc":
        assert value_of(loop_res["EVSEPresentCurrent"]) < 0  # discharging


def test_a_bpt_car_fails_clearly_at_a_charger_without_bpt() -> None:
    _messages, secc_close, evcc_close = run_pair(*profiles("dc", {"bpt": False}, {"bpt": True}))
    assert not evcc_close.ok and "not 6" in evcc_close.reason


def test_rational_numbers() -> None:
    assert rational(400) == {"Exponent": 0, "Value": 400}
    assert rational(50000) == {"Exponent": 1, "Value": 5000}
    assert rational(400.5) == {"Exponent": -1, "Value": 4005}
    assert rational(-11000.0) == {"Exponent": 0, "Value": -11000}
    for v in (0.001, 123456789.0, -32768.5, 230.0 * 32 * 3):
        assert abs(value_of(rational(v)) - v) <= abs(v) * 1e-4 + 1e-3


# -- the envelope ---------------------------------------------------------------------------
def test_envelope_frames_each_message_with_its_payload_type_and_decodes_by_it() -> None:
    env = ISO20.envelope
    for name, pt in (("SessionSetupReq", 0x8002), ("AC_ChargeLoopReq", 0x8003), ("DC_CableCheckReq", 0x8004)):
        message = ISO20.wrap(SID, name, exi.decode(exi.encode(ISO20.wrap(SID, name, _minimal(name))), env.schema_of(name)).body)
        data = env.frame(message)
        assert int.from_bytes(data[2:4], "big") == pt
        assert env.decode(pt, data[8:]) == message


def test_a_payload_type_that_does_not_match_the_message_is_an_error_naming_both() -> None:
    message = ISO20.wrap(SID, "DC_CableCheckReq", {})
    payload = exi.encode(message)
    with pytest.raises(V2GTPError) as err:
        ISO20.envelope.decode(0x8002, payload)
    text = str(err.value)
    assert "0x8002" in text and "DC_CableCheckReq" in text and "0x8004" in text
    with pytest.raises(V2GTPError, match="0x8001"):
        ISO20.envelope.decode(0x8001, payload)


def _minimal(name: str) -> dict:
    from v2glab.protocols.messages import body_type, minimal

    body = minimal(body_type(name, ISO20.envelope.schema_of(name)), ISO20.envelope.schema_of(name))
    body.pop("Header")
    return body


# -- bad input: the -20 response codes, each followed by a good session ------------------------
def secc_session(mode: str = "dc") -> SeccSession:
    secc = SeccSession(profiles(mode)[0], new_session_id=lambda: SID)
    secc.start()
    secc.receive_data(frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", offer([ISO20], {"requested_mode": "DC_extended"})))))
    return secc


def send(secc: SeccSession, name: str, body: dict, session_id: bytes = SID) -> list:
    return secc.receive_data(ISO20.envelope.frame(ISO20.wrap(session_id, name, body)))


def sent(events: list) -> list[exi.Message]:
    return [e.message for e in events if isinstance(e, Send)]


def closed(events: list) -> Close:
    (close,) = [e for e in events if isinstance(e, Close)]
    return close


def walk(secc: SeccSession, steps: list[tuple[str, dict]]) -> list[exi.Message]:
    out = []
    for name, body in steps:
        (res,) = sent(send(secc, name, body, bytes(8) if name == "SessionSetupReq" else SID))
        out.append(res)
    return out


SETUP = [("SessionSetupReq", {"EVCCID": "WMIV1234567890ABCDEX"}), ("AuthorizationSetupReq", {}),
         ("AuthorizationReq", {"SelectedAuthorizationService": "EIM", "EIM_AReqAuthorizationMode": {}}),
         ("AuthorizationReq", {"SelectedAuthorizationService": "EIM", "EIM_AReqAuthorizationMode": {}}),
         ("ServiceDiscoveryReq", {}), ("ServiceDetailReq", {"ServiceID": 2})]


def good_session_follows() -> None:
    _messages, secc_close, evcc_close = run_pair(*profiles("dc"))
    assert secc_close.ok and evcc_close.ok


def test_out_of_sequence_gets_failed_sequence_error_then_a_good_session() -> None:
    secc = secc_session()
    walk(secc, SETUP[:2])
    events = send(secc, "ServiceSelectionReq", {"SelectedEnergyTransferService": {"ServiceID": 2, "ParameterSetID": 1}})
    (res,) = sent(events)
    assert res.body_name == "ServiceSelectionRes" and res.body["ResponseCode"] == "FAILED_SequenceError"
    assert res.session_id == SID and res.schema == "iso15118-20-CommonMessages"
    assert not closed(events).ok
    good_session_follows()


def test_a_request_before_session_setup_is_refused_with_a_sessionid_of_8_zero_bytes() -> None:
    """No session yet, so no SessionID is the session's: FAILED_UnknownSession, still with a valid -20 SessionID
    (exactly 8 bytes, the one of a new session) where the -2 core's placeholder is one zero byte."""
    secc = secc_session()
    events = send(secc, "ServiceDiscoveryReq", {}, session_id=bytes(8))
    (res,) = sent(events)
    assert res.body_name == "ServiceDiscoveryRes" and res.body["ResponseCode"] == "FAILED_UnknownSession"
    assert res.session_id == bytes(8)
    assert not closed(events).ok


def test_service_selection_needs_a_service_detail_first() -> None:
    secc = secc_session()
    walk(secc, SETUP[:5])
    (res,) = sent(send(secc, "ServiceSelectionReq", {"SelectedEnergyTransferService": {"ServiceID": 2, "ParameterSetID": 1}}))
    assert res.body["ResponseCode"] == "FAILED_SequenceError"


def test_unknown_session_gets_failed_unknown_session_then_a_good_session() -> None:
    secc = secc_session()
    walk(secc, SETUP[:1])
    events = send(secc, "AuthorizationSetupReq", {}, session_id=bytes.fromhex("0102030405060708"))
    (res,) = sent(events)
    assert res.body_name == "AuthorizationSetupRes" and res.body["ResponseCode"] == "FAILED_UnknownSession"
    assert "EIM_ASResAuthorizationMode" in res.body or "PnC_ASResAuthorizationMode" in res.body  # mandatory fields only, still valid
    assert not closed(events).ok
    good_session_follows()


@pytest.mark.parametrize("selection, code", [
    ({"SelectedEnergyTransferService": {"ServiceID": 3, "ParameterSetID": 1}}, "FAILED_ServiceSelectionInvalid"),  # WPT, not offered
    ({"SelectedEnergyTransferService": {"ServiceID": 2, "ParameterSetID": 1}, "SelectedVASList": {"SelectedService": [{"ServiceID": 65, "ParameterSetID": 1}]}},
     "FAILED_ServiceSelectionInvalid"),  # a VAS, none offered
    ({"SelectedEnergyTransferService": {"ServiceID": 2, "ParameterSetID": 9}}, "FAILED_NoEnergyTransferServiceSelected"),
])
def test_a_service_selection_outside_the_offer_is_refused_then_a_good_session(selection: dict, code: str) -> None:
    secc = secc_session()
    walk(secc, SETUP)
    events = send(secc, "ServiceSelectionReq", selection)
    (res,) = sent(events)
    assert res.body["ResponseCode"] == code and not closed(events).ok
    good_session_follows()


def test_service_detail_of_a_service_not_offered_and_a_wrong_charge_parameter() -> None:
    secc = secc_session()
    walk(secc, SETUP[:5])
    (res,) = sent(send(secc, "ServiceDetailReq", {"ServiceID": 1}))  # AC, at a DC charger
    assert res.body["ResponseCode"] == "FAILED_ServiceIDInvalid"
    secc = secc_session()
    walk(secc, SETUP)
    walk(secc, [("ServiceSelectionReq", {"SelectedEnergyTransferService": {"ServiceID": 2, "ParameterSetID": 1}})])
    bpt = profiles("dc")[1]
    bpt["iso15118_20"]["bpt"] = True
    from v2glab.protocols.iso15118_20.car import Car

    (res,) = sent(send(secc, "DC_ChargeParameterDiscoveryReq", Car(bpt).build_DC_ChargeParameterDiscoveryReq()))
    assert res.body["ResponseCode"] == "FAILED_WrongChargeParameter"


def test_a_mismatched_payload_type_closes_the_connection_naming_both() -> None:
    secc = secc_session()
    walk(secc, SETUP[:1])
    payload = exi.encode(ISO20.wrap(SID, "DC_CableCheckReq", {}))
    events = secc.receive_data(frame(payload, 0x8002))
    close = closed(events)
    assert not close.ok and "0x8002" in close.reason and "DC_CableCheckReq" in close.reason
    assert not sent(events)
    good_session_follows()


# -- pause and resume --------------------------------------------------------------------------
def run_connection(secc_profile: dict, evcc_profile: dict, store: SessionStore) -> tuple[list, Close, Close]:
    return run_pair(secc_profile, evcc_profile, store)


@pytest.mark.parametrize("mode", ["ac", "dc"])
def test_pause_and_resume_with_the_old_session_id(mode: str) -> None:
    store = SessionStore()
    secc_profile, ev = profiles(mode, ev={"charging_session": "Pause"})
    first, secc_close, evcc_close = run_connection(secc_profile, ev, store)
    assert secc_close.ok and "paused" in secc_close.reason and evcc_close.ok
    assert next(m.body for m in first if m.body_name == "SessionStopReq")["ChargingSession"] == "Pause"
    session_id = first[-1].session_id
    _, ev2 = profiles(mode, ev={"resume_session_id": session_id.hex()})
    second, secc_close, evcc_close = run_connection(secc_profile, ev2, store)
    assert secc_close.ok and evcc_close.ok, (secc_close, evcc_close)
    n = names(second)
    assert second[2].session_id == session_id
    assert second[3].body["ResponseCode"] == "OK_OldSessionJoined" and second[3].session_id == session_id
    assert n[4] == f"{mode.upper()}_ChargeParameterDiscoveryReq"  # straight on: no authorization, no service selection
    assert "AuthorizationReq" not in n and n[-1] == "SessionStopRes"


def test_resume_of_an_unknown_session_is_a_new_session_and_the_car_says_so() -> None:
    _, ev = profiles("dc", ev={"resume_session_id": "0102030405060708"})
    messages, _secc_close, evcc_close = run_pair(profiles("dc")[0], ev)
    assert messages[3].body["ResponseCode"] == "OK_NewSessionEstablished"
    assert not evcc_close.ok and "not resumed" in evcc_close.reason


# -- priorities, timing -----------------------------------------------------------------------
def test_the_secc_offers_iso20_beside_din_and_iso2_and_the_evs_priority_decides() -> None:
    secc = load_profile("secc", "dc")
    assert "iso15118-20" in secc["protocols"] and "iso15118-20" in load_profile("secc", "ac")["protocols"]
    for first, schema in (("iso15118-20", "iso15118-20-CommonMessages"), ("din70121", "din70121"), ("iso15118-2", "iso15118-2")):
        ev = load_profile("evcc", "dc")
        ev["protocols"] = [first] + [p for p in ("iso15118-2", "din70121", "iso15118-20") if p != first]
        messages, secc_close, _ = run_pair(secc, ev)
        assert secc_close.ok and messages[2].schema == schema


def test_timing_table_and_oracle_use_iso20_limits() -> None:
    t = ISO20.timing
    assert t.msg_timeout("DC_ChargeLoopReq") == 0.5 and t.msg_timeout("ServiceDetailReq") == 5.0 and t.msg_timeout("PowerDeliveryReq") == 2.0
    assert t.evcc_phase["DC_PreChargeReq"].seconds == 10.0 and t.evcc_phase["DC_CableCheckReq"].seconds == 40.0
    oracle = TimingOracle()
    oracle.observe(0.0, "EVCC", "DC_ChargeLoopReq", {}, "iso15118-20-DC")
    (late,) = oracle.observe(0.6, "SECC", "DC_ChargeLoopRes", {}, "iso15118-20-DC")
    assert oracle.protocol is ISO20 and late.limit_s == 0.5 and "DC_ChargeLoopRes" in str(late)
    oracle.observe(1.0, "EVCC", "ServiceDetailReq", {}, "iso15118-20-CommonMessages")
    assert oracle.observe(4.0, "SECC", "ServiceDetailRes", {}, "iso15118-20-CommonMessages") == []  # 5 s here, 2 s in -2


def test_every_request_in_the_table_has_a_charger_answer_and_a_timeout() -> None:
    from v2glab.protocols.iso15118_20.charger import Charger

    for request in ISO20.sequence.requests():
        assert hasattr(Charger, request), request
        assert request in ISO20.timing.evcc_msg_timeout, request
        assert request in ISO20.message_names()
