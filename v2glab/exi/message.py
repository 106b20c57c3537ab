"""The message model: a tree addressed by the standard's element names, plus XML in and out."""

from __future__ import annotations

import base64
from typing import Any
import re
from xml.sax.saxutils import escape as _escape, quoteattr as _quoteattr

from lxml import etree

from ..errors import XMLError
from .grammar import TEXT, ComplexType, Grammar, SimpleType, grammar

# Root namespace -> schema set, for from_xml() and for telling streams apart.
ROOT_NAMESPACES = {
    "urn:iso:15118:2:2013:MsgDef": "iso15118-2",
    "urn:din:70121:2012:MsgDef": "din70121",
    "urn:iso:15118:2:2010:AppProtocol": "app",
    "http://www.w3.org/2000/09/xmldsig#": "xmldsig",
    # ISO 15118-20: no envelope; the root is the message, its namespace names the grammar.
    "urn:iso:std:iso:15118:-20:CommonMessages": "iso15118-20-CommonMessages",
    "urn:iso:std:iso:15118:-20:AC": "iso15118-20-AC",
    "urn:iso:std:iso:15118:-20:DC": "iso15118-20-DC",
    "urn:iso:std:iso:15118:-20:WPT": "iso15118-20-WPT",
    "urn:iso:std:iso:15118:-20:ACDP": "iso15118-20-ACDP",
}

# Declared on every root, as the vendor reference shows them.
_FIXED_NAMESPACES = (
    ("xml", "http://www.w3.org/XML/1998/namespace"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    ("xsd", "http://www.w3.org/2001/XMLSchema"),
)


class Message:
    """One EXI document: the root element's local name and its content tree.

    ``content`` is nested dicts keyed by local element names (lists where the
    schema allows repetition), '@Name' for attributes and '#text' for the text of
    a simple-content type with attributes.
    """

    __slots__ = ("schema", "name", "content")

    def __init__(self, schema: str, name: str, content: Any) -> None:
        self.schema = schema
        self.name = name
        self.content = content

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.schema, self.name, self.content) == (other.schema, other.name, other.content)

    def __repr__(self) -> str:
        return f"Message({self.schema!r}, {self.name!r}, {self.content!r})"

    # -- conveniences for V2G_Message documents ---------------------------
    @property
    def body_name(self) -> str:
        """'ChargingStatusRes' for a V2G_Message, else the root name ('supportedAppProtocolReq')."""
        if self.name == "V2G_Message":
            body = self.content.get("Body") or {}
            return next(iter(body), "")
        return self.name

    @property
    def body(self) -> Any:
        """The message's own element content (inside Body for a V2G_Message)."""
        if self.name == "V2G_Message":
            return self.content.get("Body", {}).get(self.body_name)
        return self.content

    @property
    def session_id(self) -> bytes | None:
        """The header's SessionID: V2G_Message/Header in DIN and -2, the message's own Header in -20."""
        if self.name == "V2G_Message" or self.schema.startswith("iso15118-20-"):
            header = self.content.get("Header") if type(self.content) is dict else None
            return header.get("SessionID") if type(header) is dict else None
        return None

    def to_xml(self) -> str:
        """XML in the vendor format: ``<?xml version="1.0" ?>``, prefixes s0..sN, two-space indent."""
        return to_xml(self)


# Characters a peer may put in an EXI string that must not reach a console or a file raw:
# those XML forbids (C0 controls but tab, LF, CR; lone surrogates U+D800-DFFF, which no
# UTF-8 stream can even carry; U+FFFE, U+FFFF) and those a terminal obeys (DEL, C1 controls).
# They are written as character references, so the XML stays one readable text.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _reference(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):X};"


def escape(text: str) -> str:
    """XML character data, every unprintable character as a character reference."""
    return UNPRINTABLE.sub(_reference, _escape(text))


def quoteattr(text: str) -> str:
    return UNPRINTABLE.sub(_reference, _quoteattr(text))


