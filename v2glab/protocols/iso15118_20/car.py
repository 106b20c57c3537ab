"""The simulated ISO 15118-20 car: EIM or PnC, AC or DC, Scheduled or Dynamic, with or without BPT.

With ``payment_option = "Contract"`` (--pnc) it authorizes with PnC when the SECC lists it,
signing PnC_AReqAuthorizationMode with its contract key, and else with EIM, as Josev's EV
does; a WARNING AuthorizationRes ends its session (it names the code).

The profile's ``requested_mode`` picks AC or DC; ``[evcc.iso15118_20]`` the control
mode, BPT and its limits, how the session ends (``charging_session``: Terminate or
Pause) and, to resume a paused session, the SessionID to come back with.
"""

from __future__ import annotations

import time
from typing import Any

from ...pki import PKIError, cached_pki
from ...pnc import PnCError
from ..simulator import CarBase, SessionFailed, Step
from . import pnc
from .charger import AC_BPT_SERVICE, AC_SERVICE, CONTROL_MODE_VALUES, DC_BPT_SERVICE, DC_SERVICE
from .values import rational, value_of

REPEAT_PAUSE = 0.05  # s between requests the SECC answered Ongoing
NEW_SESSION = bytes(8)  # SessionSetupReq of a new session: 8 zero bytes


