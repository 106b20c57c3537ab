"""One EXI codec for every message: it walks the generated grammar tables.

EXI options fixed by ISO 15118-2 [V2G2-099] and DIN SPEC 70121 (see
``../shared/docs/exi-wire-format.md``): header 0x80 only, bit-packed, strict =
false, no string table (every string is a miss: length + 2), no preserved
prefixes or lexical values. Second-level events are never produced, and the
decoder rejects them with the bit offset where they stand.

A message tree is nested dicts keyed by the standard's local element names:
child elements by name (a list where the schema allows more than one), attributes
as '@Name', and the text of a simple-content type that has attributes as '#text'.
Leaves are int, bool, str (strings and enumeration values), or bytes (hexBinary
and base64Binary).
"""

from __future__ import annotations

from functools import lru_cache
import re
from typing import Any

from ..errors import EXIDecodeError, EXIEncodeError, ValidationError
from .bits import MAX_UINT_OCTETS, BitReader, BitWriter, reader
from .grammar import TEXT, ComplexType, Grammar, SimpleType, advance, grammar

EXI_HEADER = 0x80  # distinguishing bits 10, no options, version 1 [V2G2-099]

# Characters outside XML 1.0's Char production: no xs:string value holds them (C0 controls
# but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF). EXI can carry them; validation refuses them.
NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --------------------------------------------------------------------------- encode
def _check_length(st: SimpleType, n: int, unit: str) -> None:
    if n < st.lo:
        raise ValidationError("", "minLength", f"{n} {unit} is shorter than the minimum {st.lo}")
    if st.hi is not None and n > st.hi:
        raise ValidationError("", "maxLength", f"{n} {unit} is longer than the maximum {st.hi}")


def _fixed_code(st: SimpleType, value: Any, validate: bool) -> int:
    """The n-bit code of an enumeration, bounded integer or boolean value."""
    kind = st.kind
    if kind == "enum":
        code = st.index.get(value) if type(value) is str else None
        if code is None:
            raise ValidationError("", "enumeration", f"{value!r} is not one of {', '.join(st.values)}")
        return code
    if kind == "bool":
        if type(value) is not bool:
            raise EXIEncodeError(f"expected a boolean, got {type(value).__name__} {value!r}")
        return 1 if value else 0
    if type(value) is not int:
        raise EXIEncodeError(f"expected an integer, got {type(value).__name__} {value!r}")
    if validate:
        _check_range(st, value)
    offset = value - st.lo
    if offset < 0 or offset >> st.width:
        raise EXIEncodeError(f"{value} cannot be coded in {st.width} bits from {st.lo}")
    return offset


def _check_range(st: SimpleType, value: int) -> None:
    if st.lo is not None and value < st.lo:
        raise ValidationError("", "minInclusive", f"{value} is below the minimum {st.lo}")
    if st.hi is not None and value > st.hi:
        raise ValidationError("", "maxInclusive", f"{value} is above the maximum {st.hi}")


def _encode_value(w: BitWriter, st: SimpleType, value: Any, validate: bool) -> None:
    kind = st.kind
    if st.fixed:
        w.bits(_fixed_code(st, value, validate), st.width)
    elif kind == "string":
        if type(value) is not str:
            raise EXIEncodeError(f"expected a string, got {type(value).__name__} {value!r}")
        if validate:
            _check_length(st, len(value), "characters")
            bad = NOT_XML_CHAR.search(value)
            if bad:
                raise ValidationError("", "Char", f"character U+{ord(bad.group()):04X} at {bad.start()} is not allowed in an XML string")
        w.uint(len(value) + 2)  # +2: a string-table miss [V2G2-099: no string table]
        if value.isascii():
            w.octets(value.encode("ascii"))  # an ASCII code point is a one-octet unsigned integer
        else:
            for ch in value:
                w.uint(ord(ch))
    elif kind == "hex" or kind == "b64":
        if not isinstance(value, (bytes, bytearray)):
            raise EXIEncodeError(f"expected bytes, got {type(value).__name__} {value!r}")
        if validate:
            _check_length(st, len(value), "octets")
        w.uint(len(value))
        w.octets(bytes(value))
    else:
        if type(value) is not int:
            raise EXIEncodeError(f"expected an integer, got {type(value).__name__} {value!r}")
        if validate:
            _check_range(st, value)
        if kind == "uint":
            if value < 0:
                raise EXIEncodeError(f"{value} cannot be coded as an unsigned integer")
            w.uint(value)
        elif value < 0:  # signed Integer: sign bit, then magnitude; negatives as -v-1 (EXI 7.1.5)
            w.bits(1, 1)
            w.uint(-value - 1)
        else:
            w.bits(0, 1)
            w.uint(value)


