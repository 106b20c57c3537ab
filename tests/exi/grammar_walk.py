"""Random valid message trees, drawn by walking the generated grammar itself.

Every production the walk takes is one the grammar allows, so the trees cover
every message type and every optional or repeated element, not only the shapes
of the shared vectors.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from v2glab.exi.grammar import TEXT, ComplexType, Grammar, SimpleType, State, advance

BIG = 2**63
# EXI carries any code point, but the trees also go through XML, which cannot hold
# control characters, surrogates, U+FFFE/U+FFFF, and turns a CR into LF.
XML_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=("Cs",))
# Text in xmldsig's mixed content: XML cannot tell surrounding whitespace from indentation.
MIXED_TEXT = st.text(XML_CHARS, min_size=1, max_size=8).map(str.strip).filter(bool)


def values(t: SimpleType) -> st.SearchStrategy:
    kind = t.kind
    if kind == "enum":
        return st.sampled_from(t.values)
    if kind == "bool":
        return st.booleans()
    if kind in ("nbit", "uint", "int"):
        lo = -BIG if t.lo is None else t.lo
        hi = BIG - 1 if t.hi is None else t.hi
        return st.integers(lo, hi)
    lo = t.lo or 0
    hi = lo + 24 if t.hi is None else min(t.hi, lo + 24)
    if kind == "string":
        return st.text(XML_CHARS, min_size=lo, max_size=hi)
    return st.binary(min_size=lo, max_size=hi)


@lru_cache(maxsize=None)
def _finishable(g: Grammar) -> tuple[frozenset[int], dict[int, bool]]:
    """Types that can be completed without a wildcard, and states from which EE is reachable."""
    complex_types = [t for t in g.types.values() if isinstance(t, ComplexType)]
    done_types: set[int] = set()
    done_states: dict[int, bool] = {}
    changed = True
    while changed:
        changed = False
        for t in complex_types:
            for s in t.states:
                if done_states.get(id(s)):
                    continue
                if s.ee >= 0 or any(_usable(p, done_types, done_states, g.abstract) for p in s.table):
                    done_states[id(s)] = True
                    changed = True
            if id(t) not in done_types and done_states.get(id(t.states[0])):
                done_types.add(id(t))
                changed = True
    return frozenset(done_types), done_states


def _usable(prod: tuple, done_types: set[int], done_states: dict[int, bool], abstract: frozenset[str]) -> bool:
    kind, key, child, nxt, _is_list = prod
    if kind in ("SE*", "EE") or key in abstract:  # abstract heads are codable but never schema-valid
        return False
    if kind == "SE" and not child.is_simple and id(child) not in done_types:
        return False
    return bool(done_states.get(id(nxt)))


def tree(g: Grammar, t: Any, data: st.DataObject, depth: int = 0) -> Any:
    if t.is_simple:
        return data.draw(values(t))
    done_types, done_states = _finishable(g)
    node: dict[str, Any] = {}
    state: State = t.states[0]
    steps = 0
    count = 0  # copies taken in a counted loop: the walk stops offering the element at its bound
    while True:
        choices = [p for p in state.table if _usable(p, done_types, done_states, g.abstract)]
        if state.ee >= 0:
            # Stop sooner the longer the walk gets, so 1024-entry lists stay short.
            if not choices or steps > 40 or depth > 6 or data.draw(st.integers(0, 3)) == 0:
                break
        kind, key, child, nxt, is_list = data.draw(st.sampled_from(choices))
        if kind == "CH":
            value = data.draw(values(child)) if child is not None else data.draw(MIXED_TEXT)
        else:
            value = tree(g, child, data, depth + 1)
        if is_list:
            node.setdefault(key, []).append(value)
        else:
            node[key] = value
        state, count = advance(state, nxt, count) if nxt.repeat else (nxt, count)
        steps += 1
    if t.text_type is not None and list(node) == [TEXT]:
        return node[TEXT]
    return node
