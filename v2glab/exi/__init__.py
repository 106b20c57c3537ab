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
from .codec import decode_fragment_tree, decode_tree, encode_fragment_tree, encode_tree
from .grammar import SCHEMAS, grammar
from .message import Message, from_xml, to_xml

# Second byte of a V2G_Message document: header 0x80, then the 7-bit root code.
_ROOT_CODES = {76: "iso15118-2", 77: "din70121"}


def encode(message: Message, validate: bool = True) -> bytes:
    """Encode a message as an EXI document. ``validate=False`` skips facet checks, to send invalid data on purpose."""
    return encode_tree(grammar(message.schema), message.name, message.content, validate)


def decode(data: bytes, schema: str, trailing: str = "strict", deviations: list[str] | None = None) -> Message:
    """Decode an EXI document of ``schema`` ('iso15118-2', 'din70121', 'app' or 'xmldsig').

    ``trailing="zeros"`` accepts zero bytes after the end of the document, as some
    cars send them; each acceptance is appended to ``deviations``, naming the bytes.
    The default, ``"strict"``, rejects any byte after the end.
    """
    if trailing not in ("strict", "zeros"):
        raise ValueError(f"trailing must be 'strict' or 'zeros', not {trailing!r}")
    data = bytes(data)
    g = grammar(schema)
    try:
        root, content = decode_tree(g, data)
    except EXIDecodeError:
        if trailing != "zeros" or not data.endswith(b"\0"):
            raise
        zeros = len(data) - len(data.rstrip(b"\0"))
        for cut in range(1, zeros + 1):  # the fewest zero bytes whose removal leaves a complete document
            try:
                root, content = decode_tree(g, data[:-cut])
            except EXIDecodeError:
                continue
            if deviations is not None:
                deviations.append(f"{cut} zero byte(s) ({' '.join(['00'] * cut)}) after the end of the EXI document, "
                                  f"at byte {len(data) - cut} of {len(data)}")
            return Message(schema, root, content)
        raise
    return Message(schema, root, content)


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
    "detect_schema", "grammar", "SCHEMAS", "V2GError", "EXIError", "EXIDecodeError", "EXIEncodeError",
    "ValidationError",
]