class _Mismatch(Exception):
    """A child that the current state cannot take: the tree may be out of order."""

    def __init__(self, key: str, state: Any) -> None:
        self.key = key
        self.state = state


def _encode_items(w: BitWriter, t: ComplexType, items: Any, validate: bool) -> None:
    state = t.states[0]
    # ``carry`` counts zero bits still owed: the 1-bit EE (code 0) that closes a simple
    # element is merged into the width of the next write instead of a write of its own.
    carry = 0
    count = 0  # copies taken in the current counted loop (grammar.advance)
    for key, value in items:
        for item in value if type(value) is list else (value,):
            try:
                if key == TEXT:
                    ch = state.ch
                    if ch is None:
                        raise _Mismatch(key, state)
                    w.bits(ch[0], state.width + carry)
                    carry = 0
                    _encode_value(w, ch[1] or _UNTYPED, item, validate)
                    state = ch[2]
                    continue
                prod = state.by_name.get(key)
                if prod is None:
                    raise _Mismatch(key, state)
                code, child, nxt, _is_list = prod
                if not child.is_simple:
                    w.bits(code, state.width + carry)
                    carry = 0
                    _encode_complex(w, child, item, validate)
                elif key[0] == "@":
                    w.bits(code, state.width + carry)
                    carry = 0
                    _encode_value(w, child, item, validate)
                elif child.fixed:
                    # SE code, CH (code 0 of 1 bit), the value, EE (code 0 of 1 bit) in one write
                    width = child.width
                    w.bits(((code << (width + 1)) | _fixed_code(child, item, validate)) << 1, state.width + carry + width + 2)
                    carry = 0
                else:
                    w.bits(code << 1, state.width + carry + 1)
                    _encode_value(w, child, item, validate)
                    carry = 1
                if nxt.repeat:
                    state, count = advance(state, nxt, count)
                else:
                    state = nxt
            except (EXIEncodeError, ValidationError) as exc:
                exc.prefix(key)
                raise
    if state.ee < 0:
        missing = [e for e in state.expected if e[0] != "@"]
        raise EXIEncodeError(f"required element missing; expected one of: {', '.join(missing)}")
    w.bits(state.ee, state.width + carry)


def _encode_complex(w: BitWriter, t: ComplexType, node: Any, validate: bool) -> None:
    if type(node) is not dict:
        if t.text_type is None:
            raise EXIEncodeError(f"expected a dict of child elements, got {type(node).__name__} {node!r}")
        node = {TEXT: node}  # simple content without attributes may be given bare
    mark_acc, mark_n = w.acc, w.nbits
    try:
        _encode_items(w, t, node.items(), validate)
        return
    except _Mismatch:
        pass
    # Out of schema order (a hand-built tree)? Sort by schema order and try once more.
    w.acc, w.nbits = mark_acc, mark_n
    unknown = [k for k in node if k not in t.rank]
    if unknown:
        allowed = ", ".join(k for k in t.rank if k != TEXT or t.text_type is not None or t.mixed)
        raise EXIEncodeError(f"{unknown[0]!r} is not allowed here; allowed: {allowed}")
    try:
        _encode_items(w, t, sorted(node.items(), key=lambda kv: t.rank[kv[0]]), validate)
    except _Mismatch as exc:
        expected = ", ".join(exc.state.expected)
        raise EXIEncodeError(f"{exc.key!r} cannot come here (too many, or excluded by a choice); expected one of: {expected}") from None


_UNTYPED = SimpleType("#untyped", ("string", 0, None))


def encode_tree(g: Grammar, root: str, content: Any, validate: bool = True) -> bytes:
    """Encode an EXI document whose root element is the global element ``root``."""
    try:
        code, _uri, t = g.document_index[root]
    except KeyError:
        raise EXIEncodeError(f"{root!r} is not a global element of {g.name}") from None
    w = BitWriter()
    w.bits((EXI_HEADER << g.document_width) | code, 8 + g.document_width)
    _encode_element(w, t, content, root, validate)
    return w.to_bytes()  # ED takes no bits in DocEnd; then pad to the byte


