"""The Lua API in the vendor's shape, generated from the grammar for every message.

Nothing here lists a message or a field by hand: the functions follow from the
schema's element tree, by these rules (the vendor reference's, see
``../shared/reference-api/``):

* ``Receive_<Msg>_001``, ``Check_Received_<Msg>``, ``Send_<Msg>_001`` per message;
* ``Get_``/``Set_<Msg>_<Path>`` per leaf, the path being the element names joined
  with ``_`` (an attribute by its name: ``AuthorizationReq_Id``);
* ``<Path>Specified`` (glued on) for an optional element or a choice branch;
* ``<Path>_Count`` for a repeated element, whose accessors take the 0-based index
  first (one index per repeated level);
* a list wrapper with a single repeated child (``SelectedServiceList`` holding
  ``SelectedService``) also gets the reference's short names without the child;
* enumerations become Lua tables named after the schema type, first letter upper
  case (``unitSymbolType`` -> ``UnitSymbolType``); unit symbols get the ``Unit_``
  prefix the reference uses (``UnitSymbolType.Unit_A``);
* list helpers for every repeated element: ``Add_<Msg>_<Path>(value)`` appends an entry
  with that leaf set, ``Exist_<Msg without Req/Res>_<Element>(fields...)`` tells whether
  the received message's list holds an entry with those values (omitted ones match any);
* where the protocol keeps the header beside the body (the V2G_Message envelope of ISO
  15118-2 and DIN SPEC 70121), its fields are ``<Msg>_Header_<Path>`` as in ISO 15118-20,
  whose messages carry their Header inside: ``Get_AuthorizationReq_Header_Signature_SignatureValue``.

The same generator serves every protocol plug-in (``v2glab.protocols``) and the
handshake; a name that exists in two protocols acts on the negotiated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterator

from ..exi.grammar import TEXT, ComplexType, SimpleType, grammar
from ..protocols import APP_SCHEMA, by_schema, registry
from ..protocols.messages import body_type, message_names

ROLE_TABLES = {"secc": "Secc", "evcc": "Evcc"}


def schemas() -> tuple[str, ...]:
    """The schema sets the API covers: every protocol plug-in's, and the handshake's."""
    return (*(s for p in registry().values() for s in p.schemas), APP_SCHEMA)


@dataclass(frozen=True)
class Field:
    """One addressable place in a message: a leaf value, an optional element, or a repeated element."""

    message: str
    path: tuple[str, ...]  # names as the API spells them
    keys: tuple[str, ...]  # keys in the message tree ('@Id' for an attribute)
    lists: tuple[int, ...]  # positions in ``keys`` that are repeated: each takes an index
    kind: str  # 'leaf', 'specified' or 'count'
    type: SimpleType | None = None
    aliases: tuple[str, ...] = ()
    in_header: bool = False  # keys start at the whole message ('Header', ...), not at its body

    @property
    def name(self) -> str:
        base = "_".join(self.path)
        if self.kind == "specified":
            return f"{base}Specified"
        if self.kind == "count":
            return f"{base}_Count"
        return base


@dataclass
class MessageAPI:
    schema: str
    name: str  # 'ChargingStatusRes'
    fields: list[Field] = field(default_factory=list)

    @property
    def is_request(self) -> bool:
        return self.name.endswith("Req")


def enum_table_name(st: SimpleType) -> str:
    local = st.id.split(":")[-1].split("~")[0].split("/")[-1]
    return local[0].upper() + local[1:]


def enum_key(st: SimpleType, value: str) -> str:
    key = "".join(c if c.isalnum() or c == "_" else "_" for c in value)
    if enum_table_name(st) == "UnitSymbolType" or not (key[0].isalpha() or key[0] == "_"):
        key = f"Unit_{key}" if enum_table_name(st) == "UnitSymbolType" else f"_{key}"
    return key


def _optional_children(t: ComplexType) -> set[str]:
    """Children that a valid instance may leave out: EE is reachable without passing them."""
    optional = set()
    for name in list(t.children) + list(t.attributes):
        seen = set()
        todo = [t.states[0]]
        reachable = False
        while todo and not reachable:
            state = todo.pop()
            if id(state) in seen:
                continue
            seen.add(id(state))
            if state.ee >= 0:
                reachable = True
                break
            for kind, key, _child, nxt, _is_list in state.table:
                if key != name and kind in ("SE", "AT", "CH") and nxt is not None:
                    todo.append(nxt)
        if reachable:
            optional.add(name)
    return optional


def _walk(message: str, t: Any, path: tuple, keys: tuple, lists: tuple, abstract: frozenset[str], depth: int = 0) -> Iterator[Field]:
    if t.is_simple:
        yield Field(message, path, keys, lists, "leaf", t)
        return
    if depth > 12:
        return
    optional = _optional_children(t)
    for key, (_uri, st) in t.attributes.items():
        name = key[1:]
        if key in optional:
            yield Field(message, path + (name,), keys + (key,), lists, "specified")
        yield Field(message, path + (name,), keys + (key,), lists, "leaf", st)
    if t.text_type is not None:
        yield Field(message, path, keys + (TEXT,) if t.attributes else keys, lists, "leaf", t.text_type)
        return
    for name, (_uri, child, is_list) in t.children.items():
        if name in abstract:  # substitution heads: only their members can appear
            continue
        child_path, child_keys = path + (name,), keys + (name,)
        if is_list:
            yield Field(message, child_path, child_keys, lists, "count")
            yield from _walk(message, child, child_path, child_keys, lists + (len(child_keys) - 1,), abstract, depth + 1)
            continue
        if name in optional:
            yield Field(message, child_path, child_keys, lists, "specified")
        yield from _walk(message, child, child_path, child_keys, lists, abstract, depth + 1)


def _wrapper_child(t: Any) -> str | None:
    """The repeated child of a list wrapper (one child, repeated, no attributes), else None."""
    if t.is_simple or t.attributes or len(t.children) != 1:
        return None
    (name, (_uri, _child, is_list)), = t.children.items()
    return name if is_list else None


def header_type(schema: str) -> ComplexType | None:
    """The header type of a protocol whose messages keep it beside the body, else None."""
    protocol = by_schema(schema)
    envelope = protocol.envelope if protocol is not None else None
    return envelope.header_type() if envelope is not None and hasattr(envelope, "header_type") else None


def root_type(schema: str, message: str, f: Field) -> tuple[Any, int]:
    """The type ``f.keys`` start in, and how many keys lead to it ('Header' for a header field)."""
    if f.in_header:
        return header_type(schema), 1
    return body_type(message, schema), 0


def _aliases(schema: str, message: str, f: Field) -> tuple[str, ...]:
    """The reference's short names: drop the repeated child of a list wrapper from the path."""
    t, start = root_type(schema, message, f)
    path = list(f.path)
    drop = []
    for i, key in enumerate(f.keys):
        if i < start:
            continue
        if key.startswith("@") or key == TEXT:
            break
        spec = t.children.get(key) if not t.is_simple else None
        if spec is None:
            break
        t = spec[1]
        if i + 1 < len(f.keys) and not t.is_simple and _wrapper_child(t) == f.keys[i + 1]:
            drop.append(i + 1)
    if not drop:
        return ()
    short = [p for i, p in enumerate(path) if i not in drop]
    alias = Field(f.message, tuple(short), f.keys, f.lists, f.kind, f.type)
    return (alias.name,) if short else ()


