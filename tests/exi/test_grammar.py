"""Counted loops behave exactly as the unrolled grammar EXI 8.5.4 describes.

A bounded repetition (maxOccurs 1024, 2048, ...) is generated as one counted loop
state instead of one state per copy. The reference is the same generator with the
loops unrolled: both grammars are walked in lockstep over every reachable
(state, count) pair, so every position of every list, the last one included, has
the same productions, event codes and code width.
"""

from __future__ import annotations

import types
from functools import lru_cache
from pathlib import Path

import pytest

from v2glab import exi
from v2glab.errors import EXIEncodeError
from v2glab.exi import grammar_gen
from v2glab.exi.grammar import ComplexType, Grammar, State, advance, grammar

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas"


@lru_cache(maxsize=None)
def unrolled(schema: str) -> Grammar:
    builder = grammar_gen.build(schema, SCHEMAS_DIR, counted_loops=False)
    return Grammar(schema, types.SimpleNamespace(**grammar_gen.tables(builder)))


def _production(prod: tuple) -> tuple:
    kind, key, child, _nxt, is_list = prod
    return kind, key, child.id if child is not None else None, is_list


def _lockstep(compact: ComplexType, reference: ComplexType) -> int:
    """Walk both type grammars together; returns the number of configurations compared."""
    seen: set[tuple[int, int, int]] = set()
    todo: list[tuple[State, int, State]] = [(compact.states[0], 0, reference.states[0])]
    while todo:
        state, count, ref = todo.pop()
        key = (id(state), count, id(ref))
        if key in seen:
            continue
        seen.add(key)
        assert state.width == ref.width, compact.id
        assert state.ee == ref.ee, compact.id
        assert [_production(p) for p in state.table] == [_production(p) for p in ref.table], compact.id
        for prod, ref_prod in zip(state.table, ref.table):
            nxt = prod[3]
            if nxt is None:
                continue
            # the count matters only inside a loop; elsewhere the next entry starts at 1
            nxt, n = advance(state, nxt, count) if nxt.repeat else (nxt, 0)
            todo.append((nxt, n, ref_prod[3]))
    return len(seen)


@pytest.mark.parametrize("schema", list(grammar_gen.SCHEMA_SETS))
def test_counted_loops_equal_the_unrolled_grammar(schema: str) -> None:
    compact, reference = grammar(schema), unrolled(schema)
    assert compact.document_width == reference.document_width
    assert [(u, n, t.id) for u, n, t in compact.document] == [(u, n, t.id) for u, n, t in reference.document]
    compared = 0
    for tid, t in compact.types.items():
        if isinstance(t, ComplexType):
            compared += _lockstep(t, reference.types[tid])
    loops = [s for t in compact.types.values() if isinstance(t, ComplexType) for s in t.states if s.repeat]
    compact_states = sum(len(t.states) for t in compact.types.values() if isinstance(t, ComplexType))
    reference_states = sum(len(t.states) for t in reference.types.values() if isinstance(t, ComplexType))
    if schema in ("iso15118-20-CommonMessages", "iso15118-2"):
        assert max(s.repeat for s in loops) >= 1023  # the 1024 and 2048 lists are loops ...
        assert compact_states * 3 < reference_states  # ... of a few states instead of thousands
    assert compared >= reference_states


def test_2048_power_profile_entries_encode_and_the_2049th_is_refused() -> None:
    entries = [{"Duration": i, "Power": {"Exponent": 0, "Value": i % 100}} for i in range(2049)]

    def message(n: int) -> exi.Message:
        body = {
            "Header": {"SessionID": bytes(8), "TimeStamp": 1},
            "EVProcessing": "Finished",
            "ChargeProgress": "Start",
            "EVPowerProfile": {
                "TimeAnchor": 0,
                "Dynamic_EVPPTControlMode": {},
                "EVPowerProfileEntries": {"EVPowerProfileEntry": entries[:n]},
            },
        }
        return exi.Message("iso15118-20-CommonMessages", "PowerDeliveryReq", body)

    full = message(2048)
    data = exi.encode(full)
    assert exi.decode(data, "iso15118-20-CommonMessages") == full
    # the same bytes as the unrolled grammar gives, whose last state has EE alone (1 bit, not 2)
    from v2glab.exi.codec import encode_tree

    assert encode_tree(unrolled("iso15118-20-CommonMessages"), "PowerDeliveryReq", full.content) == data
    with pytest.raises(EXIEncodeError, match="'EVPowerProfileEntry' cannot come here"):
        exi.encode(message(2049))
    # one entry fewer: the loop state still offers another entry, so its EE costs 2 bits
    shorter = exi.encode(message(2047))
    assert encode_tree(unrolled("iso15118-20-CommonMessages"), "PowerDeliveryReq", message(2047).content) == shorter
    # after the 2048th entry the list's grammar has EE alone: its code narrows to 1 bit
    entry_list = grammar("iso15118-20-CommonMessages").types["ns1:EVPowerProfileEntryListType"]
    (loop,) = [s for s in entry_list.states if s.repeat]
    assert (loop.repeat, loop.width, loop.exit.width) == (2047, 2, 1)
    assert loop.exit.expected == ("(end)",)
