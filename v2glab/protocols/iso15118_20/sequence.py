"""ISO 15118-20: which request may follow each response, as a table.

The allowed-next-request lists of libiso15118 and Josev (../shared/docs/iso15118-20-behaviour.md
§3), where both agree; where they differ v2glab takes the stricter one: at least one
ServiceDetailReq before ServiceSelectionReq, no SessionStop inside the charge loop
(PowerDelivery(Stop) first), CableCheck and PreCharge not skipped in DC. Anything else
is FAILED_SequenceError in the response type of the received request.
"""

from __future__ import annotations

from ..base import STOP, SequenceTable, row
from .pnc import REFUSALS

FINISHED = {"res.EVSEProcessing": "Finished"}
AC, DC = {"session.mode": "AC"}, {"session.mode": "DC"}
RESUMED = {"res.ResponseCode": "OK_OldSessionJoined"}
START = {"req.ChargeProgress": "Start"}
STOP_PROGRESS = {"req.ChargeProgress": "Stop"}

SEQUENCE = SequenceTable(
    first={"SessionSetupReq"},
    rows=[
        # a paused session resumes at ChargeParameterDiscovery (libiso15118 session_setup.cpp)
        row("SessionSetupRes", {"DC_ChargeParameterDiscoveryReq", STOP}, {**RESUMED, **DC}),
        row("SessionSetupRes", {"AC_ChargeParameterDiscoveryReq", STOP}, {**RESUMED, **AC}),
        row("SessionSetupRes", {"AuthorizationSetupReq", STOP}),
        row("AuthorizationSetupRes", {"AuthorizationReq", STOP}),
        # a refused authorization (a WARNING with Finished) does not open the services: try again or stop
        row("AuthorizationRes", {"AuthorizationReq", STOP}, {"res.ResponseCode": REFUSALS}),
        row("AuthorizationRes", {"ServiceDiscoveryReq", STOP}, FINISHED),
        row("AuthorizationRes", {"AuthorizationReq", STOP}, source="[V2G20-1582]"),
        row("ServiceDiscoveryRes", {"ServiceDetailReq", STOP}),
        row("ServiceDetailRes", {"ServiceDetailReq", "ServiceSelectionReq", STOP}),
        row("ServiceSelectionRes", {"DC_ChargeParameterDiscoveryReq", STOP}, DC),
        row("ServiceSelectionRes", {"AC_ChargeParameterDiscoveryReq", STOP}, AC),
        row("DC_ChargeParameterDiscoveryRes", {"ScheduleExchangeReq", STOP}),
        row("AC_ChargeParameterDiscoveryRes", {"ScheduleExchangeReq", STOP}),
        row("ScheduleExchangeRes", {"DC_CableCheckReq", STOP}, {**FINISHED, **DC}),
        row("ScheduleExchangeRes", {"PowerDeliveryReq", STOP}, {**FINISHED, **AC}),
        row("ScheduleExchangeRes", {"ScheduleExchangeReq", STOP}),
        row("DC_CableCheckRes", {"DC_PreChargeReq", STOP}, FINISHED),
        row("DC_CableCheckRes", {"DC_CableCheckReq", STOP}),
        row("DC_PreChargeRes", {"DC_PreChargeReq", "PowerDeliveryReq", STOP}),
        # PowerDelivery with EVProcessing=Ongoing: the EV sends another PowerDeliveryReq (Josev)
        row("PowerDeliveryRes", {"PowerDeliveryReq", STOP}, {"req.EVProcessing": ("Ongoing", "Ongoing_WaitingForCustomerInteraction")}),
        row("PowerDeliveryRes", {"DC_ChargeLoopReq", "PowerDeliveryReq"}, {**START, **DC}),
        row("PowerDeliveryRes", {"AC_ChargeLoopReq", "PowerDeliveryReq"}, {**START, **AC}),
        row("PowerDeliveryRes", {"DC_WeldingDetectionReq", STOP}, {**STOP_PROGRESS, **DC}),
        row("PowerDeliveryRes", {STOP}, STOP_PROGRESS),
        row("PowerDeliveryRes", {"PowerDeliveryReq", STOP}),
        row("DC_ChargeLoopRes", {"DC_ChargeLoopReq", "PowerDeliveryReq"}),
        row("AC_ChargeLoopRes", {"AC_ChargeLoopReq", "PowerDeliveryReq"}),
        row("DC_WeldingDetectionRes", {STOP}, {"req.EVProcessing": "Finished"}),
        row("DC_WeldingDetectionRes", {"DC_WeldingDetectionReq", STOP}),
        # SessionStopRes: no row, close [V2G20-1643]
    ],
)
