"""DIN SPEC 70121: which request may follow each response, as a table.

EVerest's ``din_server.hpp`` table with its [V2G-DC-xxx] requirements
(../shared/docs/din70121-behaviour.md §2): SessionStop is allowed wherever EVerest
allows it (Tesla and Polestar end a failed PreCharge loop with it). There is no pause
in DIN, and no renegotiation: PowerDelivery(ReadyToChargeState=true) after the charge
loop is refused by the charger.
"""

from __future__ import annotations

from ..base import STOP, SequenceTable, row

FINISHED = {"res.EVSEProcessing": "Finished"}
READY = {
    **FINISHED,
    "res.DC_EVSEStatus.EVSEIsolationStatus": ("Valid", "Warning"),
    "res.DC_EVSEStatus.EVSEStatusCode": "EVSE_Ready",
}

SEQUENCE = SequenceTable(
    first={"SessionSetupReq"},  # [V2G-DC-437]
    rows=[
        row("SessionSetupRes", {"ServiceDiscoveryReq", STOP}, source="[V2G-DC-439]"),
        row("ServiceDiscoveryRes", {"ServicePaymentSelectionReq", STOP}, source="[V2G-DC-441]"),
        row("ServicePaymentSelectionRes", {"ContractAuthenticationReq", STOP}, source="[V2G-DC-444]"),
        row("ContractAuthenticationRes", {"ChargeParameterDiscoveryReq", STOP}, FINISHED, "[V2G-DC-498]"),
        row("ContractAuthenticationRes", {"ContractAuthenticationReq", STOP}, source="[V2G-DC-497]"),
        row("ChargeParameterDiscoveryRes", {"CableCheckReq", STOP}, FINISHED, "[V2G-DC-453]"),
        row("ChargeParameterDiscoveryRes", {"ChargeParameterDiscoveryReq", STOP}),
        row("CableCheckRes", {"PreChargeReq", STOP}, READY, "[V2G-DC-499]"),
        row("CableCheckRes", {"CableCheckReq", STOP}, source="[V2G-DC-455]"),
        row("PreChargeRes", {"PreChargeReq", "PowerDeliveryReq", STOP}, source="[V2G-DC-458]"),
        row("PowerDeliveryRes", {"CurrentDemandReq"}, {"req.ReadyToChargeState": True}, "[V2G-DC-462]"),
        row("PowerDeliveryRes", {"WeldingDetectionReq", STOP}, source="[V2G-DC-459]"),
        row("CurrentDemandRes", {"CurrentDemandReq", "PowerDeliveryReq"}, source="[V2G-DC-465]"),
        row("WeldingDetectionRes", {"WeldingDetectionReq", STOP}, source="[V2G-DC-469]"),
        # SessionStopRes: no row, close [V2G-DC-451]
    ],
)
