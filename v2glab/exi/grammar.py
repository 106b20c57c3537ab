"""Runtime form of the generated grammar tables (``v2glab/exi/grammars/*.py``).

The generated modules are plain data. This module links them into objects the
codec walks: every state knows its event-code width, a name -> production map for
encoding and a code -> production table for decoding.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from ..errors import V2GError

SCHEMAS: dict[str, str] = {
    "iso15118-2": "iso15118_2",
    "din70121": "din70121",
    "app": "app",
    "xmldsig": "xmldsig",
    "iso15118-20-CommonMessages": "iso15118_20_common_messages",
    "iso15118-20-AC": "iso15118_20_ac",
    "iso15118-20-DC": "iso15118_20_dc",
    "iso15118-20-WPT": "iso15118_20_wpt",
    "iso15118-20-ACDP": "iso15118_20_acdp",
}

# Keys of the message tree that are not child elements.
TEXT = "#text"  # character content of a simple-content type that also has attributes


class SimpleType:
    """A schema simple type: how its values are coded, and its facets for validation."""

    __slots__ = ("id", "kind", "lo", "hi", "width", "values", "index", "fixed")
    is_simple = True

    def __init__(self, tid: str, desc: tuple) -> None:
        self.id = tid
        self.kind = desc[0]
        self.lo = self.hi = None
        self.width = 0
        self.values: tuple[str, ...] = ()
        self.index: dict[str, int] = {}
        if self.kind == "enum":
            self.values = desc[1]
            self.index = {v: i for i, v in enumerate(self.values)}
            self.width = (len(self.values) - 1).bit_length()
        elif self.kind == "nbit":
            self.lo, self.hi, self.width = desc[1], desc[2], desc[3]
        elif self.kind in ("uint", "int", "string", "hex", "b64"):
            self.lo, self.hi = desc[1], desc[2]
        elif self.kind == "bool":
            self.width = 1
        # Fixed-width values (enumeration, bounded integer, boolean) let the codec move
        # SE + CH + value + EE of a simple element in one write or read.
        self.fixed = self.kind in ("enum", "nbit", "bool")

    def __repr__(self) -> str:
        return f"<SimpleType {self.id} {self.kind}>"


class State:
    """One normalised grammar state (non-terminal) of a complex type."""

    __slots__ = ("width", "by_name", "ee", "ch", "table", "expected", "repeat", "exit")

    def __init__(self) -> None:
        self.width = 0
        # A counted loop state stands for the optional copies of a bounded repetition:
        # ``repeat`` copies at most (0: an ordinary state); after the last one the walk
        # goes to ``exit``, the same productions without the repeated element.
        self.repeat = 0
        self.exit: State | None = None
        # element or '@attribute' local name -> (event code, type, next State, is_list)
        self.by_name: dict[str, tuple] = {}
        self.ee = -1  # event code of EE, -1 when the element may not end here
        self.ch: tuple | None = None  # (event code, SimpleType or None for untyped, next State)
        # event code -> (kind, name, type, next State, is_list)
        self.table: list[tuple] = []
        self.expected: tuple[str, ...] = ()


class ComplexType:
    __slots__ = ("id", "mixed", "states", "children", "attributes", "rank", "text_type")
    is_simple = False

    def __init__(self, tid: str, mixed: bool) -> None:
        self.id = tid
        self.mixed = mixed
        self.states: list[State] = []
        self.children: dict[str, tuple[str, Any, bool]] = {}  # local name -> (uri, type, is_list)
        self.attributes: dict[str, tuple[str, SimpleType]] = {}  # '@local' -> (uri, type)
        self.rank: dict[str, int] = {}  # key -> position in schema order, to sort a hand-made tree
        self.text_type: SimpleType | None = None  # simple content, or None

    @property
    def simple_content(self) -> bool:
        return self.text_type is not None

    def __repr__(self) -> str:
        return f"<ComplexType {self.id}>"


class Grammar:
    """All grammars of one schema set: document, fragment and every type."""

    def __init__(self, name: str, module: Any) -> None:
        self.name = name
        self.namespaces: tuple[str, ...] = module.NAMESPACES
        # Abstract substitution heads (BodyElement, EVSEStatus, ...): codable, never schema-valid.
        self.abstract: frozenset[str] = frozenset(module.ABSTRACT)
        self.types: dict[str, Any] = {}
        for tid, desc in module.SIMPLE.items():
            self.types[tid] = SimpleType(tid, desc)
        for tid, (mixed, _states) in module.COMPLEX.items():
            self.types[tid] = ComplexType(tid, mixed)
        for tid, (_mixed, states) in module.COMPLEX.items():
            self._link(self.types[tid], states)
        for tid, loops in module.REPEAT.items():
            states = self.types[tid].states
            for index, bound, exit_index in loops:
                states[index].repeat = bound
                states[index].exit = states[exit_index]
        # Document: SE(G0..Gn-1), SE(*) -> ceil(log2(n + 1)) bits (EXI 8.4.1, no second level).
        self.document = [(self._uri(ns), local, self.types[tid]) for ns, local, tid in module.DOCUMENT]
        self.document_width = len(self.document).bit_length()
        self.document_index = {local: (code, uri, t) for code, (uri, local, t) in enumerate(self.document)}
        # Fragment: SE(F0..Fn-1), SE(*), ED -> ceil(log2(n + 2)) bits (EXI 8.4.2).
        self.fragment = [(self._uri(ns), local, self.types[tid] if tid else None) for ns, local, tid in module.FRAGMENT]
        self.fragment_width = (len(self.fragment) + 1).bit_length()
        self.fragment_index = {}
        for code, (uri, local, t) in enumerate(self.fragment):
            self.fragment_index.setdefault(local, []).append((code, uri, t))

    def _uri(self, ns: int) -> str:
        return "" if ns < 0 else self.namespaces[ns]

    def _link(self, t: ComplexType, states: tuple) -> None:
        t.states = [State() for _ in states]
        rank = 0
        for state, row in zip(t.states, states):
            # Strict = false: every state has second-level events, so k productions need
            # ceil(log2(k + 1)) bits (EXI 8.5.4.4.1, [V2G2-099]).
            state.width = len(row).bit_length()
            expected = []
            for code, prod in enumerate(row):
                kind = prod[0]
                if kind == "SE":
                    _, ns, local, tid, is_list, nxt = prod
                    child = self.types[tid]
                    state.by_name[local] = (code, child, t.states[nxt], is_list)
                    state.table.append(("SE", local, child, t.states[nxt], is_list))
                    t.children.setdefault(local, (self._uri(ns), child, is_list))
                    expected.append(local)
                elif kind == "AT":
                    _, ns, local, tid, nxt = prod
                    key = "@" + local
                    state.by_name[key] = (code, self.types[tid], t.states[nxt], False)
                    state.table.append(("AT", key, self.types[tid], t.states[nxt], False))
                    t.attributes.setdefault(key, (self._uri(ns), self.types[tid]))
                    expected.append(key)
                elif kind == "EE":
                    state.ee = code
                    state.table.append(("EE", None, None, None, False))
                    expected.append("(end)")
                elif kind == "CH":
                    _, tid, nxt = prod
                    text_type = self.types[tid] if tid else None
                    state.ch = (code, text_type, t.states[nxt])
                    state.table.append(("CH", TEXT, text_type, t.states[nxt], False))
                    if text_type is not None:
                        t.text_type = text_type
                    expected.append("(text)")
                else:  # SE(*) / SE(uri:*): wildcards of xmldsig, never sent in V2G (wire-format notes §3)
                    state.table.append(("SE*", prod[1], None, t.states[prod[2]], False))
                    expected.append("(any element)")
                if kind in ("SE", "AT"):
                    key = expected[-1]
                    if key not in t.rank:
                        # attributes first, then text, then elements: the order events must take
                        t.rank[key] = rank - (1 << 20 if kind == "AT" else 0)
                        rank += 1
            state.expected = tuple(expected)
        t.rank[TEXT] = -1


@lru_cache(maxsize=None)
def grammar(schema: str) -> Grammar:
    """The compiled grammar of a schema set: one of ``SCHEMAS``."""
    try:
        module_name = SCHEMAS[schema]
    except KeyError:
        raise V2GError(f"unknown schema {schema!r}; known: {', '.join(SCHEMAS)}") from None
    module = importlib.import_module(f"{__package__}.grammars.{module_name}")
    return Grammar(schema, module)


def advance(state: State, nxt: State, count: int) -> tuple[State, int]:
    """The state after a production of ``state`` leading to ``nxt``, and the loop count.

    Only needed when ``nxt.repeat``: a production into a counted loop from outside
    is its first copy, one from the loop itself another; the last allowed copy
    leaves the loop for its exit state.
    """
    count = count + 1 if nxt is state else 1
    if count >= nxt.repeat:
        return nxt.exit, 0
    return nxt, count
