"""The generated Lua API: the vendor reference's functions, and completeness against the grammar."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.exi.grammar import SimpleType, grammar
from v2glab.profiles import load_profile
from v2glab.script import api
from v2glab.script.runner import ScriptRunner
from v2glab.trace import NullTracer

REFERENCE = Path(__file__).parents[1] / "fixtures" / "reference"


def reference_functions() -> list[tuple[str, str, list[str], str]]:
    """(protocol, name, parameters, return) of every function on the reference pages, both layouts."""
    out = []
    for page in sorted(REFERENCE.glob("*.md")):
        protocol = page.name.split("__")[0]
        for m in re.finditer(r"`((?:Secc|Evcc)\.\w+)\(([^)]*)\)`\s*\|\s*[^|]*\|\s*([^|]*)\|", page.read_text()):
            out.append((protocol, m.group(1), [p.strip() for p in m.group(2).split(",") if p.strip()], m.group(3).strip()))
    seed = (REFERENCE / "iso15118-2__charging-status-secc.txt").read_text()
    table = seed[seed.index("ChargingStatusReq API"):seed.index("상세 명세")]
    for line in table.splitlines():
        m = re.match(r"((?:Secc|Evcc)\.\w+)\(([^)]*)\)(.*)$", line)
        if m:
            params = [p for p in m.group(2).split(",") if p]
            rest = m.group(3)
            returns = rest.rsplit(")", 1)[-1] if "(" in rest else rest[len(params[0]):] if params else rest.lstrip("-")
            out.append(("iso15118-2", m.group(1), params, returns.strip() or "-"))
    return out


REFERENCE_FUNCTIONS = reference_functions()
# (schema, name) -> function; a page's handshake functions live in the "app" set
SIGNATURES = {(schema, f.full_name): f for role in ("secc", "evcc") for schema in api.schemas() for f in api.functions(role, schema)}


def test_reference_pages_were_read() -> None:
    assert len(REFERENCE_FUNCTIONS) >= 90
    assert ("iso15118-2", "Secc.Set_ChargingStatusRes_EVSEMaxCurrent_Unit", ["unit"], "-") in REFERENCE_FUNCTIONS
    assert {p for p, *_ in REFERENCE_FUNCTIONS} == {"iso15118-2", "din70121"}


@pytest.mark.parametrize("protocol", ["iso15118-2", "din70121"])
def test_api_names_lists_every_reference_function(protocol: str) -> None:
    command = [sys.executable, "-m", "v2glab.cli", "api", "--schema", protocol, "--format", "names"]
    listed = set(subprocess.run(command, capture_output=True, text=True, check=True).stdout.split())
    missing = [name for p, name, _p, _r in REFERENCE_FUNCTIONS if p == protocol and name not in listed]
    assert missing == []


@pytest.mark.parametrize(("protocol", "name", "params", "returns"), REFERENCE_FUNCTIONS, ids=[f"{f[0]}:{f[1]}" for f in REFERENCE_FUNCTIONS])
def test_reference_signature(protocol: str, name: str, params: list[str], returns: str) -> None:
    function = SIGNATURES.get((protocol, name)) or SIGNATURES[("app", name)]
    assert function.parameters() == params
    if returns == "-" and function.action == "get" and protocol == "din70121":
        # the DIN pages leave the return column of some getters empty (their EVCCID getter says string)
        assert function.returns() != "-"
        return
    assert function.returns() == returns


def _leaf_paths(t, prefix=()) -> list[tuple[str, ...]]:
    """Every leaf path of a type, walked straight from the grammar (independent of api.py's walker)."""
    if t.is_simple:
        return [prefix]
    out = [prefix + (key[1:],) for key in t.attributes]
    if t.text_type is not None:
        return out + [prefix]
    for name, (_uri, child, _is_list) in t.children.items():
        if name not in grammar("iso15118-2").abstract:
            out += _leaf_paths(child, prefix + (name,))
    return out


@pytest.mark.parametrize("role", ["secc", "evcc"])
def test_every_message_and_leaf_has_its_functions(role: str) -> None:
    table = api.ROLE_TABLES[role]
    names = {f.full_name for f in api.functions(role, "iso15118-2")}
    messages = api.message_names("iso15118-2")
    assert len(messages) == 34
    for message in messages:
        incoming = message.endswith("Req") == (role == "secc")
        assert f"{table}.{'Receive' if incoming else 'Send'}_{message}_001" in names
        from v2glab.protocols.messages import body_type

        for path in _leaf_paths(body_type(message, "iso15118-2")):
            stem = f"{message}_{'_'.join(path)}"
            assert f"{table}.Get_{stem}" in names, stem
            if not incoming:
                assert f"{table}.Set_{stem}" in names, stem


def test_handshake_messages_have_their_functions() -> None:
    secc = {f.full_name for f in api.functions("secc", "app")}
    evcc = {f.full_name for f in api.functions("evcc", "app")}
    assert "Secc.Receive_supportedAppProtocolReq_001" in secc and "Secc.Send_supportedAppProtocolRes_001" in secc
    assert "Evcc.Set_supportedAppProtocolReq_AppProtocol_ProtocolNamespace" in evcc
    assert "Evcc.Set_supportedAppProtocolReq_AppProtocol_Count" in evcc


def test_optional_and_repeated_elements_get_specified_and_count() -> None:
    names = {f.full_name for f in api.functions("secc", "iso15118-2")}
    assert "Secc.Set_PreChargeRes_DC_EVSEStatus_EVSEIsolationStatusSpecified" in names
    assert "Secc.Set_ChargingStatusRes_MeterInfoSpecified" in names
    assert "Secc.Set_ChargeParameterDiscoveryRes_DC_EVSEChargeParameterSpecified" in names  # a substitution branch
    assert "Secc.Set_ServiceDiscoveryRes_PaymentOptionList_PaymentOption_Count" in names
    assert "Secc.Set_ServiceDiscoveryRes_PaymentOptionList_Count" in names  # the reference's short form


@pytest.mark.parametrize("schema", ["iso15118-2", "din70121"])
def test_header_fields_of_the_envelope_protocols(schema: str) -> None:
    """ISO 15118-2 and DIN keep the header beside the body: its fields are <Msg>_Header_<Path>, as -20's are."""
    from v2glab.protocols.messages import body_type

    evcc = {f.full_name: f for f in api.functions("evcc", schema)}
    secc = {f.full_name: f for f in api.functions("secc", schema)}
    request = api.message_names(schema)[0]
    for stem in ("Header_SessionID", "Header_SignatureSpecified", "Header_Signature_SignatureValue",
                 "Header_Signature_SignedInfo_Reference_DigestValue", "Header_Signature_SignedInfo_Reference_URI",
                 "Header_Signature_KeyInfo_X509Data_X509Certificate", "Header_Notification_FaultCode"):
        assert f"Evcc.Set_{request}_{stem}" in evcc or not request.endswith("Req"), stem
        assert f"Secc.Get_{request}_{stem}" in secc, stem
    getter = secc[f"Secc.Get_{request}_Header_Signature_SignedInfo_Reference_DigestValue"]
    assert getter.field.in_header and getter.field.keys[:2] == ("Header", "Signature") and getter.parameters() == ["index"]
    # the body's own fields are unchanged, and no body element is called Header
    assert "Header" not in body_type(request, schema).children
    assert not any(f.field is not None and f.field.in_header for f in api.functions("secc", "iso15118-20-CommonMessages"))


def test_every_enum_value_is_in_lua() -> None:
    runner = ScriptRunner("secc", load_profile("secc"), NullTracer())
    lua_globals = runner.state.env  # what a script sees
    count = 0
    for schema in ("iso15118-2", "app"):
        for t in grammar(schema).types.values():
            if isinstance(t, SimpleType) and t.kind == "enum":
                table = lua_globals[api.enum_table_name(t).encode()]
                for value in t.values:
                    assert table[api.enum_key(t, value).encode()] == value.encode()
                    count += 1
    assert count == sum(len(t.values) for s in ("iso15118-2", "app") for t in grammar(s).types.values() if isinstance(t, SimpleType) and t.kind == "enum")
    assert count >= 90
    assert lua_globals[b"UnitSymbolType"][b"Unit_A"] == b"A"
    assert lua_globals[b"DC_EVErrorCodeType"][b"NO_ERROR"] == b"NO_ERROR"


def test_markdown_pages_have_the_vendor_layout() -> None:
    out = subprocess.run([sys.executable, "-m", "v2glab.cli", "api", "--role", "secc", "--format", "markdown"], capture_output=True, text=True, check=True).stdout
    page = out[out.index("# SECC > ISO15118-2 > ChargingStatusRes API"):]
    page = page[: page.index("\n# ", 10)]
    assert "| API | 파라미터 (parameters) | 반환 (return) | 설명 (description) |" in page
    assert "ChargingStatusRes.EVSEMaxCurrent.Value 설정<br>set ChargingStatusRes.EVSEMaxCurrent.Value" in page
    assert "Payload Type 0x8001" in page and "<s1:ChargingStatusRes>" in page
    assert "Secc.Send_ChargingStatusRes_001()" in page
    # a page per message of the role, each with the V2GTP header and XML of its default message
    pages = out.count("\n# SECC > ")+ out.startswith("# SECC > ")
    assert pages == sum(len(api.message_names(schema)) for schema in api.schemas())
    assert out.count("## V2GTP Header") == pages and out.count("```xml") == pages
