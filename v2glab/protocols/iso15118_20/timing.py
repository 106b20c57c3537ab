"""ISO 15118-20 timers, in one table with their sources (../shared/docs/iso15118-20-behaviour.md §6).

The EV's message timeouts are Josev's ``iso15118_20/timeouts.py``: 2 s, 5 s for
ServiceDetail and CertificateInstallation, 0.5 s for the charge loops. Neither public
implementation states SECC performance times for -20, so, as for DIN SPEC 70121, the
oracle judges a -20 charger by what the EV waits.
"""

from __future__ import annotations

from ..base import Limit, Timing

JOSEV = "ISO 15118-20 (Josev iso15118_20/timeouts.py)"
LIBISO = "ISO 15118-20 (libiso15118 d20/timeout.hpp)"
_LONG = {"ServiceDetailReq", "CertificateInstallationReq"}
_LOOP = {"AC_ChargeLoopReq", "DC_ChargeLoopReq"}
_REQUESTS = (
    "supportedAppProtocolReq", "SessionSetupReq", "AuthorizationSetupReq", "AuthorizationReq", "CertificateInstallationReq",
    "ServiceDiscoveryReq", "ServiceDetailReq", "ServiceSelectionReq", "AC_ChargeParameterDiscoveryReq",
    "DC_ChargeParameterDiscoveryReq", "ScheduleExchangeReq", "DC_CableCheckReq", "DC_PreChargeReq", "PowerDeliveryReq",
    "AC_ChargeLoopReq", "DC_ChargeLoopReq", "DC_WeldingDetectionReq", "MeteringConfirmationReq", "SessionStopReq",
    "VehicleCheckInReq", "VehicleCheckOutReq",
)


def _ev_wait(request: str) -> float:
    return 0.5 if request in _LOOP else 5.0 if request in _LONG else 2.0


_ONGOING = Limit("V2G_EVCC_Ongoing_Timeout", 60.0, JOSEV)

TIMING = Timing(
    evcc_msg_timeout={r: Limit("V2G_EVCC_Msg_Timeout", _ev_wait(r), JOSEV) for r in _REQUESTS},
    secc_performance={},
    evcc_phase={
        "AuthorizationReq": _ONGOING,
        "ScheduleExchangeReq": _ONGOING,
        "DC_CableCheckReq": Limit("V2G_EVCC_CableCheck_Timeout", 40.0, JOSEV),
        "DC_PreChargeReq": Limit("V2G_EVCC_PreCharge_Timeout", 10.0, JOSEV),
    },
    sequence=Limit("V2G_SECC_Sequence_Timeout", 60.0, LIBISO),
    communication_setup_secc=Limit("V2G_SECC_CommunicationSetup_Performance_Time", 18.0, "as ISO 15118-2 [V2G2-723]"),
    communication_setup_evcc=Limit("V2G_EVCC_CommunicationSetup_Timeout", 20.0, JOSEV),
    ongoing_secc=Limit("V2G_SECC_Ongoing_Performance_Time", 55.0, LIBISO),
)
