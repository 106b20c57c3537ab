"""`v2glab api`: the generated Lua API as names, or as reference pages in the vendor's layout."""

from __future__ import annotations

from typing import Iterable

from .. import exi
from ..profiles import load_profile
from ..protocols import by_schema
from ..v2gtp import build_header, payload_type_of
from . import api
from .session import ScriptSession

KOREAN = {"receive": "수신", "send": "송신", "set": "설정", "get": "조회", "check": "확인", "check_received": "확인", "add": "추가", "exist": "확인"}
ENGLISH = {"receive": "wait for", "send": "send", "set": "set", "get": "read", "check": "check", "check_received": "check that the last message received was",
           "add": "append an entry with", "exist": "check that the received list holds an entry of"}


def names(role: str, schemas: Iterable[str]) -> list[str]:
    out = []
    for schema in schemas:
        out.extend(f.full_name for f in api.functions(role, schema))
    return out


def _describe(f: api.Function) -> tuple[str, str]:
    if f.action in ("receive", "send"):
        return f"{f.message} {KOREAN[f.action]}", f"{ENGLISH[f.action]} {f.message}"
    if f.action == "check_received":
        return f"{f.message}.Received {KOREAN[f.action]}", f"{ENGLISH[f.action]} a {f.message}"
    dotted = ".".join((f.message, *f.field.path)) + ("Specified" if f.field.kind == "specified" else ".Count" if f.field.kind == "count" else "")
    return f"{dotted} {KOREAN[f.action]}", f"{ENGLISH[f.action]} {dotted}"


def _param_cell(f: api.Function) -> str:
    params = f.parameters()
    if not params:
        return "-"
    if f.field is not None and f.field.kind == "leaf" and f.field.type.kind == "enum" and f.action in ("set", "check"):
        params[-1] = f"{params[-1]} ({api.enum_table_name(f.field.type)})"
    return ", ".join(params)


def _title(schema: str) -> str:
    """The vendor's spelling of a protocol in page titles: ISO15118-2, DIN70121."""
    protocol = by_schema(schema)
    return protocol.title.replace(" SPEC", "").replace(" ", "") if protocol else "AppProtocol"


def _default_frame(role: str, message: str, schema: str) -> tuple[str, str]:
    protocol = by_schema(schema)
    profile = load_profile(role, "ac" if protocol is None or "AC" in protocol.energy else "dc")
    session = ScriptSession(role, profile)
    if protocol is not None:
        session._simulate(protocol)
    session.session_id = bytes.fromhex("634BBE48F628FEE4")
    msg = session.message(message)
    payload = exi.encode(msg, validate=False)
    payload_type = payload_type_of(msg)
    header = build_header(payload_type, len(payload))
    fields = f"Protocol Version 0x{header[0]:02X} | Inverse Version 0x{header[1]:02X} | Payload Type 0x{payload_type:04X} | Payload Length 0x{len(payload):08X}"
    return fields, msg.to_xml()


def markdown(roles: Iterable[str], schemas: Iterable[str]) -> str:
    parts = []
    for role in roles:
        for schema in schemas:
            table = api.table_name(role, schema)
            by_message: dict[str, list[api.Function]] = {}
            for f in api.functions(role, schema):
                by_message.setdefault(f.message, []).append(f)
            for message, funcs in by_message.items():
                outgoing = message.endswith("Req") == (role == "evcc") and not (role == "evcc" and message == "supportedAppProtocolRes")
                parts.append(f"# {role.upper()} > {_title(schema)} > {message} API\n")
                parts.append("| API | 파라미터 (parameters) | 반환 (return) | 설명 (description) |\n|---|---|---|---|")
                for f in funcs:
                    korean, english = _describe(f)
                    parts.append(f"| `{f.full_name}({', '.join(f.parameters())})` | {_param_cell(f)} | {f.returns()} | {korean}<br>{english} |")
                parts.append("")
                example = [f for f in funcs if f.action == "set" and f.field.kind == "leaf"][:4]
                parts.append("## 예제 (example)\n\n```lua")
                if outgoing:
                    for f in example:
                        parts.append(f"{f.full_name}({_example_value(f)})")
                    parts.append(f"{table}.Send_{message}_001()")
                else:
                    parts.append(f"{table}.Receive_{message}_001()")
                    parts.append(f"if {table}.Check_Received_{message}() then" if role == "secc" else "")
                    getter = next((f for f in funcs if f.action == "get" and f.field.kind == "leaf"), None)
                    if getter is not None:
                        parts.append(f"  local value = {getter.full_name}({', '.join('0' for _ in getter.field.lists)})")
                    if role == "secc":
                        parts.append("end")
                parts.append("```\n")
                # the default message: what this role builds, or for a received one what v2glab's other role sends
                sender = role if outgoing else ("evcc" if role == "secc" else "secc")
                header, xml = _default_frame(sender, message, schema)
                parts.append(f"## V2GTP Header\n\n{header}\n\n## XML (default message of the built-in {sender.upper()} profile)\n\n```xml\n{xml}```\n")
    return "\n".join(p for p in parts if p is not None)


def _example_value(f: api.Function) -> str:
    st = f.field.type
    indices = ", ".join("0" for _ in f.field.lists)
    prefix = f"{indices}, " if indices else ""
    if st.kind == "enum":
        return f"{prefix}{api.enum_table_name(st)}.{api.enum_key(st, st.values[0])}"
    if st.kind == "bool":
        return f"{prefix}false"
    if st.kind in ("nbit", "uint", "int"):
        return f"{prefix}{st.lo if isinstance(st.lo, int) and st.lo > 0 else 1}"
    if st.kind == "hex":
        return f"{prefix}'{'00' * max(st.lo, 1)}'"
    return f"{prefix}'{'x' * max(st.lo, 1)}'"

