"""SECC sequencing, sans-I/O: bytes in, events out, no network."""

from __future__ import annotations

import copy

import pytest

from v2glab import exi
from v2glab.evcc.session import EvccSession
from v2glab.profiles import load_profile
from v2glab.protocols.events import Close, Received, Send, StartTimer
from tests.helpers import DIN_NAMESPACE, ISO2_NAMESPACE, run_pair, v2g_message
from v2glab.secc.session import SeccSession, SessionStore
from v2glab.v2gtp import build_header, frame

SID = bytes.fromhex("0102030405060708")


def sap(*protocols: tuple[str, int, int]) -> bytes:
    offers = [{"ProtocolNamespace": ns, "VersionNumberMajor": 2, "VersionNumberMinor": minor, "SchemaID": sid, "Priority": prio} for ns, sid, prio, minor in [(*p, 0) if len(p) == 3 else p for p in protocols]]
    return frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": offers})))


def req(name: str, body: dict, session_id: bytes = SID) -> bytes:
    return frame(exi.encode(v2g_message(session_id, name, body)))


def sent(events: list) -> list[exi.Message]:
    return [e.message for e in events if isinstance(e, Send)]


def closes(events: list) -> list[Close]:
    return [e for e in events if isinstance(e, Close)]


def new_secc(profile: str = "ac", **changes: object) -> SeccSession:
    p = load_profile("secc", profile)
    p.update(changes)
    return SeccSession(p, SessionStore(), new_session_id=lambda: SID)


def setup(secc: SeccSession) -> None:
    secc.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    secc.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, b"\x00"))


def test_handshake_picks_iso2_by_priority() -> None:
    secc = new_secc()
    events = secc.receive_data(sap((DIN_NAMESPACE, 7, 1), (ISO2_NAMESPACE, 9, 2)))
    (res,) = sent(events)
    assert res.content == {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 9}
    assert secc.allowed == {"SessionSetupReq"}


def test_handshake_with_a_minor_deviation() -> None:
    (res,) = sent(new_secc().receive_data(sap((ISO2_NAMESPACE, 3, 1, 5))))
    assert res.content["ResponseCode"] == "OK_SuccessfulNegotiationWithMinorDeviation"


def test_din_only_offer_fails_negotiation_and_closes() -> None:
    events = new_secc().receive_data(sap((DIN_NAMESPACE, 1, 1)))
    (res,) = sent(events)
    assert res.content == {"ResponseCode": "Failed_NoNegotiation"}
    (close,) = closes(events)
    assert not close.ok and DIN_NAMESPACE in close.reason


def test_session_setup_assigns_the_session_id() -> None:
    secc = new_secc()
    secc.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    events = secc.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, b"\x00"))
    (res,) = sent(events)
    assert res.session_id == SID
    assert res.body["ResponseCode"] == "OK_NewSessionEstablished"
    assert any(isinstance(e, StartTimer) and e.name == "V2G_SECC_Sequence_Timeout" and e.seconds == 60 for e in events)


def test_out_of_sequence_request_gets_its_own_response_type_with_sequence_error() -> None:
    secc = new_secc()
    setup(secc)
    events = secc.receive_data(req("ChargingStatusReq", {}))
    (res,) = sent(events)
    assert res.body_name == "ChargingStatusRes"  # the type of the request received [V2G2-538]
    assert res.body["ResponseCode"] == "FAILED_SequenceError"
    assert exi.decode(exi.encode(res), "iso15118-2") == res  # a schema-valid minimal response
    (close,) = closes(events)
    assert not close.ok and "out of sequence" in close.reason


def test_wrong_session_id_gets_unknown_session() -> None:
    secc = new_secc()
    setup(secc)
    events = secc.receive_data(req("ServiceDiscoveryReq", {}, session_id=bytes.fromhex("FFFFFFFFFFFFFFFF")))
    (res,) = sent(events)
    assert res.body_name == "ServiceDiscoveryRes" and res.body["ResponseCode"] == "FAILED_UnknownSession"
    assert closes(events)


@pytest.mark.parametrize(
    "header",
    [build_header(0x8001, 4, version=2, inverse=0xFD), build_header(0x8001, 4, inverse=0xFF), build_header(0x1234, 4), build_header(0x8001, 2**31)],
    ids=["version", "inverse", "payload type", "length"],
)
def test_bad_v2gtp_header_closes_without_answer(header: bytes) -> None:
    events = new_secc().receive_data(header + b"\x80\x00\x00\x00")
    assert not sent(events)
    (close,) = closes(events)
    assert "bad V2GTP header" in close.reason


def test_undecodable_exi_closes_and_is_traced() -> None:
    events = new_secc().receive_data(frame(b"\x80\xff\xff"))
    received = [e for e in events if isinstance(e, Received)]
    assert received and received[0].message is None and "bit" in received[0].error
    assert closes(events) and not sent(events)


