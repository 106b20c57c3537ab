"""The message model's XML: what a peer's strings become on a console or in a file."""

from __future__ import annotations

import pytest
from lxml import etree

from v2glab import exi
from v2glab.errors import XMLError


def offer(namespace: str) -> exi.Message:
    return exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": [
        {"ProtocolNamespace": namespace, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]})


@pytest.mark.parametrize(("raw", "shown"), [("\ud800", "&#xD800;"), ("\udfff", "&#xDFFF;"), ("\x1b[2J", "&#x1B;[2J"),
                                            ("\x9b", "&#x9B;"), ("\x7f", "&#x7F;"), ("\x00", "&#x0;")])
def test_unprintable_characters_are_character_references(raw: str, shown: str) -> None:
    xml = offer(f"urn:x{raw}y").to_xml()
    assert f"<ProtocolNamespace>urn:x{shown}y</ProtocolNamespace>" in xml
    xml.encode("utf-8")  # a lone surrogate raw would raise here, as it did in every print


def test_references_that_xml_allows_read_back_and_the_others_are_one_clear_error() -> None:
    for allowed in ("\x7f", "\x85", "\x9b"):  # legal XML characters, escaped only for the console
        assert exi.from_xml(offer(f"a{allowed}b").to_xml()) == offer(f"a{allowed}b")
    for forbidden in ("\ud800", "\x1b"):  # no XML can hold them: shown, but not read back
        with pytest.raises(XMLError, match="not well formed"):
            exi.from_xml(offer(f"a{forbidden}b").to_xml())


def test_ordinary_text_is_unchanged() -> None:
    xml = offer("urn:iso:15118:2:2013:MsgDef <&> é 中 \U0001f50c\ttab").to_xml()
    root = etree.fromstring(xml.encode())
    assert root.findtext("AppProtocol/ProtocolNamespace") == "urn:iso:15118:2:2013:MsgDef <&> é 中 \U0001f50c\ttab"
