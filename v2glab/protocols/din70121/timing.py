"""DIN SPEC 70121 timers, in one table with their sources (../shared/docs/din70121-behaviour.md §6).

DIN defines the EV's message timeouts (Table 75: 2 s, CurrentDemand 0.25 s; PowerDelivery
is 2 s here, 5 s in ISO 15118-2) and the long limits of Table 77. No public source gives
DIN-specific SECC performance times, so the oracle judges a DIN charger by what the EV
waits, never by ISO 15118-2's performance times.
"""

from __future__ import annotations

from ..base import Limit, Timing

T75 = "DIN SPEC 70121 Table 75"
T77 = "DIN SPEC 70121 Table 77"
_REQUESTS = (
    "supportedAppProtocolReq", "SessionSetupReq", "ServiceDiscoveryReq", "ServicePaymentSelectionReq",
    "ContractAuthenticationReq", "ChargeParameterDiscoveryReq", "PowerDeliveryReq", "CableCheckReq", "PreChargeReq",
    "CurrentDemandReq", "WeldingDetectionReq", "SessionStopReq",
)
_ONGOING = Limit("V2G_EVCC_Ongoing_Timeout", 60.0, "DIN SPEC 70121 (Josev din_spec/timeouts.py)")

TIMING = Timing(
    evcc_msg_timeout={r: Limit("V2G_EVCC_Msg_Timeout", 0.25 if r == "CurrentDemandReq" else 2.0, T75) for r in _REQUESTS},
    secc_performance={},
    evcc_phase={
        "ContractAuthenticationReq": _ONGOING,
        "ChargeParameterDiscoveryReq": _ONGOING,
        "CableCheckReq": Limit("V2G_EVCC_CableCheck_Timeout", 40.0, T77),
        "PreChargeReq": Limit("V2G_EVCC_PreCharge_Timeout", 7.0, T77),
    },
    sequence=Limit("V2G_SECC_Sequence_Timeout", 60.0, T77),
    communication_setup_secc=Limit("V2G_SECC_CommunicationSetup_Performance_Time", 18.0, "as ISO 15118-2 [V2G2-723]"),
    communication_setup_evcc=Limit("V2G_EVCC_CommunicationSetup_Timeout", 20.0, T77),
)
