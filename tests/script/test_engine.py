"""The hybrid-play adapter over the real sans-I/O cores: which steps the engine plays, and what a script's step tells it."""

from __future__ import annotations

from v2glab import exi
from v2glab.protocols import APP_SCHEMA, offer, parse_list
from v2glab.protocols.events import Send
from v2glab.profiles import load_profile
from v2glab.script.engine import EvccEngine, SeccEngine

ISO2 = parse_list("iso15118-2")[0]


def sent(events: list) -> list[str]:
    return [e.message.body_name for e in events if isinstance(e, Send)]


def handshake_request(profile: dict) -> exi.Message:
    return exi.Message(APP_SCHEMA, "supportedAppProtocolReq", offer(parse_list(profile["protocols"]), profile))


def test_secc_engine_answers_the_steps_before_the_scripts_only() -> None:
    engine = SeccEngine(load_profile("secc"))
    app = handshake_request(load_profile("evcc"))
    assert engine.plays_before(app, "ChargingStatusReq")  # the handshake comes before
    assert not engine.plays_before(app, "supportedAppProtocolReq")  # the script's own step
    assert sent(engine.answer(app)) == ["supportedAppProtocolRes"]
    setup = ISO2.wrap(b"\x00", "SessionSetupReq", {"EVCCID": bytes(6)})
    assert engine.plays_before(setup, "ChargingStatusReq")
    assert not engine.plays_before(setup, "SessionSetupReq")
    # a request out of sequence is not the engine's to answer: the script sees it
    assert not engine.plays_before(ISO2.wrap(b"\x00", "PowerDeliveryReq", {}), "ChargingStatusReq")


def test_a_scripts_answer_moves_the_secc_session_on() -> None:
    engine = SeccEngine(load_profile("secc"))
    engine.answer(handshake_request(load_profile("evcc")))
    setup = ISO2.wrap(b"\x00", "SessionSetupReq", {"EVCCID": bytes(6)})
    response = ISO2.wrap(bytes.fromhex("0102030405060708"), "SessionSetupRes", {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": "DE*V2G*E1"})
    assert sent(engine.script_answered(setup, response)) == []  # the script sent it; the engine sends nothing
    assert engine.core.session_id == bytes.fromhex("0102030405060708")
    assert "ServiceDiscoveryReq" in engine.core.allowed and "SessionSetupReq" not in engine.core.allowed
    # the engine now answers the next request in the session the script opened
    discovery = ISO2.wrap(engine.core.session_id, "ServiceDiscoveryReq", {})
    assert sent(engine.answer(discovery)) == ["ServiceDiscoveryRes"]
    # a FAILED answer from the script ends the engine's part, without closing the script's connection
    engine2 = SeccEngine(load_profile("secc"))
    engine2.answer(handshake_request(load_profile("evcc")))
    failed = ISO2.wrap(b"\x00", "SessionSetupRes", {"ResponseCode": "FAILED_SequenceError", "EVSEID": "DE*V2G*E1"})
    assert engine2.script_answered(setup, failed) == [] and engine2.closed


def test_evcc_engine_plays_until_the_scripts_request() -> None:
    engine = EvccEngine(load_profile("evcc"))
    assert engine.script_may_send("supportedAppProtocolReq")  # nothing played yet
    assert sent(engine.play_handshake()) == ["supportedAppProtocolReq"]
    assert not engine.script_may_send("ChargeParameterDiscoveryReq")  # the engine's request is pending
    res = exi.Message(APP_SCHEMA, "supportedAppProtocolRes", {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1})
    engine.handle(res)
    assert engine.proposal is not None and engine.proposal[0] == "SessionSetupReq"
    assert engine.script_may_send("SessionSetupReq")  # the car is at that step
    assert not engine.script_may_send("ChargeParameterDiscoveryReq")  # later: the engine plays the steps before
    assert sent(engine.play()) == ["SessionSetupReq"]
    engine.handle(ISO2.wrap(bytes(8), "SessionSetupRes", {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": "DE*V2G*E1"}))
    assert engine.proposal[0] == "ServiceDiscoveryReq"
    assert engine.script_may_send("SessionSetupReq")  # sent before: a step back goes at once (a negative test)


def test_a_scripts_stop_request_steers_the_car() -> None:
    engine = EvccEngine(load_profile("evcc"))
    engine.play_handshake()
    engine.handle(exi.Message(APP_SCHEMA, "supportedAppProtocolRes", {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1}))
    engine.script_sent(ISO2.wrap(bytes(8), "PowerDeliveryReq", {"ChargeProgress": "Stop", "SAScheduleTupleID": 1}))
    assert engine.core.car.stopping and engine.pending == "PowerDeliveryReq" and engine.pending_by_script
    engine.script_received(ISO2.wrap(engine.core.session_id, "PowerDeliveryRes", {"ResponseCode": "OK", "AC_EVSEStatus": {
        "NotificationMaxDelay": 0, "EVSENotification": "None", "RCD": False}}))
    assert engine.proposal is not None and engine.proposal[0] == "SessionStopReq"  # not back into the charge loop


def test_a_scripts_request_ends_the_cars_loop_pause() -> None:
    """After a charge-loop answer the car waits loop_period before its next request (a LOOP_WAIT timer). A script
    request sent in that pause takes the car's turn: the engine stops that timer, else it would expire while the
    script waits for its answer and end the session as a message timeout."""
    from v2glab.protocols.events import StartTimer, StopTimer

    engine = EvccEngine(load_profile("evcc"))
    engine.play_handshake()
    engine.handle(exi.Message(APP_SCHEMA, "supportedAppProtocolRes", {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1}))
    engine.script_sent(ISO2.wrap(bytes(8), "ChargingStatusReq", {}))
    status = {"ResponseCode": "OK", "EVSEID": "DE*V2G*E1", "SAScheduleTupleID": 1, "ReceiptRequired": False,
              "AC_EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "None", "RCD": False}}
    events = engine.script_received(ISO2.wrap(engine.core.session_id, "ChargingStatusRes", status))
    assert any(isinstance(e, StartTimer) for e in events) and engine.delayed  # the pause before the next ChargingStatusReq
    assert any(isinstance(e, StopTimer) for e in engine.script_sent(ISO2.wrap(engine.core.session_id, "ChargingStatusReq", {})))
    assert not engine.delayed and engine.pending_by_script


def test_the_car_renegotiates_on_evse_notification_renegotiation() -> None:
    engine = EvccEngine(load_profile("evcc"))
    engine.play_handshake()
    engine.handle(exi.Message(APP_SCHEMA, "supportedAppProtocolRes", {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1}))
    engine.script_sent(ISO2.wrap(bytes(8), "ChargingStatusReq", {}))
    status = {"ResponseCode": "OK", "EVSEID": "DE*V2G*E1", "SAScheduleTupleID": 1, "ReceiptRequired": False,
              "AC_EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "ReNegotiation", "RCD": False}}
    engine.script_received(ISO2.wrap(engine.core.session_id, "ChargingStatusRes", status))
    assert engine.proposal[0] == "PowerDeliveryReq" and engine.proposal[1][0].message.body["ChargeProgress"] == "Renegotiate"
    engine.play()
    engine.handle(ISO2.wrap(engine.core.session_id, "PowerDeliveryRes", {"ResponseCode": "OK", "AC_EVSEStatus": status["AC_EVSEStatus"]}))
    assert engine.proposal[0] == "ChargeParameterDiscoveryReq"
