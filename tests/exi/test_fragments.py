"""EXI fragments, as signatures digest them: codes from the fragment grammar, round trips.

Fragment grammar (EXI 8.4.2): SE(F0..Fn-1) over every element declaration, unique by
qname and sorted by local name then URI, then SE(*) and ED.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from v2glab import exi
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
