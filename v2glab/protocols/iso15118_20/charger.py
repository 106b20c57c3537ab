"""The simulated ISO 15118-20 charger: EIM (and PnC with ``[secc.pnc]``), AC and DC, Scheduled and
Dynamic, with or without BPT.

What it offers comes from the profile (``[secc.iso15118_20]``): the energy transfer
services follow the energy modes (AC 1, DC 2) and ``bpt`` (AC_BPT 5, DC_BPT 6); each
service has one parameter set per control mode in ``control_modes`` (ParameterSetID 1,
2, ...). Later requests are checked against what the EV selected, with the response
codes libiso15118 and Josev use (../shared/docs/iso15118-20-behaviour.md §4). Plug & Charge
authorization (``pnc.py``): AuthorizationSetupRes lists PnC with a fresh GenChallenge, and the
signed PnC_AReqAuthorizationMode is checked; a refusal is a WARNING that keeps the session.
"""

from __future__ import annotations

from typing import Any, Callable

from ...pki import PKIError, cached_pki
from ...pnc import PnCError, Revocations
from ..simulator import ChargerBase, Refused
from . import pnc
from .values import rational, value_of

AC_SERVICE, DC_SERVICE, AC_BPT_SERVICE, DC_BPT_SERVICE = 1, 2, 5, 6
MODE_OF_SERVICE = {AC_SERVICE: "AC", AC_BPT_SERVICE: "AC", DC_SERVICE: "DC", DC_BPT_SERVICE: "DC"}
BPT_SERVICES = {AC_BPT_SERVICE, DC_BPT_SERVICE}
CONTROL_MODE_VALUES = {"Scheduled": 1, "Dynamic": 2}  # ServiceDetail parameter ControlMode
SCHEDULE_TUPLE_ID = 1