@lru_cache(maxsize=None)
def messages(schema: str) -> tuple[MessageAPI, ...]:
    g = grammar(schema)
    out = []
    for name in message_names(schema):
        api = MessageAPI(schema, name)
        seen: set[str] = set()
        for f in _walk(name, body_type(name, schema), (), (), (), g.abstract):
            if f.name in seen:
                raise ValueError(f"{name}: two fields named {f.name}")
            seen.add(f.name)
            api.fields.append(f)
        fields = []
        for f in api.fields:
            aliases = tuple(a for a in _aliases(schema, name, f) if a not in seen)
            seen.update(aliases)
            fields.append(replace(f, aliases=aliases))
        api.fields = fields + list(_header_fields(schema))  # the same for every message: made once
        out.append(api)
    return tuple(out)


@lru_cache(maxsize=None)
def _header_fields(schema: str) -> tuple[Field, ...]:
    """The header's fields where the protocol keeps it beside the body (no message name: shared by all)."""
    header = header_type(schema)
    if header is None:
        return ()
    fields, seen = [], set()
    for f in _walk("", header, ("Header",), ("Header",), (), grammar(schema).abstract, 1):
        f = replace(f, in_header=True)
        seen.add(f.name)
        fields.append(f)
    out = []
    for f in fields:
        aliases = tuple(a for a in _aliases(schema, "", f) if a not in seen)
        seen.update(aliases)
        out.append(replace(f, aliases=aliases))
    return tuple(out)