def test_sequence_timeout_closes() -> None:
    secc = new_secc()
    setup(secc)
    (close,) = secc.timeout()
    assert not close.ok and "V2G_SECC_Sequence_Timeout" in close.reason and "ServiceDiscoveryReq" in close.reason


def test_session_stop_is_a_sequence_error_inside_the_charge_loop() -> None:
    secc = new_secc()
    setup(secc)
    secc.allowed = {"ChargingStatusReq", "PowerDeliveryReq"}
    (res,) = sent(secc.receive_data(req("SessionStopReq", {"ChargingSession": "Terminate"})))
    assert res.body["ResponseCode"] == "FAILED_SequenceError"


def test_pause_then_rejoin_with_the_old_session_id() -> None:
    store = SessionStore()
    profile = load_profile("secc", "ac")
    first = SeccSession(profile, store, new_session_id=lambda: SID)
    setup(first)
    first.receive_data(req("ServiceDiscoveryReq", {}))
    events = first.receive_data(req("SessionStopReq", {"ChargingSession": "Pause"}))
    assert sent(events)[0].body["ResponseCode"] == "OK" and closes(events)[0].ok
    second = SeccSession(profile, store, new_session_id=lambda: bytes(8))
    second.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    (res,) = sent(second.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, SID)))
    assert res.body["ResponseCode"] == "OK_OldSessionJoined" and res.session_id == SID


def test_unknown_old_session_id_starts_a_new_session() -> None:
    secc = new_secc()
    secc.receive_data(sap((ISO2_NAMESPACE, 1, 1)))
    (res,) = sent(secc.receive_data(req("SessionSetupReq", {"EVCCID": bytes(6)}, bytes.fromhex("AABBCCDDEEFF0011"))))
    assert res.body["ResponseCode"] == "OK_NewSessionEstablished"  # [V2G2-756]


def test_wrong_energy_mode_is_refused() -> None:
    secc = new_secc("ac")
    setup(secc)
    secc.allowed = {"ChargeParameterDiscoveryReq"}
    body = {"RequestedEnergyTransferMode": "DC_extended", "DC_EVChargeParameter": {"DC_EVStatus": {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": 50},
            "EVMaximumCurrentLimit": {"Multiplier": 0, "Unit": "A", "Value": 100}, "EVMaximumVoltageLimit": {"Multiplier": 0, "Unit": "V", "Value": 400}}}
    (res,) = sent(secc.receive_data(req("ChargeParameterDiscoveryReq", body)))
    assert res.body["ResponseCode"] == "FAILED_WrongEnergyTransferMode"


def _pair(mode: str, secc_profile: dict | None = None, evcc_changes: dict | None = None) -> tuple[list[str], Close | None, Close | None]:
    ev_profile = load_profile("evcc", mode)
    ev_profile.update(evcc_changes or {})
    messages, secc_close, evcc_close = run_pair(secc_profile or load_profile("secc", mode), ev_profile)
    return [m.body_name for m in messages], secc_close, evcc_close


@pytest.mark.parametrize("mode", ["ac", "dc"])
def test_complete_session_in_memory(mode: str) -> None:
    names, secc_close, evcc_close = _pair(mode)
    assert secc_close.ok and evcc_close.ok
    assert names[:8] == ["supportedAppProtocolReq", "supportedAppProtocolRes", "SessionSetupReq", "SessionSetupRes",
                         "ServiceDiscoveryReq", "ServiceDiscoveryRes", "PaymentServiceSelectionReq", "PaymentServiceSelectionRes"]
    assert names.count("AuthorizationRes") == 2  # Ongoing, then Finished
    loop = "ChargingStatusReq" if mode == "ac" else "CurrentDemandReq"
    assert names.count(loop) == 3
    assert names[-2:] == ["SessionStopReq", "SessionStopRes"]
    if mode == "dc":
        for phase in ("CableCheckReq", "PreChargeReq", "WeldingDetectionReq"):
            assert phase in names
        assert names.index("PreChargeReq") < names.index("PowerDeliveryReq") < names.index("CurrentDemandReq")


def test_receipt_required_inserts_metering_receipts() -> None:
    profile = load_profile("secc", "ac")
    profile["receipt_required"] = True
    names, secc_close, evcc_close = _pair("ac", profile)
    assert secc_close.ok and evcc_close.ok
    assert names.count("MeteringReceiptReq") == 3
    assert names[names.index("ChargingStatusRes") + 1] == "MeteringReceiptReq"


def test_ev_gives_up_on_endless_ongoing() -> None:
    profile = copy.deepcopy(load_profile("secc", "ac"))
    profile["authorization_ongoing"] = 10
    _names, _secc_close, evcc_close = _pair("ac", profile, {"max_ongoing": 3})
    assert not evcc_close.ok and "Authorization still not finished" in evcc_close.reason