class Charger(ChargerBase):
    def __init__(self, profile: dict[str, Any], clock: Callable[[], float] | None = None) -> None:
        super().__init__(profile, *(clock,) if clock else ())
        self.settings = profile["iso15118_20"]
        self.schedule_exchange_left = self.settings["schedule_exchange_ongoing"]
        self.service: int | None = None  # the selected energy transfer service
        self.control_mode: str | None = None  # Scheduled or Dynamic, from the selected parameter set
        self.channel = "Charge"  # BPT_ChannelSelection of the last PowerDeliveryReq
        self.detailed: set[int] = set()
        # Plug & Charge (``[secc.pnc]``, --tls --pnc): the GenChallenge of AuthorizationSetupRes
        self.pnc = profile["pnc"]
        self.challenge: bytes | None = None
        self.authorized_by: str | None = None  # EIM or PnC, once an AuthorizationReq passed its checks

    # -- what this charger offers -------------------------------------------------------
    def services(self) -> list[int]:
        modes = {m[:2] for m in self.profile["energy_modes"]}
        out = [s for s, m in ((AC_SERVICE, "AC"), (DC_SERVICE, "DC")) if m in modes]
        if self.settings["bpt"]:
            out += [s for s, m in ((AC_BPT_SERVICE, "AC"), (DC_BPT_SERVICE, "DC")) if m in modes]
        return out

    def parameter_sets(self, service: int) -> dict[int, str]:
        """ParameterSetID -> control mode (a value other than Scheduled or Dynamic is skipped)."""
        return {i: mode for i, mode in enumerate(self.settings["control_modes"], start=1) if mode in CONTROL_MODE_VALUES}

    def facts(self) -> dict[str, Any]:
        return {**super().facts(), "service": self.service, "control_mode": self.control_mode}

    @property
    def bpt(self) -> bool:
        return self.service in BPT_SERVICES

    # -- one method per request ----------------------------------------------------------
    def SessionSetupReq(self, req: dict[str, Any]) -> dict[str, Any]:
        code = "OK_OldSessionJoined" if self.rejoined else "OK_NewSessionEstablished"
        return {"ResponseCode": code, "EVSEID": self.profile["evse_id"]}

    def authorization_services(self) -> list[str]:
        return ["EIM", "PnC"] if self.pnc["enabled"] else ["EIM"]

    def AuthorizationSetupReq(self, req: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"ResponseCode": "OK", "AuthorizationServices": self.authorization_services(),
                                "CertificateInstallationService": False}  # no -20 CertificateInstallation yet
        if not self.pnc["enabled"]:
            # EIM only: the EIM branch, no GenChallenge ([V2G20-2567], as Josev does without PnC)
            return {**body, "EIM_ASResAuthorizationMode": {}}
        self.challenge = pnc.new_gen_challenge()  # fresh for every AuthorizationSetup
        return {**body, "PnC_ASResAuthorizationMode": pnc.setup_mode(self.challenge)}

    def AuthorizationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        selected = req["SelectedAuthorizationService"]
        if selected not in self.authorization_services():  # [V2G20-2209] not offered
            return {"ResponseCode": "WARNING_AuthorizationSelectionInvalid", "EVSEProcessing": "Finished"}
        code = "OK"
        # PnC: the first AuthorizationReq is checked; its repeats while Ongoing are the same request [V2G20-1582]
        if selected == "PnC" and self.authorized_by != "PnC":
            checked = self.check_pnc(req)
            if checked.startswith("WARNING"):
                return {"ResponseCode": checked, "EVSEProcessing": "Finished"}
            code = checked
        self.authorized_by = selected
        processing = "Ongoing" if self.ongoing("authorization_left") else "Finished"
        return {"ResponseCode": code, "EVSEProcessing": processing}

    def check_pnc(self, req: dict[str, Any]) -> str:
        """The -20 PnC checks (``pnc.check_authorization``): OK, OK_CertificateExpiresSoon or a WARNING
        code; FAILED_SignatureError is refused (it ends the session)."""
        if "PnC_AReqAuthorizationMode" not in req:
            raise Refused("FAILED", "AuthorizationReq selects PnC without PnC_AReqAuthorizationMode")
        try:
            pki = cached_pki(self.pnc["pki"])
        except PKIError as exc:
            self.notes.append(f"Plug & Charge check refused: {pnc.WARNING_GENERAL_PNC_AUTHORIZATION_ERROR}: {exc}")
            return pnc.WARNING_GENERAL_PNC_AUTHORIZATION_ERROR
        roots = [r for r in (pki.mo_root, pki.v2g_root) if r is not None]
        signature = self.request.content["Header"].get("Signature") if self.request is not None else None
        try:
            chain = pnc.check_authorization(req["PnC_AReqAuthorizationMode"], signature, self.challenge, roots,
                                            revocations=Revocations(crls=pki.crls) if pki.crls else None)
        except PnCError as exc:
            self.notes.append(f"Plug & Charge check {'FAILED' if exc.response_code.startswith('FAILED') else 'refused'}: {exc}")
            if exc.response_code.startswith("FAILED"):
                raise Refused(exc.response_code, exc.reason) from None
            return exc.response_code
        self.notes.append(f"Plug & Charge: AuthorizationReq signature over PnC_AReqAuthorizationMode (contract key), GenChallenge "
                          f"and contract chain of {pnc.certs.common_name(chain.leaf)} up to {pnc.certs.common_name(chain.root)} "
                          f"verified ({chain.response_code})")
        return chain.response_code

    def ServiceDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        wanted = set((req.get("SupportedServiceIDs") or {}).get("ServiceID", [])) or None
        services = [s for s in self.services() if wanted is None or s in wanted]
        if not services:
            services = self.services()  # the list must not be empty; the EV sees what there is
        return {"ResponseCode": "OK", "ServiceRenegotiationSupported": False,
                "EnergyTransferServiceList": {"Service": [{"ServiceID": s, "FreeService": self.profile["free_service"]} for s in services]}}

    def ServiceDetailReq(self, req: dict[str, Any]) -> dict[str, Any]:
        service = req["ServiceID"]
        if service not in self.services():
            raise Refused("FAILED_ServiceIDInvalid", f"ServiceDetailReq for ServiceID {service}, not offered [V2G20-464]")
        self.detailed.add(service)
        sets = []
        for set_id, mode in self.parameter_sets(service).items():
            parameters = [("Connector", 2), ("ControlMode", CONTROL_MODE_VALUES[mode])]
            if MODE_OF_SERVICE[service] == "AC":
                parameters.append(("EVSENominalVoltage", int(self.profile["ac"]["nominal_voltage"])))
            # MobilityNeedsMode 1 (EVCC only) in Scheduled mode, as libiso15118 forces it
            parameters += [("MobilityNeedsMode", 1 if mode == "Scheduled" else 2), ("Pricing", 0)]
            if service in BPT_SERVICES:
                parameters += [("BPTChannel", 1), ("GeneratorMode", 1)]
            sets.append({"ParameterSetID": set_id, "Parameter": [{"@Name": n, "intValue": v} for n, v in parameters]})
        return {"ResponseCode": "OK", "ServiceID": service, "ServiceParameterList": {"ParameterSet": sets}}

    def ServiceSelectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        selected = req["SelectedEnergyTransferService"]
        service, set_id = selected["ServiceID"], selected["ParameterSetID"]
        if service not in self.services() or (req.get("SelectedVASList") or {}).get("SelectedService"):
            # an energy service not offered, or a value-added service (none is offered)
            raise Refused("FAILED_ServiceSelectionInvalid", f"ServiceSelectionReq selects service {service} or a VAS, not offered")
        if set_id not in self.parameter_sets(service):
            raise Refused("FAILED_NoEnergyTransferServiceSelected", f"ParameterSetID {set_id} of service {service} was not offered")
        self.service, self.control_mode = service, self.parameter_sets(service)[set_id]
        self.mode = MODE_OF_SERVICE[service]
        return {"ResponseCode": "OK"}

    def _check_mode(self, req: dict[str, Any], plain: str, bpt: str) -> None:
        """ChargeParameterDiscovery: the plain or BPT element must fit the selected service."""
        if (bpt if self.bpt else plain) not in req:
            raise Refused("FAILED_WrongChargeParameter", f"{plain if self.bpt else bpt} does not fit the selected service {self.service}")

    def DC_ChargeParameterDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self._check_mode(req, "DC_CPDReqEnergyTransferMode", "BPT_DC_CPDReqEnergyTransferMode")
        dc = self.profile["dc"]
        limits = {
            "EVSEMaximumChargePower": rational(dc["max_power"]),
            "EVSEMinimumChargePower": rational(0),
            "EVSEMaximumChargeCurrent": rational(dc["max_current"]),
            "EVSEMinimumChargeCurrent": rational(dc["min_current"]),
            "EVSEMaximumVoltage": rational(dc["max_voltage"]),
            "EVSEMinimumVoltage": rational(dc["min_voltage"]),
        }
        if not self.bpt:
            return {"ResponseCode": "OK", "DC_CPDResEnergyTransferMode": limits}
        s = self.settings
        return {"ResponseCode": "OK", "BPT_DC_CPDResEnergyTransferMode": {
            **limits,
            "EVSEMaximumDischargePower": rational(s["max_discharge_power"]),
            "EVSEMinimumDischargePower": rational(s["min_discharge_power"]),
            "EVSEMaximumDischargeCurrent": rational(s["max_discharge_current"]),
            "EVSEMinimumDischargeCurrent": rational(s["min_discharge_current"]),
        }}

    def ac_max_power(self) -> float:
        ac = self.profile["ac"]
        phases = 3 if "AC_three_phase_core" in self.profile["energy_modes"] else 1
        return ac["nominal_voltage"] * ac["max_current"] * phases

    def AC_ChargeParameterDiscoveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self._check_mode(req, "AC_CPDReqEnergyTransferMode", "BPT_AC_CPDReqEnergyTransferMode")
        limits = {
            "EVSEMaximumChargePower": rational(self.ac_max_power()),
            "EVSEMinimumChargePower": rational(0),
            "EVSENominalFrequency": rational(self.settings["nominal_frequency"]),
        }
        if not self.bpt:
            return {"ResponseCode": "OK", "AC_CPDResEnergyTransferMode": limits}
        return {"ResponseCode": "OK", "BPT_AC_CPDResEnergyTransferMode": {
            **limits,
            "EVSEMaximumDischargePower": rational(self.settings["max_discharge_power"]),
            "EVSEMinimumDischargePower": rational(self.settings["min_discharge_power"]),
        }}

    def ScheduleExchangeReq(self, req: dict[str, Any]) -> dict[str, Any]:
        wanted = f"{self.control_mode}_SEReqControlMode"
        if wanted not in req:  # the control mode of the request differs from the selected one
            raise Refused("FAILED", f"ScheduleExchangeReq without {wanted}, the selected control mode")
        if self.ongoing("schedule_exchange_left"):
            return {"ResponseCode": "OK", "EVSEProcessing": "Ongoing"}
        body: dict[str, Any] = {"ResponseCode": "OK", "EVSEProcessing": "Finished"}
        if self.control_mode == "Dynamic":
            body["Dynamic_SEResControlMode"] = {}
            return body
        schedule = self.profile["schedule"]
        anchor = int(self.clock())
        pmax = min(schedule["pmax"], self.ac_max_power() if self.mode == "AC" else self.profile["dc"]["max_power"])
        entry = {"Duration": schedule["duration"], "Power": rational(pmax)}
        tuple_: dict[str, Any] = {"ScheduleTupleID": SCHEDULE_TUPLE_ID, "ChargingSchedule": self._schedule(anchor, entry)}
        if self.bpt:  # discharging power is negative in the schedule, as the dSPACE capture shows
            discharge = {"Duration": schedule["duration"], "Power": rational(-self.settings["max_discharge_power"])}
            tuple_["DischargingSchedule"] = self._schedule(anchor, discharge)
        body["Scheduled_SEResControlMode"] = {"ScheduleTuple": [tuple_]}
        return body

    def _schedule(self, anchor: int, entry: dict[str, Any]) -> dict[str, Any]:
        schedule: dict[str, Any] = {"PowerSchedule": {"TimeAnchor": anchor, "PowerScheduleEntries": {"PowerScheduleEntry": [entry]}}}
        if self.settings["price_level_schedule"]:
            # optional in the XSD; Josev's EV rejects a ScheduleTuple without a price schedule
            schedule["PriceLevelSchedule"] = {"TimeAnchor": anchor, "PriceScheduleID": 1, "NumberOfPriceLevels": 1,
                                              "PriceLevelScheduleEntries": {"PriceLevelScheduleEntry": [{"Duration": entry["Duration"], "PriceLevel": 0}]}}
        return schedule

    def DC_CableCheckReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # no isolation status in -20 messages: EVSEProcessing alone says when the test is over
        return {"ResponseCode": "OK", "EVSEProcessing": "Ongoing" if self.ongoing("cable_check_left") else "Finished"}

    def DC_PreChargeReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(value_of(req["EVTargetVoltage"]))
        return {"ResponseCode": "OK", "EVSEPresentVoltage": rational(self.present_voltage)}

    def PowerDeliveryReq(self, req: dict[str, Any]) -> dict[str, Any]:
        profile = req.get("EVPowerProfile") or {}
        scheduled = profile.get("Scheduled_EVPPTControlMode")
        if scheduled is not None and scheduled["SelectedScheduleTupleID"] != SCHEDULE_TUPLE_ID:
            raise Refused("FAILED_ScheduleSelectionInvalid", f"SelectedScheduleTupleID {scheduled['SelectedScheduleTupleID']} was not offered")
        if req["ChargeProgress"] == "Standby":
            return {"ResponseCode": "WARNING_StandbyNotAllowed"}
        if req.get("BPT_ChannelSelection"):
            if not self.bpt:
                raise Refused("FAILED_WrongChargeParameter", "BPT_ChannelSelection in a session without a BPT service")
            self.channel = req["BPT_ChannelSelection"]
        if req["ChargeProgress"] == "Stop":
            self.present_current = 0.0
        return {"ResponseCode": "OK"}

    def _loop_mode(self, req: dict[str, Any], kind: str) -> str:
        """The control-mode element of a charge loop request; FAILED if it is not the selected one."""
        wanted = f"{'BPT_' if self.bpt else ''}{self.control_mode}_{kind}_CLReqControlMode"
        if wanted not in req:
            raise Refused("FAILED", f"{kind}_ChargeLoopReq without {wanted}, the selected service and control mode")
        return wanted

    def _meter(self, req: dict[str, Any], body: dict[str, Any]) -> None:
        if req.get("MeterInfoRequested"):
            body["MeterInfo"] = {"MeterID": self.profile["meter"]["meter_id"], "ChargedEnergyReadingWh": self.meter_wh}

    def DC_ChargeLoopReq(self, req: dict[str, Any]) -> dict[str, Any]:
        element = self._loop_mode(req, "DC")
        ev = req[element]
        dc, s = self.profile["dc"], self.settings
        if self.control_mode == "Scheduled":
            target_voltage = value_of(ev["EVTargetVoltage"])
            wanted = value_of(ev["EVTargetCurrent"])
        else:  # Dynamic: the EVSE decides the current within the EV's limits
            target_voltage = value_of(req["EVPresentVoltage"])
            wanted = value_of(ev["EVMaximumChargeCurrent"])
        self.ramp(target_voltage)
        hit = self.deliver(wanted)
        current = -self.present_current if self.channel == "Discharge" else self.present_current
        body: dict[str, Any] = {"ResponseCode": "OK"}
        self._meter(req, body)
        body.update({
            "EVSEPresentCurrent": rational(round(current, 1)),
            "EVSEPresentVoltage": rational(self.present_voltage),
            "EVSEPowerLimitAchieved": hit["power"],
            "EVSECurrentLimitAchieved": hit["current"],
            "EVSEVoltageLimitAchieved": target_voltage > dc["max_voltage"],
        })
        limits: dict[str, Any] = {
            "EVSEMaximumChargePower": rational(dc["max_power"]),
            "EVSEMinimumChargePower": rational(0),
            "EVSEMaximumChargeCurrent": rational(dc["max_current"]),
            "EVSEMaximumVoltage": rational(dc["max_voltage"]),
        }
        if self.bpt:
            limits.update({
                "EVSEMaximumDischargePower": rational(s["max_discharge_power"]),
                "EVSEMinimumDischargePower": rational(s["min_discharge_power"]),
                "EVSEMaximumDischargeCurrent": rational(s["max_discharge_current"]),
                "EVSEMinimumVoltage": rational(dc["min_voltage"]),
            })
        body[element.replace("CLReq", "CLRes")] = limits
        return body

    def AC_ChargeLoopReq(self, req: dict[str, Any]) -> dict[str, Any]:
        element = self._loop_mode(req, "AC")
        self.meter_wh += self.profile["meter"]["wh_per_loop"]
        power = self.ac_max_power() if self.channel == "Charge" else -self.settings["max_discharge_power"]
        body: dict[str, Any] = {"ResponseCode": "OK"}
        self._meter(req, body)
        body[element.replace("CLReq", "CLRes")] = {"EVSETargetActivePower": rational(power)}
        return body

    def DC_WeldingDetectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        self.ramp(0.0)  # contactors open: the output discharges
        return {"ResponseCode": "OK", "EVSEPresentVoltage": rational(self.present_voltage)}

    def SessionStopReq(self, req: dict[str, Any]) -> dict[str, Any]:
        if req["ChargingSession"] == "ServiceRenegotiation":
            raise Refused("FAILED_NoServiceRenegotiationSupported", "SessionStop(ServiceRenegotiation): not supported")
        self.paused = req["ChargingSession"] == "Pause"  # the EV may come back with its SessionID
        return {"ResponseCode": "OK"}

    # CertificateInstallation (AuthorizationSetupRes says CertificateInstallationService = false) and
    # metering confirmation are not offered yet.
    def CertificateInstallationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        raise Refused("FAILED", "ISO 15118-20 CertificateInstallation is not offered by this SECC yet")

    MeteringConfirmationReq = VehicleCheckInReq = VehicleCheckOutReq = CertificateInstallationReq