@lru_cache(maxsize=None)
def enums(sets: tuple[str, ...] | None = None) -> dict[str, dict[str, str]]:
    """Lua enum tables: type name -> {key: schema value}. Same-named types of two schemas merge."""
    tables: dict[str, dict[str, str]] = {}
    for schema in sets or schemas():
        for t in grammar(schema).types.values():
            if isinstance(t, SimpleType) and t.kind == "enum":
                table = tables.setdefault(enum_table_name(t), {})
                for value in t.values:
                    key = enum_key(t, value)
                    if table.setdefault(key, value) != value:
                        raise ValueError(f"enum {enum_table_name(t)}: {key} means two values")
    return tables


@dataclass(frozen=True)
class Function:
    """One Lua function of the generated API."""

    table: str  # 'Secc' or 'Evcc'
    name: str  # 'Set_ChargingStatusRes_EVSEMaxCurrent_Value'
    action: str  # receive, check_received, send, get, set, check, add, exist
    message: str
    field: Field | None = None
    schema: str = APP_SCHEMA
    items: tuple[Field, ...] = ()  # exist: the leaves of one entry, compared in this order

    @property
    def full_name(self) -> str:
        return f"{self.table}.{self.name}"

    def parameters(self) -> list[str]:
        if self.action == "exist":
            return [_param_name(f) for f in self.items]
        indices = [f"index{i + 1}" if len(self.field.lists) > 1 else "index" for i in range(len(self.field.lists))] if self.field else []
        if self.action == "add":
            return indices[:-1] + [_param_name(self.field)]
        if self.action in ("set", "check"):
            return indices + [_param_name(self.field, check=self.action == "check")]
        return indices

    def returns(self) -> str:
        if self.action in ("check", "check_received", "exist"):
            return "boolean"
        if self.action != "get":
            return "-"
        f = self.field
        if f.kind == "specified":
            return "boolean"
        if f.kind == "count":
            return "number"
        return lua_type(f.type)


# Where the vendor spells a parameter against its own pattern, its spelling wins.
VENDOR_PARAMETER_NAMES = {"ParameterSetID": "parameterSetId"}


