"""ISO 15118-2 timers, in seconds, in one table with their sources (see ../shared/docs/secc-behaviour.md §3)."""

from __future__ import annotations

# V2G_EVCC_Msg_Timeout per request: how long the EV waits for the response
# (ISO 15118-2 Table 109; RISE TimeRestrictions, Josev iso15118_2/timeouts.py).
EVCC_MSG_TIMEOUT: dict[str, float] = {
    "supportedAppProtocolReq": 2.0,
    "SessionSetupReq": 2.0,
    "ServiceDiscoveryReq": 2.0,
    "ServiceDetailReq": 5.0,
    "PaymentServiceSelectionReq": 2.0,
    "PaymentDetailsReq": 5.0,
    "AuthorizationReq": 2.0,
    "ChargeParameterDiscoveryReq": 2.0,
    "ChargingStatusReq": 2.0,
    "MeteringReceiptReq": 2.0,
    "PowerDeliveryReq": 5.0,
    "CableCheckReq": 2.0,
    "PreChargeReq": 2.0,
    "CurrentDemandReq": 0.25,
    "WeldingDetectionReq": 2.0,
    "SessionStopReq": 2.0,
    "CertificateInstallationReq": 5.0,
    "CertificateUpdateReq": 5.0,
}

# V2G_SECC_Msg_Performance_Time: the SECC must answer within this (Table 109):
# 1.5 s where the EV waits 2 s, 4.5 s where it waits 5 s, 25 ms for CurrentDemandRes.
SECC_MSG_PERFORMANCE_TIME: dict[str, float] = {
    req.replace("Req", "Res"): (0.025 if t < 1 else 4.5 if t > 2 else 1.5) for req, t in EVCC_MSG_TIMEOUT.items()
}

# [V2G2-443] V2G_SECC_Sequence_Timeout: longest wait for the next request after a response.
SECC_SEQUENCE_TIMEOUT = 60.0
# V2G_SECC_CommunicationSetup_Performance_Time [V2G2-723]: data link up to SessionSetupRes.
SECC_COMMUNICATION_SETUP_TIMEOUT = 18.0
# V2G_EVCC_CommunicationSetup_Timeout: what the EV allows for the same.
EVCC_COMMUNICATION_SETUP_TIMEOUT = 20.0
# V2G_SECC_Ongoing_Performance_Time / V2G_EVCC_Ongoing_Timeout: Ongoing may last this long.
SECC_ONGOING_PERFORMANCE_TIME = 55.0
EVCC_ONGOING_TIMEOUT = 60.0
# DC phases (EV side): CableCheck 40 s, PreCharge 7 s.
EVCC_CABLE_CHECK_TIMEOUT = 40.0
EVCC_PRE_CHARGE_TIMEOUT = 7.0
# SDP, EV side: 250 ms per request, at most 50 requests.
SDP_RESPONSE_TIMEOUT = 0.25
SDP_MAX_REQUESTS = 50
