"""DIN SPEC 70121 as a plug-in: both simulated sides in memory, its sequence, codes and timers."""

from __future__ import annotations

import pytest

from tests.helpers import DIN, ISO2, request_frame, run_pair
from v2glab import exi
from v2glab.evcc.session import EvccSession
from v2glab.profiles import load_profile
from v2glab.protocols import offer
from v2glab.protocols.events import Close, Send, StartTimer, StopTimer
from v2glab.protocols.oracle import TimingOracle
from v2glab.secc.session import SeccSession
from v2glab.v2gtp import frame

SID = bytes.fromhex("1122334455667788")


def profiles(secc_protocols: list[str] | None = None, ev_protocols: list[str] | None = None) -> tuple[dict, dict]:
    secc, evcc = load_profile("secc", "dc"), load_profile("evcc", "dc")
    secc["protocols"] = secc_protocols or ["iso15118-2", "din70121"]
    evcc["protocols"] = ev_protocols or ["din70121"]
    return secc, evcc


def test_complete_din_session_in_memory() -> None:
    messages, secc_close, evcc_close = run_pair(*profiles())
    assert secc_close.ok and evcc_close.ok, (secc_close, evcc_close)
    names = [m.body_name for m in messages]
    assert {m.schema for m in messages} == {"app", "din70121"}
    assert names[2:10] == ["SessionSetupReq", "SessionSetupRes", "ServiceDiscoveryReq", "ServiceDiscoveryRes",
                           "ServicePaymentSelectionReq", "ServicePaymentSelectionRes", "ContractAuthenticationReq", "ContractAuthenticationRes"]
    assert names.count("ContractAuthenticationReq") == 2 and names.count("CableCheckReq") == 2  # Ongoing once, then Finished
    assert names.count("CurrentDemandReq") == 3
    deliveries = [m.body["ReadyToChargeState"] for m in messages if m.body_name == "PowerDeliveryReq"]
    assert deliveries == [True, False]
    assert names[-2:] == ["SessionStopReq", "SessionStopRes"]
    setup = next(m for m in messages if m.body_name == "SessionSetupRes")
    assert setup.body == {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": b"\x00"}
    cable = [m.body for m in messages if m.body_name == "CableCheckRes"]
    assert cable[0]["DC_EVSEStatus"]["EVSEStatusCode"] == "EVSE_IsolationMonitoringActive" and cable[-1]["DC_EVSEStatus"]["EVSEIsolationStatus"] == "Valid"
    cpd = next(m.body for m in messages if m.body_name == "ChargeParameterDiscoveryRes")
    assert "SAScheduleList" in cpd and "DC_EVSEChargeParameter" in cpd  # both mandatory in DIN


def test_the_evs_priority_decides_between_din_and_iso2() -> None:
    messages, secc_close, _ = run_pair(*profiles(ev_protocols=["iso15118-2", "din70121"]))
    assert secc_close.ok and {m.schema for m in messages} == {"app", "iso15118-2"}
    messages, secc_close, _ = run_pair(*profiles(ev_protocols=["din70121", "iso15118-2"]))
    assert secc_close.ok and {m.schema for m in messages} == {"app", "din70121"}


def din_secc(protocols: list[str] | None = None) -> SeccSession:
    secc = SeccSession(profiles(protocols)[0], new_session_id=lambda: SID)
    secc.start()
    return secc


def handshake(secc: SeccSession, *protocols) -> list:
    return secc.receive_data(frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", offer(protocols)))))


def sent(events: list) -> list[exi.Message]:
    return [e.message for e in events if isinstance(e, Send)]


def closed(events: list) -> Close:
    (close,) = [e for e in events if isinstance(e, Close)]
    return close


def setup(secc: SeccSession, protocol=DIN) -> None:
    handshake(secc, protocol)
    (res,) = sent(secc.receive_data(request_frame(b"\x00", "SessionSetupReq", {"EVCCID": bytes(6)}, protocol)))
    assert res.session_id == SID


def test_din_request_out_of_sequence_gets_failed_sequence_error_then_a_good_session() -> None:
    secc = din_secc()
    setup(secc)
    events = secc.receive_data(request_frame(SID, "CableCheckReq", {"DC_EVStatus": {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": 50}}, DIN))
    (res,) = sent(events)
    assert res.schema == "din70121" and res.body_name == "CableCheckRes" and res.body["ResponseCode"] == "FAILED_SequenceError"
    assert res.body["DC_EVSEStatus"]["EVSEStatusCode"] == "EVSE_Shutdown"
    assert not closed(events).ok
    assert run_pair(*profiles())[1].ok


def test_din_wrong_session_id_gets_failed_unknown_session() -> None:
    secc = din_secc()
    setup(secc)
    events = secc.receive_data(request_frame(bytes(8), "ServiceDiscoveryReq", {}, DIN))
    (res,) = sent(events)
    assert res.body["ResponseCode"] == "FAILED_UnknownSession" and not closed(events).ok
    assert run_pair(*profiles())[1].ok


def test_an_ev_offering_only_disabled_protocols_gets_no_negotiation() -> None:
    secc = din_secc(["iso15118-2"])
    events = handshake(secc, DIN)
    (res,) = sent(events)
    assert res.content["ResponseCode"] == "Failed_NoNegotiation"
    assert "enabled: iso15118-2" in closed(events).reason
    messages, _, evcc_close = run_pair(*profiles(["iso15118-2"], ["din70121"]))
    assert not evcc_close.ok and "Failed_NoNegotiation" in evcc_close.reason
    assert run_pair(*profiles(["iso15118-2"], ["din70121", "iso15118-2"]))[1].ok


def test_a_din_message_inside_an_iso2_session_is_a_sequence_error() -> None:
    secc = din_secc()
    setup(secc, ISO2)
    events = secc.receive_data(request_frame(SID, "ServiceDiscoveryReq", {}, DIN))
    (res,) = sent(events)
    assert res.schema == "iso15118-2" and res.body["ResponseCode"] == "FAILED_SequenceError"
    assert "of din70121 inside a iso15118-2 session" in closed(events).reason
    # a DIN-only request has no -2 response to carry the error: the connection closes unanswered
    secc = din_secc()
    setup(secc, ISO2)
    events = secc.receive_data(request_frame(SID, "ContractAuthenticationReq", {}, DIN))
    assert sent(events) == [] and not closed(events).ok
    assert run_pair(*profiles(ev_protocols=["iso15118-2"]))[1].ok


def test_an_iso2_message_inside_a_din_session_is_a_sequence_error() -> None:
    secc = din_secc()
    setup(secc, DIN)
    (res,) = sent(secc.receive_data(request_frame(SID, "ServiceDiscoveryReq", {}, ISO2)))
    assert res.schema == "din70121" and res.body["ResponseCode"] == "FAILED_SequenceError"
    assert run_pair(*profiles())[1].ok


def test_no_renegotiation_in_din() -> None:
    charger = DIN.charger(profiles()[0])
    charger.PowerDeliveryReq({"ReadyToChargeState": True})
    with pytest.raises(Exception, match="no renegotiation"):
        charger.PowerDeliveryReq({"ReadyToChargeState": True})


def test_din_is_judged_by_dins_limits() -> None:
    oracle = TimingOracle(DIN)
    oracle.observe(0.0, "EVCC", "CurrentDemandReq")
    assert oracle.observe(0.040, "SECC", "CurrentDemandRes", {}) == []  # no 25 ms performance time in DIN
    oracle.observe(1.0, "EVCC", "CurrentDemandReq")
    (late,) = oracle.observe(1.3, "SECC", "CurrentDemandRes", {})
    assert (late.limit, late.limit_s, late.source) == ("V2G_EVCC_Msg_Timeout", 0.25, "DIN SPEC 70121 Table 75")
    oracle.observe(2.0, "EVCC", "PowerDeliveryReq")
    (late,) = oracle.observe(5.0, "SECC", "PowerDeliveryRes", {})  # ISO 15118-2 would allow 5 s
    assert late.limit_s == 2.0
    # an oracle made without a protocol binds to the first protocol message's schema
    unbound = TimingOracle()
    unbound.observe(0.0, "EVCC", "CurrentDemandReq", None, "din70121")
    assert unbound.observe(0.1, "SECC", "CurrentDemandRes", {}, "din70121") == [] and unbound.protocol is DIN


@pytest.mark.parametrize("protocol, request_name, limit_name, seconds", [
    (DIN, "CableCheckReq", "V2G_EVCC_CableCheck_Timeout", 40.0),
    (ISO2, "AuthorizationReq", "V2G_EVCC_Ongoing_Timeout", 60.0),
])
def test_the_ev_enforces_the_long_limit_of_a_loop(protocol, request_name: str, limit_name: str, seconds: float) -> None:
    """A charger that answers Ongoing forever: the phase timer, not the repeat count, ends the session."""
    profile = load_profile("evcc", "dc")
    profile["protocols"] = [protocol.name]
    evcc = EvccSession(profile)
    evcc.start()
    evcc.protocol, evcc.car = protocol, protocol.car(profile)
    body = evcc.car.default_request(request_name)
    events = evcc._request(request_name, body)
    phase = [e for e in events if isinstance(e, StartTimer) and e.slot == "phase"]
    assert [(e.name, e.seconds) for e in phase] == [(limit_name, seconds)]
    again = evcc._request(request_name, body)  # repeating the request keeps the running limit
    assert not [e for e in again if isinstance(e, (StartTimer, StopTimer)) and e.slot == "phase"]
    close = closed(evcc.timeout("phase"))
    assert not close.ok and limit_name in close.reason and f"{seconds:g} s" in close.reason
    # moving on stops the phase timer
    evcc = EvccSession(profile)
    evcc.protocol, evcc.car = protocol, protocol.car(profile)
    evcc._request(request_name, evcc.car.default_request(request_name))
    stop = evcc._request("SessionStopReq", evcc.car.default_request("SessionStopReq"))
    assert any(isinstance(e, StopTimer) and e.slot == "phase" for e in stop)



@pytest.mark.parametrize("request_name", ["ServiceDiscoveryReq", "ChargeParameterDiscoveryReq", "PowerDeliveryReq", "CableCheckReq"])
def test_din_failed_responses_carry_the_dc_members(request_name: str) -> None:
    """The DIN XSD leaves EVSEStatus, EVSEChargeParameter and SASchedules non-abstract: a FAILED answer
    must still carry what a DC EV reads (DC_EVSEStatus, DC_EVSEChargeParameter, SAScheduleList)."""
    secc = din_secc()
    setup(secc)
    sent(secc.receive_data(request_frame(SID, "ServiceDiscoveryReq", {}, DIN)))  # then each of these is out of sequence
    body = DIN.car(profiles()[1]).default_request(request_name)
    (res,) = sent(secc.receive_data(request_frame(SID, request_name, body, DIN)))
    assert res.body["ResponseCode"] == "FAILED_SequenceError"
    assert not {"EVSEStatus", "EVSEChargeParameter", "SASchedules"} & set(res.body)
    shutdown = {"EVSEStatusCode": "EVSE_Shutdown", "EVSEIsolationStatus": "Invalid"}.items()
    if request_name == "ServiceDiscoveryReq":
        assert res.body["PaymentOptions"] == {"PaymentOption": ["ExternalPayment"]}
        assert res.body["ChargeService"]["EnergyTransferType"].startswith("DC")
    elif request_name == "ChargeParameterDiscoveryReq":
        assert res.body["SAScheduleList"]["SAScheduleTuple"][0]["SAScheduleTupleID"] == 1
        assert shutdown <= res.body["DC_EVSEChargeParameter"]["DC_EVSEStatus"].items()
    else:
        assert shutdown <= res.body["DC_EVSEStatus"].items()


@pytest.mark.parametrize(("field", "value"), [("EVSENotification", "StopCharging"), ("EVSEStatusCode", "EVSE_Shutdown"),
                                              ("EVSEStatusCode", "EVSE_EmergencyShutdown"), ("EVSENotification", "None")])
def test_the_din_car_ends_the_charge_loop_when_the_charger_asks(field: str, value: str) -> None:
    """CurrentDemandRes with StopCharging or a shutdown: PowerDeliveryReq(ReadyToChargeState=false) next; else the loop goes on."""
    car = DIN.car(profiles()[1])
    status = {"EVSEIsolationStatus": "Valid", "EVSEStatusCode": "EVSE_Ready", "NotificationMaxDelay": 0, "EVSENotification": "None", field: value}
    name, body, *_ = car.step("CurrentDemandRes", {"ResponseCode": "OK", "DC_EVSEStatus": status})
    stops = value != "None"
    assert (name, body.get("ReadyToChargeState")) == (("PowerDeliveryReq", False) if stops else ("CurrentDemandReq", None))
    assert car.stopping is stops
