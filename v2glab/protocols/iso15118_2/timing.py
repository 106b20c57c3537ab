"""ISO 15118-2 timers, in one table with their sources (../shared/docs/secc-behaviour.md §3)."""

from __future__ import annotations

from ..base import Limit, Timing

T109 = "ISO 15118-2 Table 109"

# V2G_EVCC_Msg_Timeout per request: how long the EV waits for the response
# (Table 109; RISE TimeRestrictions, Josev iso15118_2/timeouts.py). 2 s unless listed.
_LONG = {"ServiceDetailReq", "PaymentDetailsReq", "PowerDeliveryReq", "CertificateInstallationReq", "CertificateUpdateReq"}
_REQUESTS = (
    "supportedAppProtocolReq", "SessionSetupReq", "ServiceDiscoveryReq", "ServiceDetailReq", "PaymentServiceSelectionReq",
    "PaymentDetailsReq", "AuthorizationReq", "ChargeParameterDiscoveryReq", "ChargingStatusReq", "MeteringReceiptReq",
    "PowerDeliveryReq", "CableCheckReq", "PreChargeReq", "CurrentDemandReq", "WeldingDetectionReq", "SessionStopReq",
    "CertificateInstallationReq", "CertificateUpdateReq",
)


def _ev_wait(request: str) -> float:
    return 0.25 if request == "CurrentDemandReq" else 5.0 if request in _LONG else 2.0


EVCC_MSG_TIMEOUT = {r: Limit("V2G_EVCC_Msg_Timeout", _ev_wait(r), T109) for r in _REQUESTS}

# V2G_SECC_Msg_Performance_Time: 1.5 s where the EV waits 2 s, 4.5 s where it waits 5 s,
# 25 ms for CurrentDemandRes (Table 109).
SECC_PERFORMANCE = {
    r[:-3] + "Res": Limit("V2G_SECC_Msg_Performance_Time", 0.025 if t < 1 else 4.5 if t > 2 else 1.5, T109)
    for r, t in ((r, _ev_wait(r)) for r in _REQUESTS)
}

_ONGOING = Limit("V2G_EVCC_Ongoing_Timeout", 60.0, T109)
TIMING = Timing(
    evcc_msg_timeout=EVCC_MSG_TIMEOUT,
    secc_performance=SECC_PERFORMANCE,
    # Loops the EV repeats, measured from the first request of the loop.
    evcc_phase={
        "AuthorizationReq": _ONGOING,
        "ChargeParameterDiscoveryReq": _ONGOING,
        "CableCheckReq": Limit("V2G_EVCC_CableCheck_Timeout", 40.0, "ISO 15118-2 Table 110"),
        "PreChargeReq": Limit("V2G_EVCC_PreCharge_Timeout", 7.0, "ISO 15118-2 Table 110"),
    },
    sequence=Limit("V2G_SECC_Sequence_Timeout", 60.0, "ISO 15118-2 [V2G2-443]"),
    communication_setup_secc=Limit("V2G_SECC_CommunicationSetup_Performance_Time", 18.0, "ISO 15118-2 [V2G2-723]"),
    communication_setup_evcc=Limit("V2G_EVCC_CommunicationSetup_Timeout", 20.0, "ISO 15118-2 Table 111"),
    ongoing_secc=Limit("V2G_SECC_Ongoing_Performance_Time", 55.0, T109),
)
