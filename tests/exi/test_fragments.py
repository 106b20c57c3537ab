"""EXI fragments, as signatures digest them: the element fragment grammar of eMAID (EXI 1.0 8.5.3)."""

from __future__ import annotations

import pytest

from v2glab import exi
from tests.josev import run_josev
from v2glab.errors import EXIDecodeError, EXIEncodeError

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