# --------------------------------------------------------------------------- lexical forms
def lexical(st: SimpleType | None, value: Any) -> str:
    """XML text of a typed value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        if st is not None and st.kind == "b64":
            return base64.b64encode(bytes(value)).decode("ascii")
        return bytes(value).hex().upper()
    return str(value)


def parse_lexical(st: SimpleType | None, text: str, path: str) -> Any:
    kind = "string" if st is None else st.kind
    if kind == "string":
        return text
    value = text.strip()
    try:
        if kind == "enum":
            if value not in st.index:
                raise ValueError(f"not one of {', '.join(st.values)}")
            return value
        if kind == "bool":
            if value in ("true", "1"):
                return True
            if value in ("false", "0"):
                return False
            raise ValueError("not a boolean")
        if kind == "hex":
            return bytes.fromhex(value)
        if kind == "b64":
            return base64.b64decode("".join(value.split()), validate=True)
        return int(value)
    except ValueError as exc:
        raise XMLError(f"{path}: {value!r} is not a valid {st.id if st else 'value'} ({exc})") from None


# --------------------------------------------------------------------------- to XML
def to_xml(message: Message) -> str:
    g = grammar(message.schema)
    prefixes = {uri: f"s{i}" for i, uri in enumerate(g.namespaces)}
    code_uri_type = g.document_index.get(message.name)
    if code_uri_type is None:
        raise XMLError(f"{message.name!r} is not a root element of {message.schema}")
    _code, uri, t = code_uri_type
    declarations = " ".join(
        [f'xmlns:{p}="{u}"' for p, u in _FIXED_NAMESPACES] + [f'xmlns:{prefixes[u]}="{u}"' for u in g.namespaces]
    )
    out = ['<?xml version="1.0" ?>']
    _element(out, prefixes, uri, message.name, t, message.content, "", declarations)
    return "\n".join(out) + "\n"


def _tag(prefixes: dict[str, str], uri: str, local: str) -> str:
    return f"{prefixes[uri]}:{local}" if uri else local


def _element(out: list[str], prefixes: dict[str, str], uri: str, local: str, t: Any, value: Any, indent: str, decl: str = "") -> None:
    tag = _tag(prefixes, uri, local)
    head = f"{tag} {decl}" if decl else tag
    if t.is_simple:
        out.append(f"{indent}<{head}>{escape(lexical(t, value))}</{tag}>")
        return
    node = value if type(value) is dict else {TEXT: value}
    attrs = ""
    children = []
    text = None
    for key, item in node.items():
        if key[0] == "@":
            a_uri, a_type = t.attributes.get(key, ("", None))
            attrs += f" {_tag(prefixes, a_uri, key[1:])}={quoteattr(lexical(a_type, item))}"
        elif key == TEXT:
            text = lexical(t.text_type, item)
        else:
            children.append((key, item))
    if not children:
        if text is None:
            out.append(f"{indent}<{head}{attrs}/>")
        else:
            out.append(f"{indent}<{head}{attrs}>{escape(text)}</{tag}>")
        return
    out.append(f"{indent}<{head}{attrs}>" + (escape(text) if text else ""))
    for key, item in children:
        c_uri, c_type, _is_list = t.children.get(key, ("", None, False))
        if c_type is None:
            raise XMLError(f"<{local}> has no child element {key!r}")
        for one in item if type(item) is list else (item,):
            _element(out, prefixes, c_uri, key, c_type, one, indent + "  ")
    out.append(f"{indent}</{tag}>")


# --------------------------------------------------------------------------- from XML
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)


def from_xml(text: str | bytes, schema: str | None = None) -> Message:
    """Parse XML with any namespace prefixes into a Message. The schema follows from the root namespace."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    try:
        root = etree.fromstring(text, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise XMLError(f"XML is not well formed: {exc}") from None
    qname = etree.QName(root)
    schema = schema or ROOT_NAMESPACES.get(qname.namespace or "")
    if schema is None:
        raise XMLError(f"root <{qname.localname}> in namespace {qname.namespace!r} belongs to no known V2G schema")
    g = grammar(schema)
    entry = g.document_index.get(qname.localname)
    if entry is None or entry[1] != (qname.namespace or ""):
        raise XMLError(f"<{qname.localname}> is not a root element of {schema}")
    return Message(schema, qname.localname, _read(g, root, entry[2], qname.localname))


def _read(g: Grammar, el: Any, t: Any, path: str) -> Any:
    if t.is_simple:
        if len(el):
            raise XMLError(f"{path}: a simple value cannot contain elements")
        return parse_lexical(t, el.text or "", path)
    node: dict[str, Any] = {}
    for name, value in el.attrib.items():
        q = etree.QName(name)
        key = "@" + q.localname
        if key not in t.attributes:
            if q.namespace == "http://www.w3.org/2001/XMLSchema-instance":
                continue
            raise XMLError(f"{path}: unknown attribute {q.localname!r}")
        node[key] = parse_lexical(t.attributes[key][1], value, f"{path}/@{q.localname}")
    if t.text_type is not None:
        node[TEXT] = parse_lexical(t.text_type, el.text or "", path)
        return node[TEXT] if len(node) == 1 else node
    if t.mixed and el.text and el.text.strip():
        # xmldsig's mixed types: text before the first child, without the indentation after it
        node[TEXT] = el.text.rstrip() if len(el) else el.text
    for child in el:
        q = etree.QName(child)
        spec = t.children.get(q.localname)
        if spec is None or spec[0] != (q.namespace or ""):
            allowed = ", ".join(t.children) or "no child elements"
            raise XMLError(f"{path}: unexpected element <{q.localname}> ({q.namespace}); allowed: {allowed}")
        c_uri, c_type, is_list = spec
        value = _read(g, child, c_type, f"{path}/{q.localname}")
        if is_list:
            node.setdefault(q.localname, []).append(value)
        elif q.localname in node:
            raise XMLError(f"{path}: <{q.localname}> may occur only once")
        else:
            node[q.localname] = value
    return node


__all__ = ["Message", "from_xml", "to_xml", "ComplexType"]
