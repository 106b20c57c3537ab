"""The simulated ISO 15118-2 charger: what a conformant SECC answers to each request, from its profile.

Pure: it takes a decoded request body and returns a response body. The session
core (``v2glab/secc/session.py``) does sequencing, SessionIDs and timers; a Lua
script may replace any of these answers.
"""

from __future__ import annotations

from typing import Any, Callable

from ..physical import physical, value_of
from ..simulator import ChargerBase, Refused

AC_MODES = {"AC_single_phase_core", "AC_three_phase_core"}


class Charger(ChargerBase):
    """Default responses of an SECC, one method per request, named after it."""

    def __init__(self, profile: dict[str, Any], clock: Callable[[], float] | None = None) -> None:
        super().__init__(profile, *(clock,) if clock else ())
        self.mode = "AC"  # until ChargeParameterDiscoveryReq names the energy transfer mode
        self.ac_max_current = physical(profile["ac"]["max_current"], "A")

    def failed(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.mode == "DC" and "AC_EVSEStatus" in body:  # keep the status type of the session
            del body["AC_EVSEStatus"]
            body["DC_EVSEStatus"] = self.dc_status("EVSE_Shutdown")
        return body

    # -- status blocks -----------------------------------------------------
    def ac_status(self) -> dict[str, Any]:
        return {"NotificationMaxDelay": 0, "EVSENotification": "None", "RCD": self.profile["ac"]["rcd"]}

    def dc_status(self, code: str = "EVSE_Ready") -> dict[str, Any]:
        return {"NotificationMaxDelay": 0, "EVSENotification": "None", "EVSEIsolationStatus": "Valid", "EVSEStatusCode": code}

    def evse_status(self) -> tuple[str, dict[str, Any]]:
        """The EVSEStatus substitution member that fits the session's energy mode."""
        return ("AC_EVSEStatus", self.ac_status()) if self.mode == "AC" else ("DC_EVSEStatus", self.dc_status())

    def meter_info(self) -> dict[str, Any]:
        return {"MeterID": self.profile["meter"]["meter_id"], "MeterReading": self.meter_wh, "TMeter": int(self.clock())}

    # -- one method per request -------------------------------------------
    def SessionSetupReq(self, req: dict[str, Any]) -> dict[str, Any]:
        code = "OK_OldSessionJoined" if self.rejoined else "OK_NewSessionEstablished"
        body: dict[str, Any] = {"ResponseCode": code, "EVSEID": self.profile["evse_id"]}
        if self.profile["send_evse_timestamp"]:
            body["EVSETimeStamp"] = int(self.clock())
        return body

    def ServiceDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        return {
            "ResponseCode": "OK",
            "PaymentOptionList": {"PaymentOption": list(self.profile["payment_options"])},
            "ChargeService": {
                "ServiceID": 1,
                "ServiceCategory": "EVCharging",
                "FreeService": self.profile["free_service"],
                "SupportedEnergyTransferMode": {"EnergyTransferMode": list(self.profile["energy_modes"])},
            },
        }

    def ServiceDetailReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # Only the charge service (ServiceID 1) exists; it has no parameter sets.
        code = "OK" if req["ServiceID"] == 1 else "FAILED_ServiceIDInvalid"
        return {"ResponseCode": code, "ServiceID": req["ServiceID"]}

    def PaymentServiceSelectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        option = req["SelectedPaymentOption"]
        services = [s["ServiceID"] for s in req["SelectedServiceList"]["SelectedService"]]
        if option not in self.profile["payment_options"]:
            return {"ResponseCode": "FAILED_PaymentSelectionInvalid"}
        if 1 not in services:  # [V2G2-804] the charge service must be selected
            return {"ResponseCode": "FAILED_NoChargeServiceSelected"}
        if any(s != 1 for s in services):
            return {"ResponseCode": "FAILED_ServiceSelectionInvalid"}
        self.selected_payment = option
        return {"ResponseCode": "OK"}

    def AuthorizationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # EIM: Ongoing (customer interaction) a configured number of times, then Finished [V2G2-854].
        if self.ongoing("authorization_left"):
            return {"ResponseCode": "OK", "EVSEProcessing": "Ongoing_WaitingForCustomerInteraction"}
        return {"ResponseCode": "OK", "EVSEProcessing": "Finished"}

    def ChargeParameterDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        mode = req["RequestedEnergyTransferMode"]
        self.mode = "AC" if mode in AC_MODES else "DC"
        wrong_parameter = ("AC_EVChargeParameter" in req) != (self.mode == "AC")
        body: dict[str, Any] = {"ResponseCode": "OK", "EVSEProcessing": "Finished"}
        if mode not in self.profile["energy_modes"]:
            body["ResponseCode"] = "FAILED_WrongEnergyTransferMode"
        elif wrong_parameter:
            body["ResponseCode"] = "FAILED_WrongChargeParameter"
        elif self.ongoing("charge_parameter_left"):
            body["EVSEProcessing"] = "Ongoing"
        if body["ResponseCode"] == "OK" and body["EVSEProcessing"] == "Finished":
            schedule = self.profile["schedule"]
            body["SAScheduleList"] = {
                "SAScheduleTuple": [
                    {
                        "SAScheduleTupleID": schedule["sa_schedule_tuple_id"],
                        "PMaxSchedule": {
                            "PMaxScheduleEntry": [
                                {"RelativeTimeInterval": {"start": 0, "duration": schedule["duration"]}, "PMax": physical(schedule["pmax"], "W")}
                            ]
                        },
                    }
                ]
            }
        if self.mode == "AC":
            ac = self.profile["ac"]
            body["AC_EVSEChargeParameter"] = {
                "AC_EVSEStatus": self.ac_status(),
                "EVSENominalVoltage": physical(ac["nominal_voltage"], "V"),
                "EVSEMaxCurrent": physical(ac["max_current"], "A"),
            }
        else:
            body["DC_EVSEChargeParameter"] = self.dc_evse_charge_parameter(self.dc_status())
        return body

    def PowerDeliveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        name, status = self.evse_status()
        code = "OK"
        if req["SAScheduleTupleID"] != self.profile["schedule"]["sa_schedule_tuple_id"]:
            code = "FAILED_TariffSelectionInvalid"
        elif req["ChargeProgress"] == "Stop":
            self.present_current = 0.0
        return {"ResponseCode": code, name: status}

    def ChargingStatusReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.meter_wh += self.profile["meter"]["wh_per_loop"]
        body: dict[str, Any] = {
            "ResponseCode": "OK",
            "EVSEID": self.profile["evse_id"],
            "SAScheduleTupleID": self.profile["schedule"]["sa_schedule_tuple_id"],
            "EVSEMaxCurrent": self.ac_max_current,
        }
        if self.profile["receipt_required"]:  # the EV signs the MeterInfo it gets here [V2G2-691]
            body["MeterInfo"] = self.meter_info()
        body["ReceiptRequired"] = self.profile["receipt_required"]
        body["AC_EVSEStatus"] = self.ac_status()
        return body

    def MeteringReceiptReq(self, req: dict[str, Any]) -> dict[str, Any]:
        name, status = self.evse_status()
        return {"ResponseCode": "OK", name: status}

    def CableCheckReq(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.ongoing("cable_check_left"):
            return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status(), "EVSEProcessing": "Ongoing"}
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status(), "EVSEProcessing": "Finished"}

    def PreChargeReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(value_of(req["EVTargetVoltage"]))
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status(), "EVSEPresentVoltage": physical(self.present_voltage, "V")}

    def CurrentDemandReq(self, req: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.current_demand(req, self.dc_status()),
            "EVSEID": self.profile["evse_id"],
            "SAScheduleTupleID": self.profile["schedule"]["sa_schedule_tuple_id"],
            "MeterInfo": self.meter_info(),
            "ReceiptRequired": self.profile["receipt_required"],
        }

    def WeldingDetectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(0.0)  # contactors open: the output discharges
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.dc_status("EVSE_NotReady"), "EVSEPresentVoltage": physical(self.present_voltage, "V")}

    def SessionStopReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.paused = req.get("ChargingSession") == "Pause"  # [V2G2-463] the EV may come back
        return {"ResponseCode": "OK"}

    # Plug & Charge is not offered yet: the minimal response with FAILED.
    def PaymentDetailsReq(self, req: dict[str, Any]) -> dict[str, Any]:
        raise Refused("FAILED", "Plug & Charge is not offered by this SECC yet")

    CertificateInstallationReq = CertificateUpdateReq = PaymentDetailsReq
