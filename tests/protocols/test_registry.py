"""The protocol registry, the handshake, and the tables every plug-in supplies."""

from __future__ import annotations

import pytest

from v2glab import exi
from v2glab.protocols import UnknownProtocol, by_namespace, chosen, get, negotiate, offer, parse_list, registry
from v2glab.protocols.base import SequenceTable, row

PROTOCOLS = list(registry().values())


def test_registry_finds_every_plugin_package() -> None:
    assert {"iso15118-2", "din70121"} <= set(registry())
    assert by_namespace("urn:din:70121:2012:MsgDef") is get("din70121")
    assert by_namespace("urn:tesla:din:2018:MsgDef") is None


def test_unknown_protocol_names_what_v2glab_speaks() -> None:
    with pytest.raises(UnknownProtocol, match="iso15118-2") as info:
        parse_list("din70121,chademo")
    assert "'chademo'" in str(info.value)


def test_offer_keeps_priority_order_and_schema_ids() -> None:
    body = offer(parse_list("din70121,iso15118-2"))
    assert [(e["ProtocolNamespace"], e["SchemaID"], e["Priority"]) for e in body["AppProtocol"]] == [
        (get("din70121").namespace, 1, 1), (get("iso15118-2").namespace, 2, 2)]
    exi.encode(exi.Message("app", "supportedAppProtocolReq", body))  # schema-valid


def _entry(ns: str, sid: int, prio: int, major: int = 2, minor: int = 0) -> dict:
    return {"ProtocolNamespace": ns, "VersionNumberMajor": major, "VersionNumberMinor": minor, "SchemaID": sid, "Priority": prio}


def test_negotiate_takes_the_evs_preference_among_the_enabled() -> None:
    din, iso2 = get("din70121"), get("iso15118-2")
    # a Tesla offers its own namespace at priority 1: skipped
    request = {"AppProtocol": [_entry("urn:tesla:din:2018:MsgDef", 2, 1), _entry(din.namespace, 1, 2), _entry(iso2.namespace, 3, 3)]}
    body, protocol = negotiate(request, [iso2, din])
    assert protocol is din and body == {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1}
    body, protocol = negotiate(request, [iso2])
    assert protocol is iso2 and body["SchemaID"] == 3
    assert negotiate({"AppProtocol": [_entry(din.namespace, 1, 1, major=1)]}, [din]) == ({"ResponseCode": "Failed_NoNegotiation"}, None)
    body, _ = negotiate({"AppProtocol": [_entry(din.namespace, 4, 1, minor=3)]}, [din])
    assert body["ResponseCode"] == "OK_SuccessfulNegotiationWithMinorDeviation"


def test_chosen_maps_the_schema_id_back_to_our_offer() -> None:
    sent = offer(parse_list("iso15118-2,din70121"))
    assert chosen(sent, {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 2}) is get("din70121")
    assert chosen(sent, {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 9}) is None
    assert chosen(sent, {"ResponseCode": "Failed_NoNegotiation"}) is None


def test_sequence_table_first_matching_row_wins() -> None:
    table = SequenceTable({"A"}, [
        row("XRes", {"B"}, {"res.Status.Code": ("Ready", "Warm"), "session.mode": "DC"}),
        row("XRes", {"C"}, {"req.Flag": True}),
        row("XRes", {"D"}),
    ])
    assert table.after("XRes", {}, {"Status": {"Code": "Warm"}}, {"mode": "DC"}) == {"B"}
    assert table.after("XRes", {"Flag": True}, {"Status": {"Code": "Cold"}}, {"mode": "DC"}) == {"C"}
    assert table.after("XRes", {}, {"Status": "not a dict"}, {}) == {"D"}
    assert table.after("YRes", {}, {}, {}) == frozenset()
    assert table.requests() == {"A", "B", "C", "D"}


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.name)
def test_tables_name_only_messages_of_their_protocol(protocol) -> None:
    messages = set(protocol.message_names())  # every schema set of the protocol (-20 has several)
    requests = protocol.sequence.requests()
    assert requests <= messages
    assert set(protocol.sequence.rows) <= messages  # every row is keyed by a response
    assert set(protocol.timing.evcc_msg_timeout) - {"supportedAppProtocolReq"} <= messages
    assert set(protocol.timing.secc_performance) - {"supportedAppProtocolRes"} <= messages
    assert set(protocol.timing.evcc_phase) <= requests


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.name)
def test_the_charger_answers_every_request_its_table_allows(protocol) -> None:
    missing = [r for r in protocol.sequence.requests() if not callable(getattr(protocol.charger, r, None))]
    assert missing == []


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.name)
def test_the_car_knows_what_follows_every_request_it_builds(protocol) -> None:
    builds = [name[6:] for name in dir(protocol.car) if name.startswith("build_")]
    assert protocol.car.first.__name__ == "first" and "SessionSetupReq" in builds
    missing = [r[:-3] + "Res" for r in builds if not callable(getattr(protocol.car, f"after_{r[:-3]}Res", None))]
    assert missing == []
