"""Schema facets are checked on encode, name the path and facet, and can be switched off."""

from __future__ import annotations

import copy

import pytest

from v2glab import exi
from v2glab.errors import EXIEncodeError, ValidationError

from ..conftest import VECTORS

SEED = exi.from_xml(VECTORS[0]["xml"])


def _seed_with(**changes: object) -> exi.Message:
    message = copy.deepcopy(SEED)
    body = message.body
    for path, value in changes.items():
        node = body
        *parents, leaf = path.split("__")
        for p in parents:
            node = node[p]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    return message


@pytest.mark.parametrize(
    ("change", "facet", "path_end"),
    [
        ({"SAScheduleTupleID": 0}, "minInclusive", "ChargingStatusRes/SAScheduleTupleID"),
        ({"EVSEMaxCurrent__Multiplier": 4}, "maxInclusive", "EVSEMaxCurrent/Multiplier"),
        ({"EVSEID": "KR*1"}, "minLength", "ChargingStatusRes/EVSEID"),
        ({"EVSEID": "X" * 38}, "maxLength", "ChargingStatusRes/EVSEID"),
        ({"ResponseCode": "GREAT"}, "enumeration", "ChargingStatusRes/ResponseCode"),
    ],
)
def test_facet_violation_names_path_and_facet(change: dict, facet: str, path_end: str) -> None:
    with pytest.raises(ValidationError) as info:
        exi.encode(_seed_with(**change))
    assert info.value.facet == facet
    assert info.value.path.endswith(path_end)


def test_session_id_longer_than_8_bytes_is_rejected() -> None:
    message = copy.deepcopy(SEED)
    message.content["Header"]["SessionID"] = bytes(9)
    with pytest.raises(ValidationError, match="maxLength"):
        exi.encode(message)


def test_validation_off_sends_what_the_bits_can_carry() -> None:
    decoded = exi.decode(exi.encode(_seed_with(EVSEID="KR*1"), validate=False), "iso15118-2")
    assert decoded.body["EVSEID"] == "KR*1"
    # SAScheduleTupleID is coded as an 8-bit offset from 1: 0 has no code at all
    with pytest.raises(EXIEncodeError, match="cannot be coded in 8 bits from 1"):
        exi.encode(_seed_with(SAScheduleTupleID=0), validate=False)
    # a multiplier of 4 is outside -3..3 yet fits the 3-bit field: it goes out as is
    assert exi.decode(exi.encode(_seed_with(EVSEMaxCurrent__Multiplier=4), validate=False), "iso15118-2").body["EVSEMaxCurrent"]["Multiplier"] == 4
    # 200 does not fit the 3-bit field at all: a clear error, even without validation
    with pytest.raises(EXIEncodeError, match="cannot be coded in 3 bits"):
        exi.encode(_seed_with(EVSEMaxCurrent__Multiplier=200), validate=False)


def test_missing_required_element_lists_what_was_expected() -> None:
    with pytest.raises(EXIEncodeError, match="expected one of: AC_EVSEStatus") as info:
        exi.encode(_seed_with(AC_EVSEStatus=None))
    assert info.value.path.endswith("ChargingStatusRes")


def test_unknown_element_lists_what_is_allowed() -> None:
    with pytest.raises(EXIEncodeError, match="'EVSEMaxPower' is not allowed here"):
        exi.encode(_seed_with(EVSEMaxPower={"Multiplier": 0, "Unit": "W", "Value": 1}))


def test_wrong_value_types_are_named() -> None:
    with pytest.raises(EXIEncodeError, match="expected a boolean"):
        exi.encode(_seed_with(ReceiptRequired=1))
    with pytest.raises(EXIEncodeError, match="expected an integer"):
        exi.encode(_seed_with(SAScheduleTupleID="1"))


def test_children_out_of_schema_order_are_put_in_order() -> None:
    shuffled = copy.deepcopy(SEED)
    body = shuffled.body
    shuffled.content["Body"]["ChargingStatusRes"] = dict(reversed(list(body.items())))
    assert exi.encode(shuffled) == exi.encode(SEED)


