"""The Lua API for ISO 15118-20, generated from its three schema sets like every other protocol's."""

from __future__ import annotations

from v2glab.script import api, apidoc


def names(role: str, schema: str) -> set[str]:
    return {f.full_name for f in api.functions(role, schema)}


def test_iso20_pages_use_upper_case_tables_and_reach_the_header_through_the_message() -> None:
    secc = names("secc", "iso15118-20-CommonMessages")
    assert {
        "SECC.Get_ServiceSelectionReq_Header_SessionID",
        "SECC.Set_ServiceSelectionRes_Header_TimeStamp",
        "SECC.Set_ServiceSelectionRes_Header_Signature_SignedInfo_SignatureMethod_Algorithm",
        "SECC.Get_ServiceSelectionReq_SelectedVASListSpecified",  # a Specified getter of an optional element
        "SECC.Receive_ServiceSelectionReq_001", "SECC.Send_ServiceSelectionRes_001",
    } <= secc
    evcc = names("evcc", "iso15118-20-DC")
    assert {"EVCC.Send_DC_ChargeLoopReq_001", "EVCC.Set_DC_ChargeLoopReq_DisplayParametersSpecified",
            "EVCC.Check_DC_ChargeLoopRes_EVSEPresentVoltage_Value", "EVCC.Get_DC_ChargeLoopRes_MeterInfoSpecified"} <= evcc
    assert all(n.startswith("Secc.") for n in names("secc", "iso15118-2"))  # -2 and DIN keep their spelling


def test_each_schema_set_has_only_its_own_messages() -> None:
    dc = {f.message for f in api.functions("secc", "iso15118-20-DC")}
    common = {f.message for f in api.functions("secc", "iso15118-20-CommonMessages")}
    assert dc and all(m.startswith("DC_") for m in dc)
    assert "SessionSetupReq" in common and not any(m.startswith(("AC_", "DC_")) for m in common)


def test_reference_pages_show_each_messages_payload_type() -> None:
    page = apidoc.markdown(["evcc"], ["iso15118-20-DC"])
    assert "# EVCC > ISO15118-20 > DC_ChargeLoopReq API" in page
    assert "Payload Type 0x8004" in page and "Payload Type 0x8001" not in page
    assert "EVCC.Send_DC_ChargeLoopReq_001()" in page