def _encode_element(w: BitWriter, t: Any, content: Any, name: str, validate: bool) -> None:
    try:
        if t.is_simple:
            w.bits(0, 1)
            _encode_value(w, t, content, validate)
            w.bits(0, 1)
        else:
            _encode_complex(w, t, content, validate)
    except (EXIEncodeError, ValidationError) as exc:
        exc.prefix(name)
        raise


def encode_fragment_tree(g: Grammar, element: str, content: Any, validate: bool = True) -> bytes:
    """Encode one element as an EXI fragment (used for signature digests, ISO 15118-2 J.4)."""
    candidates = g.fragment_index.get(element)
    if not candidates:
        raise EXIEncodeError(f"{element!r} is not an element of {g.name}")
    if len(candidates) > 1:
        raise EXIEncodeError(f"{element!r} exists in several namespaces of {g.name}")
    code, uri, t = candidates[0]
    w = BitWriter()
    w.bits(EXI_HEADER, 8)
    w.bits(code, g.fragment_width)
    if t is None:
        _element_fragment(g, uri, element).encode(w, content, validate)
    else:
        _encode_element(w, t, content, element, validate)
    w.bits(len(g.fragment) + 1, g.fragment_width)  # ED follows SE(F0..Fn-1) and SE(*)
    return w.to_bytes()


class _ElementFragment:
    """EXI 1.0 section 8.5.3, the schema-informed element fragment grammar.

    A fragment has no parent to pick one of several declarations of the same qname
    by, so such an element (ISO 15118-2: ``eMAID``, declared as eMAIDType and as
    EMAIDType with @Id) is coded with this relaxed grammar; digests over it must use
    it too (cbexigen issue 60: the older OpenV2G output differed). Its states:

    ElementFragment0: AT(A0..An-1) typed, AT(*), SE(F0..Fm-1), SE(*), EE, CH untyped
    ElementFragment1: SE(F0..Fm-1), SE(*), EE, CH untyped

    with A every attribute qname of the schema set and F every element qname of the
    fragment grammar, both sorted by local name then URI. V2G never puts child
    elements into such an element, so SE and the wildcards are refused.
    """

    def __init__(self, g: Grammar, uri: str, name: str) -> None:
        declared: dict[tuple[str, str], Any] = {}
        own: dict[str, str] = {}  # '@local' -> uri, from the types this element is declared with
        for t in g.types.values():
            if t.is_simple:
                continue
            for key, (auri, at) in t.attributes.items():
                q = (key[1:], auri)
                declared[q] = at if declared.get(q, at) is at else _UNTYPED  # same qname, other type: untyped
            child = t.children.get(name)
            if child is not None and child[0] == uri and not child[1].is_simple:
                own.update({key: auri for key, (auri, _) in child[1].attributes.items()})
        attributes = sorted(declared)
        n, m = len(attributes), len(g.fragment)
        self.name = name
        self.at_code = {key: attributes.index((key[1:], auri)) for key, auri in own.items()}
        self.at_by_code = {code: (key, declared[attributes[code]]) for key, code in self.at_code.items()}
        # k productions plus the second-level escape: ceil(log2(k + 1)) bits, as everywhere
        self.width0, self.ee0, self.ch0 = (n + m + 4).bit_length(), n + m + 2, n + m + 3
        self.width1, self.ee1 = (m + 3).bit_length(), m + 1

    def encode(self, w: BitWriter, content: Any, validate: bool) -> None:
        node = content if type(content) is dict else {TEXT: content}
        for key in sorted((k for k in node if k != TEXT), key=lambda k: self.at_code.get(k, -1)):
            code = self.at_code.get(key)
            if code is None:
                raise EXIEncodeError(f"{key!r} is not allowed in <{self.name}>; allowed: {', '.join(self.at_code) or 'none'}")
            w.bits(code, self.width0)
            try:
                _encode_value(w, self.at_by_code[code][1], node[key], validate)
            except (EXIEncodeError, ValidationError) as exc:
                exc.prefix(self.name)
                raise
        if TEXT not in node:
            w.bits(self.ee0, self.width0)
            return
        w.bits(self.ch0, self.width0)
        _encode_value(w, _UNTYPED, node[TEXT], validate)
        w.bits(self.ee1, self.width1)

    def decode(self, r: BitReader) -> Any:
        node: dict[str, Any] = {}
        while True:
            at = r.pos
            code = r.bits(self.width0)
            if code in self.at_by_code:
                key, st = self.at_by_code[code]
                node[key] = _decode_value(r, st)
            elif code == self.ee0:
                return node
            elif code == self.ch0:
                node[TEXT] = _decode_value(r, _UNTYPED)
                at = r.pos
                if r.bits(self.width1) != self.ee1:
                    raise EXIDecodeError(f"<{self.name}> fragment: only its text may follow; child elements are not supported", at)
                return node[TEXT] if len(node) == 1 else node
            else:
                raise EXIDecodeError(f"<{self.name}> fragment: event {code} is not one of its attributes, text or end", at)


