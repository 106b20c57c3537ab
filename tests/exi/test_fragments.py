"""EXI fragments, as signatures digest them: codes from the fragment grammar, round trips, and the
element fragment grammar of eMAID (EXI 1.0 8.5.3).

Fragment grammar (EXI 8.4.2): SE(F0..Fn-1) over every element declaration, unique by
qname and sorted by local name then URI, then SE(*) and ED.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.josev import run_josev
from v2glab import exi
from v2glab.errors import EXIDecodeError, EXIEncodeError
from v2glab.exi.bits import BitReader
from v2glab.exi.grammar import grammar

from .grammar_walk import tree

# Codes libcbv2g's encoders write (exi-wire-format.md, section 2).
KNOWN_CODES = [
    ("iso15118-2", "AuthorizationReq", 8, 4, 244),
    ("iso15118-2", "SignedInfo", 8, 208, 244),
    ("xmldsig", "SignedInfo", 6, 32, 46),
    # libcbv2g's iso20 CommonMessages encoder: OEMProvisioningCertificateChain 128, end 282
    ("iso15118-20-CommonMessages", "OEMProvisioningCertificateChain", 9, 128, 282),
]

# ISO 15118-20 elements a Header/Signature references by Id (iso15118-20-behaviour.md, section 1).
SIGNED_20 = [
    "PnC_AReqAuthorizationMode", "OEMProvisioningCertificateChain", "SignedInstallationData",
    "SignedMeteringData", "AbsolutePriceSchedule", "PriceLevelSchedule",
]


@pytest.mark.parametrize(("schema", "element", "width", "code", "end"), KNOWN_CODES)
def test_fragment_codes_match_an_independent_codec(schema: str, element: str, width: int, code: int, end: int) -> None:
    g = grammar(schema)
    assert g.fragment_width == width
    assert g.fragment_index[element][0][0] == code
    assert len(g.fragment) + 1 == end


def test_iso15118_20_signed_elements_have_one_type_each() -> None:
    g = grammar("iso15118-20-CommonMessages")
    assert g.fragment_width == 9  # 281 qnames, SE(*), ED
    for name in SIGNED_20:
        (_code, _uri, t), = g.fragment_index[name]  # one declaration, so the plain fragment grammar serves
        assert "@Id" in t.attributes, name


@pytest.mark.parametrize("element", SIGNED_20)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_iso15118_20_signed_element_fragment_round_trips(element: str, data: st.DataObject) -> None:
    schema = "iso15118-20-CommonMessages"
    g = grammar(schema)
    (code, _uri, t), = g.fragment_index[element]
    content = tree(g, t, data)
    encoded = exi.encode_fragment(element, content, schema=schema)
    r = BitReader(encoded)
    assert (r.bits(8), r.bits(9)) == (0x80, code)
    assert exi.decode_fragment(encoded, schema) == (element, content)


def test_fragment_of_an_unknown_element_is_named() -> None:
    with pytest.raises(exi.EXIEncodeError, match="'SalesTariff' is not an element of iso15118-20-CommonMessages"):
        exi.encode_fragment("SalesTariff", {}, schema="iso15118-20-CommonMessages")


# EMAIDType {Id "id4", "DEABCC123ABC56"} as EXIficient (Josev) and the current OpenV2G code it;
# quoted in cbexigen issue 60 against the older, wrong output 80EC02B4B21A04...
EMAID_ID4 = bytes.fromhex("80EC0202B4B21A40041111505090D0CC4C8CD05090CD4DBD3D00")


def test_emaid_with_id_uses_the_element_fragment_grammar() -> None:
    data = exi.encode_fragment("eMAID", {"@Id": "id4", "#text": "DEABCC123ABC56"})
    assert data == EMAID_ID4
    assert exi.decode_fragment(data) == ("eMAID", {"@Id": "id4", "#text": "DEABCC123ABC56"})


def test_emaid_without_id_round_trips() -> None:
    data = exi.encode_fragment("eMAID", "DEABCC123ABC56")
    assert data[:2] == bytes.fromhex("80EC")
    assert data != EMAID_ID4
    assert exi.decode_fragment(data) == ("eMAID", "DEABCC123ABC56")


def test_emaid_fragment_refuses_what_the_grammar_cannot_carry() -> None:
    with pytest.raises(EXIEncodeError, match="'@Name' is not allowed in <eMAID>"):
        exi.encode_fragment("eMAID", {"@Name": "x", "#text": "DEABCC123ABC56"})
    # a child element (SE(F0) = code 10 of ElementFragment0) after the SE(eMAID) code
    bad = bytearray(EMAID_ID4[:2]) + bytes([0b00000101, 0])
    with pytest.raises(EXIDecodeError, match="not one of its attributes"):
        exi.decode_fragment(bytes(bad))


def test_other_fragments_keep_their_type_grammar() -> None:
    body = {"@Id": "ID1", "GenChallenge": bytes(range(16))}
    data = exi.encode_fragment("AuthorizationReq", body)
    assert data[:2] == bytes([0x80, 4])  # AuthorizationReq is fragment element 4 of 243
    assert exi.decode_fragment(data) == ("AuthorizationReq", body)


def test_emaid_fragment_equals_josevs_exificient() -> None:
    out = run_josev(
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.shared.messages.iso15118_2.datatypes import EMAID\n"
        "print(EXI().to_exi(EMAID(id='a1', value='UKSWI123456791A'), Namespace.ISO_V2_MSG_DEF).hex())\n"
    )
    assert bytes.fromhex(out) == exi.encode_fragment("eMAID", {"@Id": "a1", "#text": "UKSWI123456791A"})
