"""decode(encode(m)) == m for random valid messages of every type of every schema set."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from v2glab import exi
from v2glab.exi.grammar import grammar

from v2glab.protocols.messages import message_names

from .grammar_walk import tree

CASES = [(schema, name) for schema in ("iso15118-2", "din70121", "app") for name in message_names(schema)]
# ISO 15118-20: every message is a document of its own namespace's grammar
CASES_20 = [(schema, name) for schema in exi.ISO15118_20_SCHEMAS for name in exi.message_roots(schema)]


def test_every_message_type_is_covered() -> None:
    names = {schema: set(message_names(schema)) for schema in ("iso15118-2", "din70121", "app")}
    assert len(names["iso15118-2"]) == 34  # 17 request/response pairs
    assert {"ChargingStatusRes", "CurrentDemandReq", "CertificateInstallationRes"} <= names["iso15118-2"]
    assert len(names["din70121"]) == 34  # 17 pairs, ContractAuthentication among them
    assert "ContractAuthenticationReq" in names["din70121"]
    assert names["app"] == {"supportedAppProtocolReq", "supportedAppProtocolRes"}
    counts = {schema: len(exi.message_roots(schema)) for schema in exi.ISO15118_20_SCHEMAS}
    assert counts == {
        "iso15118-20-CommonMessages": 26,  # SessionSetup .. SessionStop, CertificateInstallation, VehicleCheckIn/Out
        "iso15118-20-AC": 4,
        "iso15118-20-DC": 10,
        "iso15118-20-WPT": 12,
        "iso15118-20-ACDP": 8,
    }
    assert {"DC_ChargeLoopReq", "DC_ChargeLoopRes"} <= set(exi.message_roots("iso15118-20-DC"))


def _message(schema: str, name: str, data: st.DataObject) -> exi.Message:
    g = grammar(schema)
    if schema == "app":
        return exi.Message(schema, name, tree(g, g.document_index[name][2], data))
    root = g.document_index["V2G_Message"][2]
    header = tree(g, root.children["Header"][1], data)
    body_type = root.children["Body"][1].children[name][1]
    return exi.Message(schema, "V2G_Message", {"Header": header, "Body": {name: tree(g, body_type, data)}})


@pytest.mark.parametrize(("schema", "name"), CASES, ids=[f"{s}:{n}" for s, n in CASES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_message_round_trips(schema: str, name: str, data: st.DataObject) -> None:
    message = _message(schema, name, data)
    encoded = exi.encode(message)
    assert encoded[0] == 0x80
    assert exi.decode(encoded, schema) == message
    # XML is a faithful second representation of the same tree
    assert exi.from_xml(message.to_xml()) == message


@pytest.mark.parametrize(("schema", "name"), CASES_20, ids=[f"{s.removeprefix('iso15118-20-')}:{n}" for s, n in CASES_20])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_iso15118_20_message_round_trips(schema: str, name: str, data: st.DataObject) -> None:
    g = grammar(schema)
    message = exi.Message(schema, name, tree(g, g.document_index[name][2], data))
    encoded = exi.encode(message)
    assert exi.decode(encoded, schema) == message
    # Without the V2GTP payload type the five grammars can read one stream alike (a short
    # ACDP_ConnectReq is also a valid message of another); detection then picks one that decodes.
    exi.decode(encoded, exi.detect_schema(encoded))
    assert message.session_id == message.content["Header"]["SessionID"]
    assert len(message.session_id) == 8  # SessionID is exactly 8 bytes in -20
    assert exi.from_xml(message.to_xml()) == message


@pytest.mark.parametrize("serial", [2**159 - 1, 2**64, 1])
def test_a_20_octet_x509_serial_number_round_trips(serial: int) -> None:
    """X509SerialNumber (xs:integer) holds RFC 5280's 20-octet serials, as pki init now issues them."""
    from cryptography import x509

    from tests.helpers import v2g_message

    serials = [serial, x509.random_serial_number()]
    body = {"@Id": "ID1", "OEMProvisioningCert": b"\x30" * 8, "ListOfRootCertificateIDs": {"RootCertificateID": [
        {"X509IssuerName": "CN=V2G Root CA", "X509SerialNumber": s} for s in serials]}}
    message = v2g_message(bytes(8), "CertificateInstallationReq", body)
    decoded = exi.decode(exi.encode(message), "iso15118-2")
    assert [r["X509SerialNumber"] for r in decoded.body["ListOfRootCertificateIDs"]["RootCertificateID"]] == serials
    # and as a signed fragment (what its digest is computed over)
    assert exi.encode_fragment("CertificateInstallationReq", body)