@lru_cache(maxsize=None)
def _element_fragment(g: Grammar, uri: str, name: str) -> _ElementFragment:
    return _ElementFragment(g, uri, name)


# --------------------------------------------------------------------------- decode
def _decode_value(r: BitReader, st: SimpleType) -> Any:
    kind = st.kind
    if st.fixed:
        at = r.pos
        return _fixed_value(st, r.bits(st.width), at)
    if kind == "uint":
        return r.uint()
    if kind == "int":
        negative = r.bits(1)
        magnitude = r.uint()
        return -magnitude - 1 if negative else magnitude
    if kind == "string":
        at = r.pos
        length = r.uint()
        if length < 2:
            # 0 and 1 are string-table hits; the table is off in V2G [V2G2-099]
            raise EXIDecodeError(f"string-table reference ({length}) where the table is disabled", at)
        count = length - 2
        # Bounded before a character is read: by the type's maxLength, else by the stream
        # (every character takes at least one octet).
        if st.hi is not None and count > st.hi:
            raise EXIDecodeError(f"declared string of {count} characters exceeds the maxLength {st.hi} of {st.id}", at)
        if count * 8 > r.remaining:
            raise EXIDecodeError(f"declared string of {count} characters exceeds the stream", at)
        return _decode_chars(r, count, at)
    # hexBinary / base64Binary
    at = r.pos
    length = r.uint()
    if st.hi is not None and length > st.hi:
        raise EXIDecodeError(f"declared binary length {length} exceeds the maxLength {st.hi} of {st.id}", at)
    if length * 8 > r.remaining:
        raise EXIDecodeError(f"declared binary length {length} exceeds the stream", at)
    return r.octets(length)


