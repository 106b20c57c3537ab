"""The simulated DIN SPEC 70121 charger: DC only, ExternalPayment only.

Response codes and loops as ../shared/docs/din70121-behaviour.md §3-5 gives them:
ChargeParameterDiscoveryRes always carries SAScheduleList and DC_EVSEChargeParameter,
CableCheckRes reports EVSE_IsolationMonitoringActive while Ongoing and EVSE_Ready with
a Valid isolation at Finished, as most real chargers do.
"""

from __future__ import annotations

from typing import Any, Callable

from ..physical import physical, value_of
from ..simulator import ChargerBase, Refused

DC_MODES = ("DC_extended", "DC_core")


class Charger(ChargerBase):
    def __init__(self, profile: dict[str, Any], clock: Callable[[], float] | None = None) -> None:
        super().__init__(profile, *(clock,) if clock else ())
        self.mode = "DC"
        self.charging = False  # the charge loop has started: no renegotiation in DIN

    def dc_status(self, code: str = "EVSE_Ready", isolation: str = "Valid") -> dict[str, Any]:
        return {"EVSEIsolationStatus": isolation, "EVSEStatusCode": code, "NotificationMaxDelay": 0, "EVSENotification": "None"}

    def failed(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """A minimal FAILED response as a DC-only, ExternalPayment-only charger sends it.

        The DIN XSD does not declare the substitution heads EVSEStatus, EVSEChargeParameter and
        SASchedules abstract, so the schema's minimum holds them empty; an EV expects their DC
        members (and SAScheduleList, mandatory in ChargeParameterDiscoveryRes), as Josev's
        failed responses carry them. Status: EVSE_Shutdown, isolation Invalid.
        """
        shutdown = self.dc_status("EVSE_Shutdown", "Invalid")
        dc_members = {
            "EVSEStatus": ("DC_EVSEStatus", lambda: shutdown),
            "DC_EVSEStatus": ("DC_EVSEStatus", lambda: shutdown),
            "EVSEChargeParameter": ("DC_EVSEChargeParameter", lambda: self.dc_evse_charge_parameter(shutdown)),
            "SASchedules": ("SAScheduleList", self.sa_schedule_list),
            "PaymentOptions": ("PaymentOptions", lambda: {"PaymentOption": ["ExternalPayment"]}),  # [V2G-DC-252]
        }
        out: dict[str, Any] = {}
        for key, value in body.items():  # in schema order: the members take their heads' places
            member, make = dc_members.get(key, (key, lambda value=value: value))
            out[member] = make()
        if "ChargeService" in out:
            out["ChargeService"]["EnergyTransferType"] = self._offered_mode()
        return out

    def _offered_mode(self) -> str:
        return next((m for m in DC_MODES if m in self.profile["energy_modes"]), DC_MODES[0])

    # -- one method per request -------------------------------------------
    def SessionSetupReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # [V2G-DC-393] every new session; DIN has no pause to rejoin
        body: dict[str, Any] = {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": bytes.fromhex(self.profile["din70121"]["evse_id"])}
        if self.profile["send_evse_timestamp"]:
            body["DateTimeNow"] = int(self.clock())
        return body

    def ServiceDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # ServiceName, ServiceScope and ServiceList "shall not be used" [V2G-DC-628][V2G-DC-629]
        return {
            "ResponseCode": "OK",
            "PaymentOptions": {"PaymentOption": ["ExternalPayment"]},  # [V2G-DC-252]
            "ChargeService": {
                "ServiceTag": {"ServiceID": 1, "ServiceCategory": "EVCharging"},
                "FreeService": self.profile["free_service"],
                "EnergyTransferType": self._offered_mode(),
            },
        }

    def ServicePaymentSelectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        if req["SelectedPaymentOption"] != "ExternalPayment":
            return {"ResponseCode": "FAILED_PaymentSelectionInvalid"}  # [V2G-DC-395]
        services = [s["ServiceID"] for s in req["SelectedServiceList"]["SelectedService"]]
        if services != [1]:
            return {"ResponseCode": "FAILED_ServiceSelectionInvalid"}  # [V2G-DC-396][V2G-DC-635]
        self.selected_payment = "ExternalPayment"
        return {"ResponseCode": "OK"}

    def ContractAuthenticationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # EIM: Ongoing a configured number of times, then Finished [V2G-DC-497][V2G-DC-498]
        return {"ResponseCode": "OK", "EVSEProcessing": "Ongoing" if self.ongoing("authorization_left") else "Finished"}

    def ChargeParameterDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        code = "OK"
        mode = req["EVRequestedEnergyTransferType"]
        if mode not in DC_MODES or mode not in self.profile["energy_modes"]:
            code = "FAILED_WrongEnergyTransferType"  # [V2G-DC-397]
        elif "AC_EVChargeParameter" in req:
            code = "FAILED_WrongChargeParameter"  # [V2G-DC-398]
        processing = "Ongoing" if code == "OK" and self.ongoing("charge_parameter_left") else "Finished"
        # Both are mandatory in DIN, also while Ongoing.
        return {
            "ResponseCode": code,
            "EVSEProcessing": processing,
            "SAScheduleList": self.sa_schedule_list(),
            "DC_EVSEChargeParameter": self.dc_evse_charge_parameter(self.dc_status()),
        }

    def sa_schedule_list(self) -> dict[str, Any]:
        """The profile's single schedule; DIN's PMax is a unit-less short in W."""
        schedule = self.profile["schedule"]
        entry = {"RelativeTimeInterval": {"start": 0, "duration": schedule["duration"]}, "PMax": min(int(schedule["pmax"]), 32767)}
        return {"SAScheduleTuple": [{
            "SAScheduleTupleID": schedule["sa_schedule_tuple_id"],
            "PMaxSchedule": {"PMaxScheduleID": 1, "PMaxScheduleEntry": [entry]},
        }]}

    def CableCheckReq(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.ongoing("cable_check_left"):
            return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status("EVSE_IsolationMonitoringActive", "Invalid"), "EVSEProcessing": "Ongoing"}
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status(), "EVSEProcessing": "Finished"}

    def PreChargeReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(value_of(req["EVTargetVoltage"]))
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status(), "EVSEPresentVoltage": physical(self.present_voltage, "V")}

    def PowerDeliveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        if req["ReadyToChargeState"] and self.charging:
            raise Refused("FAILED", "PowerDelivery(ReadyToChargeState=true) after the charge loop: DIN has no renegotiation")
        profile = req.get("ChargingProfile")
        if profile is not None and profile["SAScheduleTupleID"] != self.profile["schedule"]["sa_schedule_tuple_id"]:
            return {"ResponseCode": "FAILED_TariffSelectionInvalid", "DC_EVSEStatus": self.dc_status()}  # [V2G-DC-400]
        self.charging = req["ReadyToChargeState"]
        if not self.charging:
            self.present_current = 0.0
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status()}

    def CurrentDemandReq(self, req: dict[str, Any]) -> dict[str, Any]:
        return self.current_demand(req, self.dc_status())

    def WeldingDetectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(0.0)  # contactors open: the output discharges
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status("EVSE_NotReady"), "EVSEPresentVoltage": physical(self.present_voltage, "V")}

    def SessionStopReq(self, req: dict[str, Any]) -> dict[str, Any]:
        return {"ResponseCode": "OK"}  # then close [V2G-DC-451]