def test_choice_allows_only_one_branch() -> None:
    # PaymentDetails/ChargeParameterDiscoveryReq: AC_EVChargeParameter and DC_EVChargeParameter are a choice
    cpd = exi.from_xml(next(v["xml"] for v in VECTORS if v["name"] == "ChargeParameterDiscoveryReq_AC_min"))
    both = copy.deepcopy(cpd)
    both.body["DC_EVChargeParameter"] = {"DC_EVStatus": {}}
    with pytest.raises(EXIEncodeError, match="cannot come here"):
        exi.encode(both)


@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\x00", "\x1b", "\uffff"])
def test_characters_outside_xml_are_refused_unless_validation_is_off(bad: str) -> None:
    message = _seed_with(EVSEID=f"KR*TC1{bad}*ISO1")
    with pytest.raises(ValidationError) as info:
        exi.encode(message)
    assert info.value.facet == "Char" and info.value.path.endswith("EVSEID")
    assert f"U+{ord(bad):04X}" in str(info.value)
    data = exi.encode(message, validate=False)  # a test may still send it on purpose
    assert exi.decode(data, "iso15118-2").body["EVSEID"] == f"KR*TC1{bad}*ISO1"


# --------------------------------------------------------------------------- ISO 15118-20
LOOP_REQ = exi.from_xml(next(v["xml"] for v in VECTORS if v["name"] == "DC_ChargeLoopReq_scheduled_min"))


def _loop_req_with(path: str, value: object) -> exi.Message:
    message = copy.deepcopy(LOOP_REQ)
    node = message.content
    *parents, leaf = path.split("/")
    for p in parents:
        node = node[p]
    if value is None:
        del node[leaf]
    else:
        node[leaf] = value
    return message


@pytest.mark.parametrize(
    ("path", "value", "facet", "path_end"),
    [
        ("Header/SessionID", bytes(7), "minLength", "DC_ChargeLoopReq/Header/SessionID"),  # exactly 8 bytes in -20
        ("Header/SessionID", bytes(9), "maxLength", "DC_ChargeLoopReq/Header/SessionID"),
        ("EVPresentVoltage/Exponent", -129, "minInclusive", "EVPresentVoltage/Exponent"),  # xs:byte
        ("EVPresentVoltage/Value", 2**15, "maxInclusive", "EVPresentVoltage/Value"),  # xs:short
        ("DisplayParameters", {"PresentSOC": 101}, "maxInclusive", "DisplayParameters/PresentSOC"),  # percentValueType
    ],
)
def test_iso15118_20_facets_name_path_and_facet(path: str, value: object, facet: str, path_end: str) -> None:
    with pytest.raises(ValidationError) as info:
        exi.encode(_loop_req_with(path, value))
    assert info.value.facet == facet
    assert info.value.path.endswith(path_end)


def test_iso15118_20_structure_errors_are_named() -> None:
    with pytest.raises(EXIEncodeError, match="required element missing; expected one of: .*TimeStamp"):
        exi.encode(_loop_req_with("Header/TimeStamp", None))
    # a -2 element in a -20 message
    with pytest.raises(EXIEncodeError, match="'EVSEID' is not allowed here"):
        exi.encode(_loop_req_with("EVSEID", "DE*ABC*E1"))
    # two control modes of the CLReqControlMode substitution group
    with pytest.raises(EXIEncodeError, match="cannot come here"):
        dynamic = {name: {"Exponent": 0, "Value": 1} for name in (
            "EVTargetEnergyRequest", "EVMaximumEnergyRequest", "EVMinimumEnergyRequest", "EVMaximumChargePower",
            "EVMinimumChargePower", "EVMaximumChargeCurrent", "EVMaximumVoltage", "EVMinimumVoltage")}
        exi.encode(_loop_req_with("Dynamic_DC_CLReqControlMode", dynamic))
    # the message's own root only: a -20 message is not wrapped in V2G_Message
    with pytest.raises(EXIEncodeError, match="'V2G_Message' is not a global element of iso15118-20-DC"):
        exi.encode(exi.Message("iso15118-20-DC", "V2G_Message", {}))
