"""Generate schema-informed EXI grammars from the official XSDs.

Run ``python -m v2glab.exi.grammar_gen --schemas DIR`` where DIR holds the
``iso15118-2/``, ``din70121/`` and ``iso15118-20/`` folders (``../shared/schemas``
in a checkout, or ``iso15118/shared/schemas`` of the ``iso15118`` wheel, laid out
the same way).
It writes one Python module per schema set into ``v2glab/exi/grammars/``;
``--check`` instead fails when the committed modules differ from a fresh run.

The construction follows EXI 1.0 section 8.5.4 (schema-informed grammars) with
the options ISO 15118-2 fixes ([V2G2-099]: strict = false, no string table):

* a complex type grammar is its attribute uses (sorted by local name, then URI)
  followed by its content: a particle grammar ending in EE, a CH for simple
  content, or EE alone;
* particles repeat their term ``minOccurs`` times, then ``maxOccurs - minOccurs``
  optional copies, or a loop when unbounded. Optional copies of a bounded
  repetition (maxOccurs 1024 in -2, 2048 in -20) are not unrolled into one state
  each: the copies share one *counted loop* state, written to ``REPEAT`` as
  (state, bound, exit state). The runtime counts the copies taken and moves to
  the exit state, which lacks the repeated element's production, after the last
  allowed copy. That is exactly the unrolled grammar's behaviour (the state after
  the last copy has one production less, so event codes may narrow), without its
  states;
* an element term offers every member of its substitution group, head included,
  sorted by local name then URI; a choice offers its particles in schema order;
* mixed content adds an untyped CH to every state of the particle grammar;
* normalisation removes epsilon productions depth-first (which keeps schema
  order) and merges duplicate terminals into one state;
* event codes within a state: AT sorted by qname, then SE in schema order,
  then wildcard SE, then EE, then CH (EXI 8.5.4.3).

With strict = false every state also owns second-level events, so a state with
``k`` first-level productions codes them in ``ceil(log2(k + 1))`` bits; the
runtime derives that width, the tables here hold only the productions.

``xmlschema`` resolves the XSD component model (imports, references,
substitution groups, facets); it is needed only to regenerate, not at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import pprint
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

XS = "http://www.w3.org/2001/XMLSchema"
SKIP_NAMESPACES = {XS, "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/XML/1998/namespace"}

# schema set name -> (entry XSD relative to the schemas folder, module name)
SCHEMA_SETS: dict[str, tuple[str, str]] = {
    "iso15118-2": ("iso15118-2/V2G_CI_MsgDef.xsd", "iso15118_2"),
    "din70121": ("din70121/V2G_CI_MsgDef.xsd", "din70121"),
    "app": ("iso15118-2/V2G_CI_AppProtocol.xsd", "app"),
    # SignedInfo is signed as a fragment over the xmldsig grammar alone (ISO 15118-2 J.4).
    "xmldsig": ("iso15118-2/xmldsig-core-schema.xsd", "xmldsig"),
    # ISO 15118-20: one grammar per message namespace, each with CommonTypes and xmldsig.
    "iso15118-20-CommonMessages": ("iso15118-20/V2G_CI_CommonMessages.xsd", "iso15118_20_common_messages"),
    "iso15118-20-AC": ("iso15118-20/V2G_CI_AC.xsd", "iso15118_20_ac"),
    "iso15118-20-DC": ("iso15118-20/V2G_CI_DC.xsd", "iso15118_20_dc"),
    "iso15118-20-WPT": ("iso15118-20/V2G_CI_WPT.xsd", "iso15118_20_wpt"),
    "iso15118-20-ACDP": ("iso15118-20/V2G_CI_ACDP.xsd", "iso15118_20_acdp"),
}

OUT_DIR = Path(__file__).resolve().parent / "grammars"

# Value-space bounds of the built-in integer types (XML Schema part 2, 3.3).
INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
STRING_TYPES = {
    "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
    "ID", "IDREF", "ENTITY", "anyURI",
}

# Production kinds, as written in the generated tables.
AT, SE, SE_ANY, EE, CH = "AT", "SE", "SE*", "EE", "CH"
_ORDER = {AT: 0, SE: 1, SE_ANY: 2, EE: 3, CH: 4}


def _split(qname: str) -> tuple[str, str]:
    """'{uri}local' -> (uri, local)."""
    if qname.startswith("{"):
        uri, local = qname[1:].split("}", 1)
        return uri, local
    return "", qname


def _qkey(qname: str) -> tuple[str, str]:
    """EXI sorts qnames by local name, then by URI."""
    uri, local = _split(qname)
    return local, uri


class _NFA:
    """Grammar before normalisation: nodes with ordered (term, target) edges; term None is epsilon."""

    def __init__(self) -> None:
        self.edges: list[list[tuple[tuple | None, int | None]]] = []
        # counted loops: (node after one optional copy, node after the particle, number of optional copies)
        self.loops: list[tuple[int, int, int]] = []

    def new(self) -> int:
        self.edges.append([])
        return len(self.edges) - 1

    def add(self, node: int, term: tuple | None, target: int | None) -> None:
        self.edges[node].append((term, target))


class GrammarBuilder:
    """Turns one XSD schema set into EXI grammar tables."""

    def __init__(self, entry_xsd: Path, counted_loops: bool = True) -> None:
        import xmlschema  # generator-only dependency

        # counted_loops=False unrolls bounded repetitions, one state per copy: the
        # reference the tests compare the counted loops against.
        self.counted_loops = counted_loops
        self._xmlschema = xmlschema
        self.schema = xmlschema.XMLSchema10(str(entry_xsd))
        self.namespaces = sorted(
            sc.target_namespace
            for sc in self.schema.maps.iter_schemas()
            if sc.target_namespace not in SKIP_NAMESPACES
        )
        self.ns_index = {ns: i for i, ns in enumerate(self.namespaces)}
        self.name = entry_xsd.stem
        self.simple: dict[str, tuple] = {}
        self.complex: dict[str, tuple] = {}
        self.repeat: dict[str, tuple] = {}  # type id -> ((loop state, bound, exit state), ...)
        self._ids: dict[int, str] = {}
        self._pending: list[tuple[str, Any]] = []
        self._subst = self._substitution_members()

    # -- type identifiers -------------------------------------------------
    def type_id(self, xsd_type: Any, hint: str) -> str:
        key = id(xsd_type)
        if key in self._ids:
            return self._ids[key]
        if xsd_type.name:
            uri, local = _split(xsd_type.name)
            tid = f"{local}" if uri == XS else f"{self._short(uri)}:{local}"
        else:
            tid = f"{hint}~anon"
        self._ids[key] = tid
        self._pending.append((tid, xsd_type))
        return tid

    def _short(self, uri: str) -> str:
        return f"ns{self.ns_index[uri]}" if uri in self.ns_index else uri

    def _qref(self, qname: str) -> tuple[int, str]:
        uri, local = _split(qname)
        return (self.ns_index.get(uri, -1), local)

    # -- substitution groups ----------------------------------------------
    def _substitution_members(self) -> dict[str, list[Any]]:
        groups: dict[str, list[Any]] = {}
        for head, members in self.schema.maps.substitution_groups.items():
            groups[head] = list(members)
        return groups

    def _members(self, element: Any) -> list[Any]:
        """The head and every (transitive) member of its substitution group, EXI-sorted."""
        seen: dict[str, Any] = {element.name: element}
        todo = [element.name]
        while todo:
            for member in self._subst.get(todo.pop(), []):
                if member.name not in seen:
                    seen[member.name] = member
                    todo.append(member.name)
        return [seen[q] for q in sorted(seen, key=_qkey)]

    # -- simple types -----------------------------------------------------
    def simple_descriptor(self, t: Any) -> tuple:
        """Describe a simple type by its EXI representation and its facets."""
        if t.is_list() or t.is_union():
            raise NotImplementedError(f"list/union simple type {t.name} has no V2G use")
        chain = []  # the type, then each base type up to xs:anySimpleType
        node = t
        while node is not None:
            chain.append(node)
            node = getattr(node, "base_type", None)
        builtins = [_split(n.name)[1] for n in chain if n.name and _split(n.name)[0] == XS]
        builtin = builtins[0]
        integer_base = next((b for b in builtins if b in INTEGER_BOUNDS), None)
        facets: dict[str, Any] = {}
        enumeration = None
        for node in chain:  # nearest restriction wins
            for fname, facet in (getattr(node, "facets", None) or {}).items():
                if fname is None:
                    continue
                local = _split(fname)[1]
                if local == "enumeration":
                    continue
                facets.setdefault(local, facet.value)
            if enumeration is None and getattr(node, "enumeration", None):
                enumeration = tuple(str(v) for v in node.enumeration)
        if enumeration is not None:
            return ("enum", enumeration)
        if builtin == "boolean":
            return ("bool",)
        if integer_base is not None:
            lo, hi = INTEGER_BOUNDS[integer_base]
            if "minInclusive" in facets:
                lo = int(facets["minInclusive"]) if lo is None else max(lo, int(facets["minInclusive"]))
            if "minExclusive" in facets:
                v = int(facets["minExclusive"]) + 1
                lo = v if lo is None else max(lo, v)
            if "maxInclusive" in facets:
                hi = int(facets["maxInclusive"]) if hi is None else min(hi, int(facets["maxInclusive"]))
            if "maxExclusive" in facets:
                v = int(facets["maxExclusive"]) - 1
                hi = v if hi is None else min(hi, v)
            # EXI 7.1.5: a range of at most 4096 values is an n-bit unsigned offset;
            # a non-negative lower bound selects Unsigned Integer; else signed Integer.
            if lo is not None and hi is not None and hi - lo < 4096:
                return ("nbit", lo, hi, max(0, (hi - lo).bit_length()))
            if lo is not None and lo >= 0:
                return ("uint", lo, hi)
            return ("int", lo, hi)
        if builtin in ("hexBinary", "base64Binary"):
            lo, hi = self._lengths(facets)
            return ("hex" if builtin == "hexBinary" else "b64", lo, hi)
        if builtin in STRING_TYPES:
            lo, hi = self._lengths(facets)
            return ("string", lo, hi)
        raise NotImplementedError(f"simple type {t.name} (built on xs:{builtin}) is not used by V2G schemas")

    @staticmethod
    def _lengths(facets: dict[str, Any]) -> tuple[int, int | None]:
        if "length" in facets:
            return int(facets["length"]), int(facets["length"])
        return int(facets.get("minLength", 0)), (int(facets["maxLength"]) if "maxLength" in facets else None)

    # -- complex types ----------------------------------------------------
    def build(self) -> None:
        for element in self.global_elements():
            self.type_id(element.type, self._hint(element))
        for element in self.all_elements():
            self.type_id(element.type, self._hint(element))
        while self._pending:
            tid, t = self._pending.pop(0)
            if t.is_simple():
                self.simple[tid] = self.simple_descriptor(t)
            else:
                self.complex[tid] = self.complex_grammar(t, tid)

    def _hint(self, element: Any) -> str:
        uri, local = _split(element.name)
        parent = getattr(element, "parent", None)
        while parent is not None and not getattr(parent, "name", None) and getattr(parent, "parent", None) is not None:
            parent = parent.parent
        prefix = ""
        if parent is not None and getattr(parent, "name", None) and not element.is_global():
            puri, plocal = _split(parent.name)
            prefix = f"{plocal}/"
        return f"{self._short(uri)}:{prefix}{local}"

    def global_elements(self) -> list[Any]:
        out = []
        for sc in self.schema.maps.iter_schemas():
            if sc.target_namespace in SKIP_NAMESPACES:
                continue
            out.extend(sc.elements.values())
        return sorted(out, key=lambda e: _qkey(e.name))

    def all_elements(self) -> list[Any]:
        XsdElement = self._xmlschema.validators.XsdElement
        out = []
        for sc in self.schema.maps.iter_schemas():
            if sc.target_namespace in SKIP_NAMESPACES:
                continue
            out.extend(sc.iter_components(XsdElement))
        return sorted(out, key=lambda e: (_qkey(e.name), e.is_global() is False))

    def complex_grammar(self, t: Any, tid: str) -> tuple:
        nfa = _NFA()
        start = nfa.new()
        cur = start
        attributes = [a for a in t.attributes.values() if not self._is_wildcard(a)]
        if len(attributes) != len(t.attributes):
            raise NotImplementedError(f"{tid}: attribute wildcards have no V2G use")
        for attr in sorted(attributes, key=lambda a: _qkey(a.name)):
            nxt = nfa.new()
            ns, local = self._qref(attr.name)
            nfa.add(cur, (AT, ns, local, self.type_id(attr.type, f"{tid}@{local}")), nxt)
            if attr.use != "required":
                nfa.add(cur, None, nxt)
            cur = nxt
        end = nfa.new()
        if t.has_simple_content():
            n1 = nfa.new()
            nfa.add(cur, (CH, self.type_id(t.content, f"{tid}#text")), n1)
            nfa.add(n1, (EE,), end)
        elif t.is_empty() and not t.mixed:
            nfa.add(cur, (EE,), end)
        else:
            first = len(nfa.edges)
            s, e = self._particle(nfa, t.content, tid)
            if t.mixed:
                for node in range(first, len(nfa.edges)):
                    nfa.add(node, (CH, None), node)
            nfa.add(cur, None, s)
            nfa.add(e, (EE,), end)
        lists = self._list_children(t)
        states, repeat = self._normalise(nfa, start, lists, tid)
        if repeat:
            self.repeat[tid] = repeat
        return (bool(t.mixed), states)

    @staticmethod
    def _is_wildcard(attr: Any) -> bool:
        return type(attr).__name__ == "XsdAnyAttribute"

    def _particle(self, nfa: _NFA, p: Any, tid: str) -> tuple[int, int]:
        start = nfa.new()
        cur = start
        for _ in range(p.min_occurs):
            s, e = self._term(nfa, p, tid)
            nfa.add(cur, None, s)
            cur = e
        end = nfa.new()
        if p.max_occurs is None:
            s, e = self._term(nfa, p, tid)
            nfa.add(cur, None, s)
            nfa.add(e, None, cur)
            nfa.add(cur, None, end)
        elif p.max_occurs - p.min_occurs >= 2 and self.counted_loops:
            if type(p).__name__ != "XsdElement":
                raise NotImplementedError(f"{tid}: bounded repetition of a group has no V2G use")
            # One copy of the term stands for all optional copies; its end state loops
            # back to it, and the runtime counts (see REPEAT in the module docstring).
            s, e = self._term(nfa, p, tid)
            nfa.add(cur, None, s)
            nfa.add(cur, None, end)
            nfa.add(e, None, s)
            nfa.add(e, None, end)
            nfa.loops.append((e, end, p.max_occurs - p.min_occurs))
        else:
            for _ in range(p.max_occurs - p.min_occurs):
                s, e = self._term(nfa, p, tid)
                nfa.add(cur, None, s)
                nfa.add(cur, None, end)
                cur = e
            nfa.add(cur, None, end)
        return start, end

    def _term(self, nfa: _NFA, p: Any, tid: str) -> tuple[int, int]:
        kind = type(p).__name__
        s, e = nfa.new(), None
        if kind == "XsdElement":
            e = nfa.new()
            members = self._members(p) if (p.is_global() or p.ref is not None) else [p]
            for m in members:
                ns, local = self._qref(m.name)
                nfa.add(s, (SE, ns, local, self.type_id(m.type, self._hint(m))), e)
        elif kind == "XsdAnyElement":
            e = nfa.new()
            namespaces = sorted(p.namespace)
            if "##any" in namespaces or "##other" in namespaces or p.not_namespace:
                nfa.add(s, (SE_ANY, None), e)
            else:  # EXI: one SE(uri:*) per namespace of the constraint
                for uri in namespaces:
                    nfa.add(s, (SE_ANY, "" if uri == "##local" else uri), e)
        elif kind == "XsdGroup":
            if p.model == "sequence":
                cur = s
                for child in p:
                    cs, ce = self._particle(nfa, child, tid)
                    nfa.add(cur, None, cs)
                    cur = ce
                e = cur
            elif p.model == "choice":
                e = nfa.new()
                for child in p:
                    cs, ce = self._particle(nfa, child, tid)
                    nfa.add(s, None, cs)
                    nfa.add(ce, None, e)
            else:
                raise NotImplementedError(f"{tid}: xs:all has no V2G use")
        else:
            raise NotImplementedError(f"{tid}: particle {kind}")
        return s, e

    def _list_children(self, t: Any) -> set[str]:
        """Local names that can occur more than once in one instance: those become lists."""
        if t.has_simple_content() or t.is_empty():
            return set()
        counts: dict[str, float] = {}

        def walk(p: Any) -> dict[str, float]:
            kind = type(p).__name__
            if kind == "XsdElement":
                members = self._members(p) if (p.is_global() or p.ref is not None) else [p]
                inner = {_split(m.name)[1]: 1.0 for m in members}
            elif kind == "XsdGroup":
                inner = {}
                for child in p:
                    for name, n in walk(child).items():
                        inner[name] = inner.get(name, 0) + n if p.model == "sequence" else max(inner.get(name, 0), n)
            else:
                inner = {}
            times = float("inf") if p.max_occurs is None else p.max_occurs
            return {name: n * times for name, n in inner.items()}

        counts = walk(t.content)
        return {name for name, n in counts.items() if n > 1}

    def _normalise(self, nfa: _NFA, start: int, lists: set[str], tid: str) -> tuple[tuple, tuple]:
        def productions(state: frozenset[int]) -> list[tuple[tuple, frozenset[int] | None]]:
            ordered: OrderedDict[tuple, set[int]] = OrderedDict()
            visited: set[int] = set()

            def dfs(node: int) -> None:
                if node in visited:
                    return
                visited.add(node)
                for term, target in nfa.edges[node]:
                    if term is None:
                        dfs(target)
                    else:
                        ordered.setdefault(term, set())
                        if term[0] != EE:
                            ordered[term].add(target)

            for node in sorted(state):
                dfs(node)
            # Same element name with two types in one state cannot be coded: stop loudly.
            names = [(t[1], t[2]) for t in ordered if t[0] == SE]
            if len(names) != len(set(names)):
                raise NotImplementedError(f"{tid}: one element name with two types in one state")
            prods = [(term, frozenset(targets) if term[0] != EE else None) for term, targets in ordered.items()]
            prods.sort(key=lambda pt: (_ORDER[pt[0][0]], (pt[0][2], pt[0][1]) if pt[0][0] == AT else 0))
            return prods

        index: dict[frozenset[int], int] = {frozenset([start]): 0}
        queue = [frozenset([start])]
        states: list[tuple] = []
        loop_of = {frozenset([e]): (frozenset([end]), bound) for e, end, bound in nfa.loops}

        def number(target: frozenset[int]) -> int:
            if target not in index:
                index[target] = len(index)
                queue.append(target)
                if target in loop_of:  # the exit state exists as soon as its loop does
                    number(loop_of[target][0])
            return index[target]

        while queue:
            state = queue.pop(0)
            row = []
            for term, target in productions(state):
                nxt = None
                if target is not None:
                    nxt = number(target)
                    if target in loop_of and term[0] not in (SE, SE_ANY):
                        raise NotImplementedError(f"{tid}: a counted loop entered by {term[0]}")
                kind = term[0]
                if kind == SE:
                    row.append((SE, term[1], term[2], term[3], term[2] in lists, nxt))
                elif kind == AT:
                    row.append((AT, term[1], term[2], term[3], nxt))
                elif kind == SE_ANY:
                    row.append((SE_ANY, term[1], nxt))
                elif kind == CH:
                    row.append((CH, term[1], nxt))
                else:
                    row.append((EE,))
            states.append(tuple(row))
        repeat = tuple(sorted((index[key], bound, index[exit_]) for key, (exit_, bound) in loop_of.items() if key in index))
        return tuple(states), repeat

    # -- document and fragment grammars -----------------------------------
    def document(self) -> tuple:
        return tuple((*self._qref(e.name), self._ids[id(e.type)]) for e in self.global_elements())

    def abstract(self) -> tuple:
        """Abstract element names: in the grammar (EXI keeps substitution heads) but never valid in a message."""
        return tuple(sorted({_split(e.name)[1] for e in self.all_elements() if e.abstract}))

    def fragment(self) -> tuple:
        by_qname: dict[str, set[str]] = {}
        for e in self.all_elements():
            by_qname.setdefault(e.name, set()).add(self._ids[id(e.type)])
        out = []
        for qname in sorted(by_qname, key=_qkey):
            types = by_qname[qname]
            out.append((*self._qref(qname), next(iter(types)) if len(types) == 1 else None))
        return tuple(out)


def tables(builder: GrammarBuilder) -> OrderedDict:
    """The module-level tables of one schema set, in the order they are written."""
    return OrderedDict(
        NAME=builder.name,
        NAMESPACES=tuple(builder.namespaces),
        DOCUMENT=builder.document(),
        FRAGMENT=builder.fragment(),
        ABSTRACT=builder.abstract(),
        SIMPLE=dict(sorted(builder.simple.items())),
        COMPLEX=dict(sorted(builder.complex.items())),
        REPEAT=dict(sorted(builder.repeat.items())),
    )


def build(name: str, schemas_dir: Path, counted_loops: bool = True) -> GrammarBuilder:
    builder = GrammarBuilder(schemas_dir / SCHEMA_SETS[name][0], counted_loops)
    builder.name = name
    builder.build()
    return builder


def render(name: str, schemas_dir: Path) -> str:
    entry, _module = SCHEMA_SETS[name]
    builder = build(name, schemas_dir)
    sources = sorted({Path(sc.url).name: sc.url for sc in builder.schema.maps.iter_schemas() if sc.url and sc.target_namespace not in SKIP_NAMESPACES}.items())
    digests = [f"#   {fname}  sha256 {hashlib.sha256(Path(url.removeprefix('file://')).read_bytes()).hexdigest()}" for fname, url in sources]
    body = tables(builder)
    lines = [
        f'"""EXI grammar tables for the {name} schema set. Generated; do not edit.',
        "",
        "Regenerate with: python -m v2glab.exi.grammar_gen --schemas DIR",
        '"""',
        f"# Generated by v2glab.exi.grammar_gen from {entry} and its imports:",
        *digests,
        "# fmt: off",
        "",
    ]
    for key, value in body.items():
        lines.append(f"{key} = {pprint.pformat(value, width=120, sort_dicts=False)}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m v2glab.exi.grammar_gen", description=__doc__.split("\n")[0])
    parser.add_argument("--schemas", required=True, type=Path, help="folder holding iso15118-2/, din70121/ and iso15118-20/")
    parser.add_argument("--check", action="store_true", help="fail if the committed tables differ from a fresh run")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    stale = []
    for name, (_entry, module) in SCHEMA_SETS.items():
        text = render(name, args.schemas)
        path = args.out / f"{module}.py"
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.name))
        else:
            path.write_text(text)
            print(f"wrote {path.name}: {len(text)} characters")
    if stale:
        print("generated grammars are out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
