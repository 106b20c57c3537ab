"""Schema-informed EXI for ISO 15118-2, ISO 15118-20, DIN SPEC 70121 and the supportedAppProtocol handshake.

Public API::

    msg = from_xml(text)            # any namespace prefixes
    data = encode(msg)              # EXI bytes (header 0x80, bit-packed)
    msg = decode(data, "iso15118-2")
    msg.to_xml()                    # vendor format
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import EXIDecodeError, EXIEncodeError, EXIError, ValidationError, V2GError
from .bits import BitWriter
from .codec import _encode_value, decode_fragment_tree, decode_tree, encode_fragment_tree, encode_tree
from .grammar import SCHEMAS, SimpleType, grammar
from .message import ROOT_NAMESPACES, Message, from_xml, to_xml

# ISO 15118-20 grammars, one per message namespace; their 6-bit root codes overlap.
ISO15118_20_SCHEMAS = tuple(s for s in SCHEMAS if s.startswith("iso15118-20-"))


def encode(message: Message, validate: bool = True) -> bytes:
    """Encode a message as an EXI document. ``validate=False`` skips facet checks, to send invalid data on purpose."""
    return encode_tree(grammar(message.schema), message.name, message.content, validate)


def decode(data: bytes, schema: str, trailing: str = "strict", deviations: list[str] | None = None) -> Message:
    """Decode an EXI document of ``schema`` (one of ``SCHEMAS``: 'iso15118-2', 'iso15118-20-DC', ...).

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


def check_value(st: SimpleType, value: Any) -> None:
    """Raise ValidationError (or EXIEncodeError) if ``value`` breaks the facets of simple type ``st``."""
    _encode_value(BitWriter(), st, value, True)


def encode_fragment(element: str, content: Any, schema: str = "iso15118-2", validate: bool = True) -> bytes:
    """Encode one element as an EXI fragment, as signatures need ([V2G2-771], ISO 15118-2 J.4).

    Digests of signed elements use the full ``iso15118-2`` grammar; SignedInfo uses ``xmldsig``.
    For ISO 15118-20 the signed elements (PnC_AReqAuthorizationMode, SignedInstallationData,
    ...) are fragments of their message's grammar, e.g. ``schema="iso15118-20-CommonMessages"``.
    """
    return encode_fragment_tree(grammar(schema), element, content, validate)


def decode_fragment(data: bytes, schema: str = "iso15118-2") -> tuple[str, Any]:
    return decode_fragment_tree(grammar(schema), bytes(data))


def detect_schema(data: bytes, candidates: tuple[str, ...] | None = None) -> str:
    """Guess the schema set of an EXI document from its first bits.

    V2G_Message is root code 76 in ISO 15118-2 and 77 in DIN SPEC 70121 (7-bit codes);
    the handshake has a 2-bit root code, 0 for the request and 1 for the response.
    An ISO 15118-20 message has a 6-bit root code in the grammar of its namespace; the
    five grammars share code values, and some equal the first bits of the others. So
    every schema set whose root code there names a message is a fit, and when several
    fit, the first that decodes whole wins (else the first fit, so that decoding names
    the fault). The V2GTP payload type settles it (``v2gtp.schemas_for_payload_type``):
    pass its schema sets as ``candidates`` when the header is at hand.
    """
    if len(data) < 2 or data[0] != 0x80:
        raise EXIDecodeError("not an EXI stream with the V2G header 0x80", 0)
    fits = []
    for schema in candidates or DETECTABLE:
        g = grammar(schema)
        code = data[1] >> (8 - g.document_width)
        if code < len(g.document) and g.document[code][1] in message_roots(schema):
            fits.append(schema)
    if len(fits) > 1:
        for schema in fits:
            try:
                decode_tree(grammar(schema), bytes(data))
            except EXIError:
                continue
            return schema
    if fits:
        return fits[0]
    raise EXIDecodeError("first event fits no V2G schema set", 8)


# Schema sets a stream can be told from, most common first.
DETECTABLE = ("iso15118-2", "din70121", "app", *ISO15118_20_SCHEMAS)


@lru_cache(maxsize=None)
def message_roots(schema: str) -> tuple[str, ...]:
    """Root elements that are messages: V2G_Message (DIN, -2), or each -20 and handshake message.

    A -20 grammar's document also lists CommonTypes' and xmldsig's global elements;
    its messages are the requests and responses of its own namespace.
    """
    g = grammar(schema)
    if "V2G_Message" in g.document_index:
        return ("V2G_Message",)
    own = {uri for uri, name in ROOT_NAMESPACES.items() if name == schema}
    return tuple(local for uri, local, _t in g.document if uri in own and local.endswith(("Req", "Res")))


__all__ = [
    "Message", "encode", "decode", "encode_fragment", "decode_fragment", "from_xml", "to_xml",
    "detect_schema", "check_value", "grammar", "SCHEMAS", "ISO15118_20_SCHEMAS", "message_roots", "V2GError", "EXIError",
    "EXIDecodeError", "EXIEncodeError",
    "ValidationError",
]
