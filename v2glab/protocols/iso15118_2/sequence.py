"""ISO 15118-2: which request may follow each response, as a table.

EVerest's ``iso_server.hpp`` table of allowed next requests ([V2G2-538]), see
``../shared/docs/secc-behaviour.md`` §2. SessionStopReq inside the charge loop is a
sequence error: the standard allows only PowerDelivery there, and v2glab is strict.
"""

from __future__ import annotations

from ..base import STOP, SequenceTable, row

FINISHED = {"res.EVSEProcessing": "Finished"}
AC, DC = {"session.mode": "AC"}, {"session.mode": "DC"}
SELECT = {"ServiceDetailReq", "PaymentServiceSelectionReq", STOP}
CERTIFICATES = {"PaymentDetailsReq", "CertificateInstallationReq", "CertificateUpdateReq", STOP}

SEQUENCE = SequenceTable(
    first={"SessionSetupReq"},
    rows=[
        row("SessionSetupRes", {"ServiceDiscoveryReq", STOP}),
        row("ServiceDiscoveryRes", SELECT),
        row("ServiceDetailRes", SELECT),
        row("PaymentServiceSelectionRes", CERTIFICATES, {"session.payment": "Contract"}),
        row("PaymentServiceSelectionRes", {"AuthorizationReq", STOP}),
        row("CertificateInstallationRes", {"PaymentDetailsReq", STOP}),
        row("CertificateUpdateRes", {"PaymentDetailsReq", STOP}),
        row("PaymentDetailsRes", {"AuthorizationReq", STOP}),
        row("AuthorizationRes", {"ChargeParameterDiscoveryReq", STOP}, FINISHED, "[V2G2-854]"),
        row("AuthorizationRes", {"AuthorizationReq", STOP}),
        row("ChargeParameterDiscoveryRes", {"PowerDeliveryReq", STOP}, {**FINISHED, **AC}),
        row("ChargeParameterDiscoveryRes", {"CableCheckReq", STOP}, {**FINISHED, **DC}),
        row("ChargeParameterDiscoveryRes", {"ChargeParameterDiscoveryReq", STOP}),
        row("CableCheckRes", {"PreChargeReq", STOP}, FINISHED),
        row("CableCheckRes", {"CableCheckReq", STOP}),
        row("PreChargeRes", {"PreChargeReq", "PowerDeliveryReq", STOP}),
        row("PowerDeliveryRes", {"ChargingStatusReq"}, {"req.ChargeProgress": "Start", **AC}),
        row("PowerDeliveryRes", {"CurrentDemandReq"}, {"req.ChargeProgress": "Start", **DC}),
        row("PowerDeliveryRes", {"ChargeParameterDiscoveryReq", STOP}, {"req.ChargeProgress": "Renegotiate"}),
        row("PowerDeliveryRes", {"WeldingDetectionReq", STOP}, DC),
        row("PowerDeliveryRes", {STOP}),
        row("ChargingStatusRes", {"MeteringReceiptReq"}, {"res.ReceiptRequired": True}, "[V2G2-691]"),
        row("ChargingStatusRes", {"ChargingStatusReq", "PowerDeliveryReq"}),
        row("CurrentDemandRes", {"MeteringReceiptReq"}, {"res.ReceiptRequired": True}, "[V2G2-691]"),
        row("CurrentDemandRes", {"CurrentDemandReq", "PowerDeliveryReq"}),
        row("MeteringReceiptRes", {"ChargingStatusReq", "PowerDeliveryReq"}, AC),
        row("MeteringReceiptRes", {"CurrentDemandReq", "PowerDeliveryReq"}, DC),
        row("WeldingDetectionRes", {"WeldingDetectionReq", STOP}),
        # SessionStopRes: no row, nothing more on this connection
    ],
)