class Car(CarBase):
    def __init__(self, profile: dict[str, Any]) -> None:
        super().__init__(profile)
        self.settings = profile["iso15118_20"]
        self.bpt = self.settings["bpt"]
        self.control_mode = self.settings["control_mode"]
        if self.control_mode not in CONTROL_MODE_VALUES:
            raise SessionFailed(f"control_mode {self.control_mode!r} is not Scheduled or Dynamic")
        resume = self.settings["resume_session_id"]
        try:
            self.session_id = bytes.fromhex(resume) if resume else NEW_SESSION
        except ValueError:
            self.session_id = b""
        if len(self.session_id) != 8:
            raise SessionFailed(f"resume_session_id {resume!r} is not a SessionID of 8 bytes in hex")
        self.service = {("AC", False): AC_SERVICE, ("DC", False): DC_SERVICE, ("AC", True): AC_BPT_SERVICE, ("DC", True): DC_BPT_SERVICE}[(self.mode, self.bpt)]
        self.parameter_set_id = 1
        self.schedule_tuple_id: int | None = None
        self.precharged_sent = False
        # Plug & Charge (--tls --pnc: payment_option = "Contract"): what the SECC offered decides
        self.authorization = "EIM"
        self.pnc_request: tuple[dict[str, Any], dict[str, Any]] | None = None  # (PnC_AReqAuthorizationMode, Signature)

    # -- values ------------------------------------------------------------------
    def _dc(self, name: str) -> dict[str, int]:
        return rational(self.profile["dc"][name])

    def _energy_request(self) -> dict[str, Any]:
        capacity = self.profile["dc"]["battery_capacity"]
        return {
            "EVTargetEnergyRequest": rational(capacity * (100 - self.soc) / 100),
            "EVMaximumEnergyRequest": rational(capacity * (100 - self.soc) / 100),
            "EVMinimumEnergyRequest": rational(0),
        }

    def _ac_power(self) -> float:
        ac = self.profile["ac"]
        phases = 3 if self.profile["requested_mode"] == "AC_three_phase_core" else 1
        return 230.0 * ac["max_current"] * phases

    def _discharge(self, *names: str) -> dict[str, Any]:
        s = self.settings
        values = {"EVMaximumDischargePower": s["max_discharge_power"], "EVMinimumDischargePower": s["min_discharge_power"],
                  "EVMaximumDischargeCurrent": s["max_discharge_current"], "EVMinimumDischargeCurrent": s["min_discharge_current"]}
        return {n: rational(values[n]) for n in names}

    # -- requests ------------------------------------------------------------------
    def build_SessionSetupReq(self) -> dict[str, Any]:
        return {"EVCCID": self.profile["evcc_id"]}

    def build_AuthorizationSetupReq(self) -> dict[str, Any]:
        return {}

    def build_AuthorizationReq(self) -> dict[str, Any]:
        if self.authorization == "PnC" and self.pnc_request is not None:
            mode, signature = self.pnc_request  # repeats while Ongoing: the same element and Signature [V2G20-1582]
            self.header = {"Signature": signature}
            return {"SelectedAuthorizationService": "PnC", "PnC_AReqAuthorizationMode": mode}
        return {"SelectedAuthorizationService": "EIM", "EIM_AReqAuthorizationMode": {}}

    def build_ServiceDiscoveryReq(self) -> dict[str, Any]:
        return {}

    def build_ServiceDetailReq(self) -> dict[str, Any]:
        return {"ServiceID": self.service}

    def build_ServiceSelectionReq(self) -> dict[str, Any]:
        return {"SelectedEnergyTransferService": {"ServiceID": self.service, "ParameterSetID": self.parameter_set_id}}

    def build_DC_ChargeParameterDiscoveryReq(self) -> dict[str, Any]:
        mode = {
            "EVMaximumChargePower": self._dc("max_power"),
            "EVMinimumChargePower": rational(0),
            "EVMaximumChargeCurrent": self._dc("max_current"),
            "EVMinimumChargeCurrent": rational(0),
            "EVMaximumVoltage": self._dc("max_voltage"),
            "EVMinimumVoltage": rational(0),
            "TargetSOC": 100,
        }
        if not self.bpt:
            return {"DC_CPDReqEnergyTransferMode": mode}
        return {"BPT_DC_CPDReqEnergyTransferMode": {**mode, **self._discharge(
            "EVMaximumDischargePower", "EVMinimumDischargePower", "EVMaximumDischargeCurrent", "EVMinimumDischargeCurrent")}}

    def build_AC_ChargeParameterDiscoveryReq(self) -> dict[str, Any]:
        mode = {"EVMaximumChargePower": rational(self._ac_power()), "EVMinimumChargePower": rational(230.0 * self.profile["ac"]["min_current"])}
        if not self.bpt:
            return {"AC_CPDReqEnergyTransferMode": mode}
        return {"BPT_AC_CPDReqEnergyTransferMode": {**mode, **self._discharge("EVMaximumDischargePower", "EVMinimumDischargePower")}}

    def build_ScheduleExchangeReq(self) -> dict[str, Any]:
        body: dict[str, Any] = {"MaximumSupportingPoints": self.settings["maximum_supporting_points"]}
        if self.control_mode == "Scheduled":
            body["Scheduled_SEReqControlMode"] = {}
        else:
            body["Dynamic_SEReqControlMode"] = {"DepartureTime": self.profile["departure_time"], **self._energy_request()}
        return body

    def build_DC_CableCheckReq(self) -> dict[str, Any]:
        return {}

    def build_DC_PreChargeReq(self, processing: str = "Ongoing") -> dict[str, Any]:
        dc = self.profile["dc"]
        return {"EVProcessing": processing, "EVPresentVoltage": rational(dc["target_voltage"]), "EVTargetVoltage": rational(dc["target_voltage"])}

    def build_PowerDeliveryReq(self, progress: str = "Start") -> dict[str, Any]:
        body: dict[str, Any] = {"EVProcessing": "Finished", "ChargeProgress": progress}
        if progress == "Start":
            power = self._ac_power() if self.mode == "AC" else self.profile["dc"]["max_power"]
            if self.bpt and self.settings["bpt_channel"] == "Discharge":
                power = -self.settings["max_discharge_power"]
            mode: dict[str, Any] = {"Dynamic_EVPPTControlMode": {}}
            if self.control_mode == "Scheduled":
                # PowerToleranceAcceptance is optional in the XSD; Josev's SECC rejects the request without it
                mode = {"Scheduled_EVPPTControlMode": {"SelectedScheduleTupleID": self.schedule_tuple_id or 1,
                                                       "PowerToleranceAcceptance": "PowerToleranceConfirmed"}}
            body["EVPowerProfile"] = {"TimeAnchor": int(time.time()), **mode,
                                      "EVPowerProfileEntries": {"EVPowerProfileEntry": [{"Duration": 3600, "Power": rational(power)}]}}
        if self.bpt:
            body["BPT_ChannelSelection"] = self.settings["bpt_channel"]
        return body

    def _display(self) -> dict[str, Any]:
        return {"PresentSOC": self.soc, "TargetSOC": 100, "ChargingComplete": self.loops + 1 >= self.profile["charge_loops"]}

    def build_DC_ChargeLoopReq(self) -> dict[str, Any]:
        dc = self.profile["dc"]
        body: dict[str, Any] = {"DisplayParameters": self._display(), "MeterInfoRequested": False, "EVPresentVoltage": self._dc("target_voltage")}
        prefix = "BPT_" if self.bpt else ""
        if self.control_mode == "Scheduled":
            mode: dict[str, Any] = {"EVTargetCurrent": self._dc("target_current"), "EVTargetVoltage": self._dc("target_voltage")}
            if self.bpt:
                mode.update(self._discharge("EVMaximumDischargePower", "EVMinimumDischargePower", "EVMaximumDischargeCurrent"))
        else:
            mode = {**self._energy_request(), "EVMaximumChargePower": self._dc("max_power"), "EVMinimumChargePower": rational(0),
                    "EVMaximumChargeCurrent": rational(min(dc["max_current"], dc["target_current"])),
                    "EVMaximumVoltage": self._dc("max_voltage"), "EVMinimumVoltage": rational(0)}
            if self.bpt:
                mode.update(self._discharge("EVMaximumDischargePower", "EVMinimumDischargePower", "EVMaximumDischargeCurrent"))
        body[f"{prefix}{self.control_mode}_DC_CLReqControlMode"] = mode
        return body

    def build_AC_ChargeLoopReq(self) -> dict[str, Any]:
        body: dict[str, Any] = {"DisplayParameters": self._display(), "MeterInfoRequested": False}
        prefix = "BPT_" if self.bpt else ""
        present = -self.settings["max_discharge_power"] if self.bpt and self.settings["bpt_channel"] == "Discharge" else self._ac_power()
        mode: dict[str, Any] = {"EVPresentActivePower": rational(present)}
        if self.control_mode == "Dynamic":
            mode = {**self._energy_request(), "EVMaximumChargePower": rational(self._ac_power()), "EVMinimumChargePower": rational(0),
                    "EVPresentActivePower": rational(present), "EVPresentReactivePower": rational(0)}
            if self.bpt:
                mode.update(self._discharge("EVMaximumDischargePower", "EVMinimumDischargePower"))
        body[f"{prefix}{self.control_mode}_AC_CLReqControlMode"] = mode
        return body

    def build_DC_WeldingDetectionReq(self) -> dict[str, Any]:
        return {"EVProcessing": "Ongoing"}

    def build_SessionStopReq(self) -> dict[str, Any]:
        return {"ChargingSession": self.settings["charging_session"]}

    # -- the next request after each response ---------------------------------------------
    def first(self) -> Step:
        return "SessionSetupReq", self.build_SessionSetupReq()

    def after_SessionSetupRes(self, body: dict[str, Any]) -> Step:
        if body["ResponseCode"] == "OK_OldSessionJoined":  # resume: straight to ChargeParameterDiscovery
            return self._charge_parameter_discovery()
        if self.settings["resume_session_id"]:
            raise SessionFailed(f"SessionSetupRes {body['ResponseCode']}: the paused session was not resumed")
        return "AuthorizationSetupReq", {}

    def after_AuthorizationSetupRes(self, body: dict[str, Any]) -> Step:
        services = body.get("AuthorizationServices", [])
        if self.profile["payment_option"] == "Contract":
            if self.profile["pnc"]["cert_install"] or self.profile["pnc"]["cert_update"]:
                raise SessionFailed("Plug & Charge: ISO 15118-20 CertificateInstallation is not implemented in v2glab's car")
            offer = body.get("PnC_ASResAuthorizationMode")
            if "PnC" in services and offer is not None:
                return "AuthorizationReq", self._pnc_authorization(offer["GenChallenge"])
            # as Josev's EV does: without PnC on offer, identify by EIM (a card, an app)
            self.notes.append(f"Plug & Charge: the SECC offers {', '.join(services)}, not PnC; authorizing with EIM instead")
        if "EIM" not in services:
            raise SessionFailed(f"the SECC offers {', '.join(services)}, not EIM")
        self.authorization = "EIM"
        return "AuthorizationReq", self.build_AuthorizationReq()

    def _pnc_authorization(self, challenge: bytes) -> dict[str, Any]:
        try:
            contract = cached_pki(self.profile["pnc"]["pki"]).contract
        except PKIError as exc:
            raise SessionFailed(f"Plug & Charge: {exc}") from None
        if contract is None or contract.key is None:
            raise SessionFailed("Plug & Charge: no contract certificate and key in the PKI")
        try:
            self.pnc_request = pnc.authorization_mode(contract, challenge)
        except PnCError as exc:
            raise SessionFailed(f"Plug & Charge: {exc.reason}") from None
        self.authorization = "PnC"
        self.notes.append(f"Plug & Charge: PnC_AReqAuthorizationMode with the GenChallenge and the contract chain of "
                          f"{pnc.certs.common_name(contract.certificate)}, signed with the contract key")
        return self.build_AuthorizationReq()

    def after_AuthorizationRes(self, body: dict[str, Any]) -> Step:
        if body["ResponseCode"].startswith("WARNING"):  # refused; a FAILED one ended the session already
            raise SessionFailed(f"AuthorizationRes: {body['ResponseCode']}: the SECC refused the {self.authorization} authorization")
        if body["EVSEProcessing"] != "Finished":
            self.again("Authorization")  # the same request again, only the TimeStamp changes [V2G20-1582]
            return "AuthorizationReq", self.build_AuthorizationReq(), REPEAT_PAUSE
        self.repeats = 0
        return "ServiceDiscoveryReq", {}

    def after_ServiceDiscoveryRes(self, body: dict[str, Any]) -> Step:
        offered = [s["ServiceID"] for s in body["EnergyTransferServiceList"]["Service"]]
        if self.service not in offered:
            raise SessionFailed(f"the SECC offers services {offered}, not {self.service}")
        return "ServiceDetailReq", self.build_ServiceDetailReq()

    def after_ServiceDetailRes(self, body: dict[str, Any]) -> Step:
        wanted = CONTROL_MODE_VALUES[self.control_mode]
        for parameter_set in body["ServiceParameterList"]["ParameterSet"]:
            values = {p["@Name"]: p.get("intValue") for p in parameter_set["Parameter"]}
            if values.get("ControlMode") == wanted:
                self.parameter_set_id = parameter_set["ParameterSetID"]
                return "ServiceSelectionReq", self.build_ServiceSelectionReq()
        raise SessionFailed(f"service {self.service} has no parameter set with ControlMode {self.control_mode}")

    def after_ServiceSelectionRes(self, body: dict[str, Any]) -> Step:
        return self._charge_parameter_discovery()

    def _charge_parameter_discovery(self) -> Step:
        name = f"{self.mode}_ChargeParameterDiscoveryReq"
        return name, self.default_request(name)

    def after_DC_ChargeParameterDiscoveryRes(self, body: dict[str, Any]) -> Step:
        return "ScheduleExchangeReq", self.build_ScheduleExchangeReq()

    after_AC_ChargeParameterDiscoveryRes = after_DC_ChargeParameterDiscoveryRes

    def after_ScheduleExchangeRes(self, body: dict[str, Any]) -> Step:
        if body["EVSEProcessing"] != "Finished":
            self.again("ScheduleExchange")
            return "ScheduleExchangeReq", self.build_ScheduleExchangeReq(), REPEAT_PAUSE
        self.repeats = 0
        if self.control_mode == "Scheduled":
            tuples = (body.get("Scheduled_SEResControlMode") or {}).get("ScheduleTuple", [])
            if not tuples:
                raise SessionFailed("ScheduleExchangeRes Finished without a ScheduleTuple")
            self.schedule_tuple_id = tuples[0]["ScheduleTupleID"]
        if self.mode == "AC":
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Start")
        return "DC_CableCheckReq", {}

    def after_DC_CableCheckRes(self, body: dict[str, Any]) -> Step:
        if body["EVSEProcessing"] != "Finished":
            self.again("DC_CableCheck")
            return "DC_CableCheckReq", {}, REPEAT_PAUSE
        self.repeats = 0
        return "DC_PreChargeReq", self.build_DC_PreChargeReq()

    def after_DC_PreChargeRes(self, body: dict[str, Any]) -> Step:
        if self.precharged_sent:  # the answer to EVProcessing=Finished: on to PowerDelivery
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Start")
        dc = self.profile["dc"]
        matched = abs(value_of(body["EVSEPresentVoltage"]) - dc["target_voltage"]) <= dc["precharge_tolerance"]
        if not matched and not 0 < dc["precharge_max_loops"] <= self.repeats + 1:
            self.again("DC_PreCharge")
            return "DC_PreChargeReq", self.build_DC_PreChargeReq()
        self.repeats = 0
        self.precharged_sent = True  # the EV says it is done with one more request (Josev's EVCC does the same)
        return "DC_PreChargeReq", self.build_DC_PreChargeReq("Finished")

    def after_PowerDeliveryRes(self, body: dict[str, Any]) -> Step:
        if not self.stopping:
            return self._loop()
        if self.mode == "DC":
            return "DC_WeldingDetectionReq", self.build_DC_WeldingDetectionReq()
        return "SessionStopReq", self.build_SessionStopReq()

    def _loop(self) -> Step:
        name = f"{self.mode}_ChargeLoopReq"
        return name, self.default_request(name)

    def after_DC_ChargeLoopRes(self, body: dict[str, Any]) -> Step:
        self.loops += 1
        self.soc = min(100, self.soc + 1)
        notification = (body.get("EVSEStatus") or {}).get("EVSENotification")
        if self.charged() or notification in ("Terminate", "Pause"):
            self.stopping = True
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Stop")
        return (*self._loop(), self.profile["loop_period"])

    after_AC_ChargeLoopRes = after_DC_ChargeLoopRes

    def after_DC_WeldingDetectionRes(self, body: dict[str, Any]) -> Step:
        if value_of(body["EVSEPresentVoltage"]) >= self.profile["dc"]["welding_safe_voltage"]:
            self.again("DC_WeldingDetection")
            return "DC_WeldingDetectionReq", self.build_DC_WeldingDetectionReq()
        return "SessionStopReq", self.build_SessionStopReq()

    def after_SessionStopRes(self, body: dict[str, Any]) -> None:
        return None
