"""Schema-informed EXI for ISO 15118-2, DIN SPEC 70121 and the supportedAppProtocol handshake.

Public API::

    msg = from_xml(text)            # any namespace prefixes
    data = encode(msg)              # EXI bytes (header 0x80, bit-packed)
    msg = decode(data, "iso15118-2")
    msg.to_xml()                    # vendor format
"""

from __future__ import annotations

from typing import Any

from ..errors import EXIDecodeError, EXIEncodeError, EXIError, ValidationError, V2GError
from .bits import BitWriter
from .codec import _encode_value, decode_fragment_tree, decode_tree, encode_fragment_tree, encode_tree
from .grammar import SCHEMAS, SimpleType, grammar
from .message import Message, from_xml, to_xml

# Second byte of a V2G_Message document: header 0x80, then the 7-bit root code.
_ROOT_CODES = {76: "iso15118-2", 77: "din70121"}


def encode(message: Message, validate: bool = True) -> bytes:
    """Encode a message as an EXI document. ``validate=False`` skips facet checks, to send invalid data on purpose."""
    return encode_tree(grammar(message.schema), message.name, message.content, validate)


def decode(data: bytes, schema: str) -> Message:
    """Decode an EXI document of ``schema`` ('iso15118-2', 'din70121', 'app' or 'xmldsig')."""
    root, content = decode_tree(grammar(schema), bytes(data))
    return Message(schema, root, content)


def check_value(st: SimpleType, value: Any) -> None:
    """Raise ValidationError (or EXIEncodeError) if ``value`` breaks the facets of simple type ``st``."""
    _encode_value(BitWriter(), st, value, True)


def encode_fragment(element: str, content: Any, schema: str = "iso15118-2", validate: bool = True) -> bytes:
    """Encode one element as an EXI fragment, as signatures need ([V2G2-771], ISO 15118-2 J.4).

    Digests of signed elements use the full ``iso15118-2`` grammar; SignedInfo uses ``xmldsig``.
    """
    return encode_fragment_tree(grammar(schema), element, content, validate)


def decode_fragment(data: bytes, schema: str = "iso15118-2") -> tuple[str, Any]:
    return decode_fragment_tree(grammar(schema), bytes(data))


def detect_schema(data: bytes) -> str:
    """Guess the schema set of an EXI document from its first bits.

    V2G_Message is root code 76 in ISO 15118-2 and 77 in DIN SPEC 70121 (7-bit codes);
    the handshake has a 2-bit root code, 0 for the request and 1 for the response.
    """
    if len(data) < 2 or data[0] != 0x80:
        raise EXIDecodeError("not an EXI stream with the V2G header 0x80", 0)
    schema = _ROOT_CODES.get(data[1] >> 1)
    if schema:
        return schema
    if data[1] >> 6 in (0, 1):
        return "app"
    raise EXIDecodeError("first event fits no V2G schema set", 8)


__all__ = [
    "Message", "encode", "decode", "encode_fragment", "decode_fragment", "from_xml", "to_xml",
    "detect_schema", "check_value", "grammar", "SCHEMAS", "V2GError", "EXIError", "EXIDecodeError", "EXIEncodeError",
    "ValidationError",
]