def lower_camel(name: str) -> str:
    """The vendor's parameter spelling: EVSEID -> evseId, RCD -> rcd, EVSENotification -> evseNotification,
    SAScheduleTupleID -> saScheduleTupleID, ServiceID -> serviceID."""
    if name in VENDOR_PARAMETER_NAMES:
        return VENDOR_PARAMETER_NAMES[name]
    if name.isupper():
        return name[:-2].lower() + "Id" if name.endswith("ID") and len(name) > 2 else name.lower()
    run = len(name) - len(name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if run > 1:
        return name[: run - 1].lower() + name[run - 1 :]
    return name[0].lower() + name[1:]


def _param_name(f: Field, check: bool = False) -> str:
    if f.kind == "specified":
        return "isSpecified"
    if f.kind == "count":
        return "count"
    last = f.path[-1] if f.path else "value"
    if check and last.startswith("EVSE") and len(last) > 4:
        last = last[4:]  # the reference checks EVSENotification with (notification)
    return lower_camel(last)


def lua_type(st: SimpleType) -> str:
    if st.kind == "enum":
        return enum_table_name(st)
    if st.kind == "bool":
        return "boolean"
    if st.kind in ("nbit", "uint", "int"):
        return "number"
    return "string"


def table_name(role: str, schema: str) -> str:
    """The Lua table a protocol's pages name: Secc/Evcc, or SECC/EVCC for ISO 15118-20 (aliases of each other)."""
    protocol = by_schema(schema)
    return protocol.lua_tables[role == "evcc"] if protocol is not None else ROLE_TABLES[role]


@lru_cache(maxsize=None)
def by_name(role: str) -> dict[str, dict[str, Function]]:
    """name -> schema set -> function, over every schema set: a name two protocols share acts on the
    negotiated one. Built once per process (every script runner of ``v2glab test`` reads it)."""
    out: dict[str, dict[str, Function]] = {}
    for schema in schemas():
        for f in functions(role, schema):
            out.setdefault(f.name, {})[schema] = f
    return out


@lru_cache(maxsize=None)
def functions(role: str, schema: str) -> tuple[Function, ...]:
    """Every function of a role's table for one schema set, in message order."""
    table = table_name(role, schema)
    out: list[Function] = []
    for api in messages(schema):
        incoming = api.is_request == (role == "secc")
        msg = api.name

        def add(name: str, action: str, field: Field | None = None, items: tuple[Field, ...] = ()) -> None:
            out.append(Function(table, name, action, msg, field, schema, items))

        if incoming:
            add(f"Receive_{msg}_001", "receive")
            add(f"Check_Received_{msg}", "check_received")
        for f in api.fields:
            for name in (f.name, *f.aliases):
                add(f"Get_{msg}_{name}", "get", f)
                if incoming and role == "evcc" and f.kind == "leaf":
                    add(f"Check_{msg}_{name}", "check", f)
                if not incoming:
                    add(f"Set_{msg}_{name}", "set", f)
                    if f.kind == "leaf" and f.lists:
                        add(f"Add_{msg}_{name}", "add", f)
            if incoming and f.kind == "count" and not f.lists and not f.in_header:
                items = _entry_leaves(api, f)
                if items:
                    add(f"Exist_{msg[:-3]}_{_exist_path(schema, msg, f)}", "exist", f, items)
        if not incoming:
            add(f"Send_{msg}_001", "send")
    return tuple(out)


def _entry_leaves(api: MessageAPI, count: Field) -> tuple[Field, ...]:
    """The leaves of one entry of a repeated element, no deeper list between (what Exist compares)."""
    depth = len(count.keys)
    return tuple(f for f in api.fields if f.kind == "leaf" and f.keys[:depth] == count.keys
                 and f.lists == count.lists + (depth - 1,) and not f.keys[depth:].count("@"))


def _exist_path(schema: str, message: str, count: Field) -> str:
    """The repeated element's path without its list wrapper: SelectedServiceList_SelectedService -> SelectedService."""
    path = list(count.path)
    t: Any = body_type(message, schema)
    keep = []
    for i, key in enumerate(count.keys):
        spec = t.children.get(key) if not t.is_simple else None
        if spec is None:
            break
        child = spec[1]
        if not (i + 1 < len(count.keys) and not child.is_simple and _wrapper_child(child) == count.keys[i + 1]):
            keep.append(path[i])
        t = child
    return "_".join(keep)