def _decode_chars(r: BitReader, count: int, at: int) -> str:
    """``count`` characters, each an EXI unsigned integer (its code point), in one pass over the octets."""
    # A code point takes at most MAX_UINT_OCTETS octets; fetch what the string can span, at most.
    window = r.peek_octets(min(r.remaining // 8, count * MAX_UINT_OCTETS))
    if window[:count].isascii():
        r.pos += 8 * count
        return window[:count].decode("ascii")  # one octet per character
    chars = []
    i = 0
    n = len(window)
    for _ in range(count):
        cp = 0
        shift = 0
        while True:
            if i == n:
                raise EXIDecodeError("stream ends inside a string character", r.pos + 8 * i)
            if shift > 7 * (MAX_UINT_OCTETS - 1):
                raise EXIDecodeError(f"unsigned integer longer than {MAX_UINT_OCTETS} octets", r.pos + 8 * i)
            octet = window[i]
            i += 1
            cp |= (octet & 0x7F) << shift
            if octet < 0x80:
                break
            shift += 7
        if cp > 0x10FFFF:
            raise EXIDecodeError(f"code point {cp:#x} out of Unicode range", r.pos + 8 * i)
        chars.append(cp)
    r.pos += 8 * i
    return "".join(map(chr, chars))


def _fixed_value(st: SimpleType, code: int, at: int) -> Any:
    kind = st.kind
    if kind == "enum":
        if code >= len(st.values):
            raise EXIDecodeError(f"enumeration index {code} out of range for {st.id} ({len(st.values)} values)", at)
        return st.values[code]
    if kind == "nbit":
        return code + st.lo
    return code == 1


def _decode_complex(r: BitReader, t: ComplexType) -> Any:
    node: dict[str, Any] = {}
    state = t.states[0]
    carry = 0  # the EE bit of a simple element, read together with the next event code
    count = 0  # copies taken in the current counted loop (grammar.advance)
    while True:
        at = r.pos
        width = state.width
        code = r.bits(width + carry)
        if carry and code >> width:
            raise EXIDecodeError("expected the end of a simple element, found a second-level event", at)
        carry = 0
        if code >= len(state.table):
            raise EXIDecodeError(f"second-level event (schema deviation) in {t.id}; not used in V2G", at)
        kind, key, child, nxt, is_list = state.table[code]
        if kind == "SE":
            if not child.is_simple:
                value = _decode_complex(r, child)
            elif child.fixed:
                # CH (1 bit), the value, EE (1 bit) in one read
                at = r.pos
                vw = child.width
                bits = r.bits(vw + 2)
                if bits >> (vw + 1) or bits & 1:
                    raise EXIDecodeError(f"expected the value and end of <{key}>, found a second-level event", at)
                value = _fixed_value(child, (bits >> 1) & ((1 << vw) - 1), at + 1)
            else:
                at = r.pos
                if r.bits(1):
                    raise EXIDecodeError(f"expected characters of <{key}>, found a second-level event", at)
                value = _decode_value(r, child)
                carry = 1
            if is_list:
                if key in node:
                    node[key].append(value)
                else:
                    node[key] = [value]
            else:
                node[key] = value
        elif kind == "EE":
            break
        elif kind == "AT":
            node[key] = _decode_value(r, child)
        elif kind == "CH":
            node[TEXT] = _decode_value(r, child if child is not None else _UNTYPED)
        else:
            raise EXIDecodeError(f"wildcard element in {t.id}: not supported (never sent in V2G)", at)
        if nxt.repeat:
            state, count = advance(state, nxt, count)
        else:
            state = nxt
    if t.text_type is not None and len(node) == 1 and TEXT in node:
        return node[TEXT]  # canonical form: bare value when there are no attributes
    return node


def _decode_element(r: BitReader, t: Any) -> Any:
    if t.is_simple:
        at = r.pos
        if r.bits(1):
            raise EXIDecodeError("expected characters, found a second-level event", at)
        value = _decode_value(r, t)
        at = r.pos
        if r.bits(1):
            raise EXIDecodeError("expected an end element, found a second-level event", at)
        return value
    return _decode_complex(r, t)


def _check_header(r: BitReader) -> None:
    if r.total < 8:
        raise EXIDecodeError("stream shorter than the one-byte EXI header", 0)
    header = r.bits(8)
    if header != EXI_HEADER:
        raise EXIDecodeError(f"EXI header is {header:#04x}; V2G streams start with 0x80 [V2G2-099]", 0)


def _check_end(r: BitReader) -> None:
    if r.remaining >= 8:
        raise EXIDecodeError(f"{r.remaining // 8} byte(s) after the end of the document", r.pos)
    if r.remaining and r.bits(r.remaining):
        raise EXIDecodeError("non-zero padding after the end of the document", r.pos)


def decode_tree(g: Grammar, data: bytes) -> tuple[str, Any]:
    """Decode an EXI document: returns (root element local name, content)."""
    r = reader(data)
    _check_header(r)
    at = r.pos
    code = r.bits(g.document_width)
    if code >= len(g.document):
        raise EXIDecodeError(f"document root code {code} is SE(*) or beyond; not a {g.name} element", at)
    _uri, root, t = g.document[code]
    try:
        content = _decode_element(r, t)
    except RecursionError:
        raise EXIDecodeError("nesting too deep", r.pos) from None
    _check_end(r)
    return root, content


def decode_fragment_tree(g: Grammar, data: bytes) -> tuple[str, Any]:
    r = reader(data)
    _check_header(r)
    at = r.pos
    code = r.bits(g.fragment_width)
    if code >= len(g.fragment):
        raise EXIDecodeError(f"fragment element code {code} is SE(*), ED or beyond", at)
    uri, name, t = g.fragment[code]
    content = _element_fragment(g, uri, name).decode(r) if t is None else _decode_element(r, t)
    at = r.pos
    if r.bits(g.fragment_width) != len(g.fragment) + 1:
        raise EXIDecodeError("expected the end of the fragment", at)
    _check_end(r)
    return name, content


__all__ = ["encode_tree", "decode_tree", "encode_fragment_tree", "decode_fragment_tree", "grammar"]
