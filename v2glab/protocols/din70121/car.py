"""The simulated DIN SPEC 70121 car: DC, ExternalPayment, the loops of ../shared/docs/din70121-behaviour.md §4.

Like pyPLC's EV it treats EVSE_NotReady and EVSE_IsolationMonitoringActive as "wait"
during CableCheck, and stops on EVSE_Shutdown, an emergency or EVSENotification StopCharging
in the charge loop.
"""

from __future__ import annotations

from typing import Any

from ..simulator import REPEAT_PAUSE, EnvelopeCarBase, SessionFailed, Step

STOP_CODES = {"EVSE_Shutdown", "EVSE_UtilityInterruptEvent", "EVSE_EmergencyShutdown", "EVSE_Malfunction"}


class Car(EnvelopeCarBase):
    def __init__(self, profile: dict[str, Any]) -> None:
        super().__init__(profile)
        if self.mode != "DC":
            raise SessionFailed(f"DIN SPEC 70121 is DC only; this car requests {profile['requested_mode']}")
        self.sa_schedule_tuple_id = 1

    # -- requests ------------------------------------------------------------
    def build_SessionSetupReq(self) -> dict[str, Any]:
        return {"EVCCID": bytes.fromhex(self.profile["evcc_id"])}

    def build_ServiceDiscoveryReq(self) -> dict[str, Any]:
        return {}

    def build_ServicePaymentSelectionReq(self, service_id: int = 1) -> dict[str, Any]:
        return {"SelectedPaymentOption": "ExternalPayment", "SelectedServiceList": {"SelectedService": [{"ServiceID": service_id}]}}

    def build_ContractAuthenticationReq(self) -> dict[str, Any]:
        return {}

    def build_ChargeParameterDiscoveryReq(self) -> dict[str, Any]:
        return {"EVRequestedEnergyTransferType": self.profile["requested_mode"], "DC_EVChargeParameter": self.dc_ev_charge_parameter()}

    def build_PowerDeliveryReq(self, ready: bool = True) -> dict[str, Any]:
        return {"ReadyToChargeState": ready, "DC_EVPowerDeliveryParameter": {"DC_EVStatus": self.dc_status(), "ChargingComplete": not ready}}

    def build_SessionStopReq(self) -> dict[str, Any]:
        return {}

    # -- the next request after each response -------------------------------------
    def first(self) -> Step:
        return "SessionSetupReq", self.build_SessionSetupReq()

    def after_SessionSetupRes(self, body: dict[str, Any]) -> Step:
        return "ServiceDiscoveryReq", {}

    def after_ServiceDiscoveryRes(self, body: dict[str, Any]) -> Step:
        offered = body["ChargeService"]["EnergyTransferType"]
        if not offered.startswith("DC"):
            raise SessionFailed(f"the SECC offers {offered}, not DC")
        if "ExternalPayment" not in body["PaymentOptions"]["PaymentOption"]:
            raise SessionFailed("the SECC does not offer ExternalPayment")
        return "ServicePaymentSelectionReq", self.build_ServicePaymentSelectionReq(body["ChargeService"]["ServiceTag"]["ServiceID"])

    def after_ServicePaymentSelectionRes(self, body: dict[str, Any]) -> Step:
        return "ContractAuthenticationReq", {}

    def after_ContractAuthenticationRes(self, body: dict[str, Any]) -> Step:
        return self.while_ongoing(body, "ContractAuthenticationReq") or ("ChargeParameterDiscoveryReq", self.build_ChargeParameterDiscoveryReq())

    def after_ChargeParameterDiscoveryRes(self, body: dict[str, Any]) -> Step:
        again = self.while_ongoing(body, "ChargeParameterDiscoveryReq")
        if again:
            return again
        tuples = body.get("SAScheduleList", {}).get("SAScheduleTuple", [])
        if tuples:
            self.sa_schedule_tuple_id = tuples[0]["SAScheduleTupleID"]
        return "CableCheckReq", self.build_CableCheckReq()

    def after_CableCheckRes(self, body: dict[str, Any]) -> Step:
        status = body["DC_EVSEStatus"]
        if status["EVSEStatusCode"] in STOP_CODES:
            raise SessionFailed(f"CableCheckRes reports {status['EVSEStatusCode']}")
        ready = status["EVSEStatusCode"] == "EVSE_Ready" and status.get("EVSEIsolationStatus") in ("Valid", "Warning")
        if body["EVSEProcessing"] != "Finished" or not ready:
            self.again("CableCheck")
            return "CableCheckReq", self.build_CableCheckReq(), REPEAT_PAUSE
        self.repeats = 0
        return "PreChargeReq", self.build_PreChargeReq()

    def after_PreChargeRes(self, body: dict[str, Any]) -> Step:
        if not self.precharged(body):
            return "PreChargeReq", self.build_PreChargeReq()
        return "PowerDeliveryReq", self.build_PowerDeliveryReq(True)

    def sent(self, request: str, body: dict[str, Any]) -> None:
        if request == "PowerDeliveryReq":
            self.stopping = body.get("ReadyToChargeState") is False

    def after_PowerDeliveryRes(self, body: dict[str, Any]) -> Step:
        if not self.stopping:
            return "CurrentDemandReq", self.build_CurrentDemandReq()
        return "WeldingDetectionReq", self.build_WeldingDetectionReq()

    def after_CurrentDemandRes(self, body: dict[str, Any]) -> Step:
        self.loops += 1
        self.soc = min(100, self.soc + 1)
        status = body["DC_EVSEStatus"]
        # the charger asks the car to stop (EVSENotification StopCharging), or shuts down: end the charge loop
        if self.charged() or status["EVSEStatusCode"] in STOP_CODES or status.get("EVSENotification") == "StopCharging":
            self.stopping = True
            return "PowerDeliveryReq", self.build_PowerDeliveryReq(False)
        return "CurrentDemandReq", self.build_CurrentDemandReq(), self.profile["loop_period"]

    def after_WeldingDetectionRes(self, body: dict[str, Any]) -> Step:
        if not self.welded(body):
            return "WeldingDetectionReq", self.build_WeldingDetectionReq()
        return "SessionStopReq", {}

    def after_SessionStopRes(self, body: dict[str, Any]) -> None:
        return None
