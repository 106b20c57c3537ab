"""Message-level helpers shared by the engines: message types by schema set, minimal FAILED responses."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..exi.grammar import TEXT, ComplexType, SimpleType, grammar

def response_name(request_name: str) -> str:
    """'ChargingStatusReq' -> 'ChargingStatusRes' (and the handshake's lower-case names)."""
    return request_name[:-3] + "Res"


APP_SCHEMA = "app"  # as v2glab.protocols.APP_SCHEMA, which imports this module's plug-ins


def _envelope(schema: str) -> Any:
    from . import by_schema  # the registry imports the plug-ins, which import this module

    protocol = by_schema(schema)
    if protocol is None:
        raise KeyError(f"no protocol uses the schema set {schema!r}")
    return protocol.envelope


def body_type(name: str, schema: str) -> ComplexType:
    """The complex type of a message (body) element, e.g. 'CurrentDemandRes', or a handshake message."""
    g = grammar(schema)
    if schema == APP_SCHEMA:
        return g.document_index[name][2]
    return _envelope(schema).body_type(name)


def message_names(schema: str) -> list[str]:
    """Every message of a schema set: the protocol's messages, or the handshake's roots."""
    if schema == APP_SCHEMA:
        return [local for _uri, local, _t in grammar(schema).document]
    envelope = _envelope(schema)  # a protocol may spread its messages over several schema sets (-20)
    return [n for n in envelope.message_names() if envelope.schema_of(n) == schema]


def _minimal_value(st: SimpleType) -> Any:
    kind = st.kind
    if kind == "enum":
        return st.values[0]
    if kind == "bool":
        return False
    if kind in ("nbit", "uint", "int"):
        lo = st.lo if st.lo is not None else 0
        return max(lo, 0) if st.hi is None or st.hi >= 0 else st.hi
    if kind == "string":
        return "ID1" if st.id == "ID" else "0" * st.lo  # an xs:ID must be an NCName
    return bytes(st.lo)


@lru_cache(maxsize=None)
def _plan(t: ComplexType, abstract: frozenset[str]) -> dict[int, tuple[int, tuple | None]]:
    """Cheapest way from each state to EE: state id -> (cost, production). Bellman-Ford over the states."""
    best: dict[int, tuple[int, tuple | None]] = {id(s): (0, None) for s in t.states if s.ee >= 0}
    changed = True
    while changed:
        changed = False
        for s in t.states:
            for prod in s.table:
                kind, key, child, nxt, _is_list = prod
                if kind not in ("SE", "CH", "AT") or id(nxt) not in best or key in abstract:
                    continue
                if kind == "SE" and not child.is_simple:
                    child_plan = _plan(child, abstract)
                    if id(child.states[0]) not in child_plan:
                        continue
                    inner = child_plan[id(child.states[0])][0]
                else:
                    inner = 0
                cost = 1 + inner + best[id(nxt)][0]
                if id(s) not in best or cost < best[id(s)][0]:
                    best[id(s)] = (cost, prod)
                    changed = True
    return best


def minimal(t: Any, schema: str) -> Any:
    """The smallest schema-valid content of a type: mandatory elements only, minimal values.

    Used for FAILED responses, which carry only what the schema demands [V2G2-736].
    """
    if t.is_simple:
        return _minimal_value(t)
    plan = _plan(t, grammar(schema).abstract)
    node: dict[str, Any] = {}
    state = t.states[0]
    while True:
        _cost, prod = plan[id(state)]
        if prod is None:
            break
        kind, key, child, nxt, is_list = prod
        if kind == "CH":
            node[TEXT] = _minimal_value(child) if child is not None else ""
        else:
            value = minimal(child, schema) if kind == "SE" else _minimal_value(child)
            if is_list:
                node.setdefault(key, []).append(value)
            else:
                node[key] = value
        state = nxt
    if t.text_type is not None and list(node) == [TEXT]:
        return node[TEXT]
    return node


def failed_response(request_name: str, response_code: str, schema: str) -> tuple[str, dict]:
    """The response to ``request_name`` with only mandatory fields and the given ResponseCode."""
    name = response_name(request_name)
    body = minimal(body_type(name, schema), schema)
    body["ResponseCode"] = response_code
    return name, body
