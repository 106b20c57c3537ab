"""The simulated ISO 15118-2 car: the next request after each response, from its profile.

Pure: ``step(response, body)`` returns the next request (and a pause before it),
or None when the session is complete; ``build_<Request>()`` is what the car sends
as that request now (a Lua script starts from it).
"""

from __future__ import annotations

from typing import Any

from ..physical import physical
from ..simulator import EnvelopeCarBase, SessionFailed, Step


class Car(EnvelopeCarBase):
    def __init__(self, profile: dict[str, Any]) -> None:
        super().__init__(profile)
        self.sa_schedule_tuple_id = 1

    # -- requests ------------------------------------------------------------
    def build_SessionSetupReq(self) -> dict[str, Any]:
        return {"EVCCID": bytes.fromhex(self.profile["evcc_id"])}

    def build_ServiceDiscoveryReq(self) -> dict[str, Any]:
        return {}

    def build_PaymentServiceSelectionReq(self, service_id: int = 1) -> dict[str, Any]:
        return {"SelectedPaymentOption": self.profile["payment_option"], "SelectedServiceList": {"SelectedService": [{"ServiceID": service_id}]}}

    def build_AuthorizationReq(self) -> dict[str, Any]:
        return {}

    def build_ChargeParameterDiscoveryReq(self) -> dict[str, Any]:
        p = self.profile
        if self.mode == "AC":
            ac = p["ac"]
            parameter = {
                "AC_EVChargeParameter": {
                    "DepartureTime": p["departure_time"],
                    "EAmount": physical(ac["energy_amount"], "Wh"),
                    "EVMaxVoltage": physical(ac["max_voltage"], "V"),
                    "EVMaxCurrent": physical(ac["max_current"], "A"),
                    "EVMinCurrent": physical(ac["min_current"], "A"),
                }
            }
        else:
            parameter = {"DC_EVChargeParameter": {"DepartureTime": p["departure_time"], **self.dc_ev_charge_parameter()}}
        return {"RequestedEnergyTransferMode": p["requested_mode"], **parameter}

    def build_PowerDeliveryReq(self, progress: str = "Start") -> dict[str, Any]:
        body: dict[str, Any] = {"ChargeProgress": progress, "SAScheduleTupleID": self.sa_schedule_tuple_id}
        if self.mode == "DC":
            body["DC_EVPowerDeliveryParameter"] = {"DC_EVStatus": self.dc_status(), "ChargingComplete": progress == "Stop"}
        return body

    def build_ChargingStatusReq(self) -> dict[str, Any]:
        return {}

    def build_MeteringReceiptReq(self, meter_info: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"SessionID": self.session_id, "SAScheduleTupleID": self.sa_schedule_tuple_id, "MeterInfo": meter_info or {"MeterID": "unknown"}}

    def build_SessionStopReq(self) -> dict[str, Any]:
        return {"ChargingSession": "Terminate"}

    # -- the next request after each response -------------------------------------
    def first(self) -> Step:
        return "SessionSetupReq", self.build_SessionSetupReq()

    def after_SessionSetupRes(self, body: dict[str, Any]) -> Step:
        return "ServiceDiscoveryReq", {}

    def after_ServiceDiscoveryRes(self, body: dict[str, Any]) -> Step:
        modes = body["ChargeService"]["SupportedEnergyTransferMode"]["EnergyTransferMode"]
        if self.profile["requested_mode"] not in modes:
            raise SessionFailed(f"the SECC offers {', '.join(modes)}, not {self.profile['requested_mode']}")
        if self.profile["payment_option"] not in body["PaymentOptionList"]["PaymentOption"]:
            raise SessionFailed(f"the SECC does not offer {self.profile['payment_option']}")
        return "PaymentServiceSelectionReq", self.build_PaymentServiceSelectionReq(body["ChargeService"]["ServiceID"])

    def after_PaymentServiceSelectionRes(self, body: dict[str, Any]) -> Step:
        return "AuthorizationReq", {}

    def after_AuthorizationRes(self, body: dict[str, Any]) -> Step:
        return self.while_ongoing(body, "AuthorizationReq") or ("ChargeParameterDiscoveryReq", self.build_ChargeParameterDiscoveryReq())

    def after_ChargeParameterDiscoveryRes(self, body: dict[str, Any]) -> Step:
        again = self.while_ongoing(body, "ChargeParameterDiscoveryReq")
        if again:
            return again
        tuples = body.get("SAScheduleList", {}).get("SAScheduleTuple", [])
        if not tuples:
            raise SessionFailed("ChargeParameterDiscoveryRes Finished without an SAScheduleList")
        self.sa_schedule_tuple_id = tuples[0]["SAScheduleTupleID"]
        if self.mode == "AC":
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Start")
        return "CableCheckReq", self.build_CableCheckReq()

    def after_CableCheckRes(self, body: dict[str, Any]) -> Step:
        return self.while_ongoing(body, "CableCheckReq") or ("PreChargeReq", self.build_PreChargeReq())

    def after_PreChargeRes(self, body: dict[str, Any]) -> Step:
        if not self.precharged(body):
            return "PreChargeReq", self.build_PreChargeReq()
        return "PowerDeliveryReq", self.build_PowerDeliveryReq("Start")

    def sent(self, request: str, body: dict[str, Any]) -> None:
        if request == "PowerDeliveryReq":
            self.stopping = body.get("ChargeProgress") == "Stop"

    def after_PowerDeliveryRes(self, body: dict[str, Any]) -> Step:
        if not self.stopping:
            return self.loop_request()
        if self.mode == "DC":
            return "WeldingDetectionReq", self.build_WeldingDetectionReq()
        return "SessionStopReq", self.build_SessionStopReq()

    def loop_request(self) -> Step:
        if self.mode == "AC":
            return "ChargingStatusReq", {}
        return "CurrentDemandReq", self.build_CurrentDemandReq()

    def _loop_response(self, body: dict[str, Any]) -> Step:
        self.loops += 1
        self.soc = min(100, self.soc + 1)
        status = body.get("AC_EVSEStatus") or body.get("DC_EVSEStatus") or {}
        if status.get("EVSENotification") == "StopCharging" or status.get("EVSEStatusCode") in ("EVSE_Shutdown", "EVSE_EmergencyShutdown"):
            # the charger asks the EV to stop, or shuts down: end the charge loop with PowerDeliveryReq Stop
            self.stopping = True
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Stop")
        if body.get("ReceiptRequired"):
            return "MeteringReceiptReq", self.build_MeteringReceiptReq(body.get("MeterInfo"))
        return self._continue_loop()

    def _continue_loop(self) -> Step:
        if self.charged():
            self.stopping = True
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Stop")
        return (*self.loop_request(), self.profile["loop_period"])

    def after_ChargingStatusRes(self, body: dict[str, Any]) -> Step:
        return self._loop_response(body)

    def after_CurrentDemandRes(self, body: dict[str, Any]) -> Step:
        return self._loop_response(body)

    def after_MeteringReceiptRes(self, body: dict[str, Any]) -> Step:
        return self._continue_loop()

    def after_WeldingDetectionRes(self, body: dict[str, Any]) -> Step:
        if not self.welded(body):
            return "WeldingDetectionReq", self.build_WeldingDetectionReq()
        return "SessionStopReq", self.build_SessionStopReq()

    def after_SessionStopRes(self, body: dict[str, Any]) -> None:
        return None
