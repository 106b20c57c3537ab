"""The simulated ISO 15118-2 charger: what a conformant SECC answers to each request, from its profile.

Pure: it takes a decoded request body and returns a response body. The session
core (``v2glab/secc/session.py``) does sequencing, SessionIDs and timers; a Lua
script may replace any of these answers.
"""

from __future__ import annotations

from typing import Any, Callable

from ...pki import PKI, PKIError, cached_pki
from ...pnc import PnCError, Revocations
from ...pnc import messages as pnc
from ..physical import physical, value_of
from ..simulator import ChargerBase, Refused

AC_MODES = {"AC_single_phase_core", "AC_three_phase_core"}


class Charger(ChargerBase):
    """Default responses of an SECC, one method per request, named after it."""

    def __init__(self, profile: dict[str, Any], clock: Callable[[], float] | None = None) -> None:
        super().__init__(profile, *(clock,) if clock else ())
        self.mode = "AC"  # until ChargeParameterDiscoveryReq names the energy transfer mode
        self.ac_max_current = physical(profile["ac"]["max_current"], "A")
        # Plug & Charge: what PaymentDetails established for Authorization and MeteringReceipt
        self.pnc = profile["pnc"]
        self.contract_key: Any = None  # the contract leaf's public key
        self.challenge: bytes | None = None  # the GenChallenge of PaymentDetailsRes [V2G2-475]
        self.authorization_verified = False
        self.sent_meter_reading: int | None = None

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
        self.sent_meter_reading = self.meter_wh
        return {"MeterID": self.profile["meter"]["meter_id"], "MeterReading": self.meter_wh, "TMeter": int(self.clock())}

    # -- Plug & Charge ---------------------------------------------------------
    def payment_options(self) -> list[str]:
        """The profile's options, Contract first when Plug & Charge is on."""
        options = list(self.profile["payment_options"])
        if self.pnc["enabled"] and "Contract" not in options:
            options.insert(0, "Contract")
        return options

    def certificate_service(self) -> bool:
        return self.pnc["enabled"] and self.pnc["certificate_service"]

    def contract_session(self, request: str) -> PKI:
        """The PKI, when this session selected Contract; else the request has no place here."""
        if not self.pnc["enabled"] or self.selected_payment != "Contract":
            raise Refused("FAILED", f"{request} needs Plug & Charge (the Contract payment option)")
        try:
            return cached_pki(self.pnc["pki"])
        except PKIError as exc:
            raise Refused("FAILED_NoCertificateAvailable", str(exc)) from None

    def signature(self) -> Any:
        return self.request.content["Header"].get("Signature") if self.request is not None else None

    def refuse(self, exc: PnCError) -> Refused:
        self.notes.append(f"Plug & Charge check FAILED: {exc}")
        return Refused(exc.response_code, exc.reason)

    def signing_key(self, response: str) -> Any:
        """The private key this charger signs ``response`` with (the CPS leaf's for Certificate*Res), or None."""
        if response not in ("CertificateInstallationRes", "CertificateUpdateRes") or not self.pnc["enabled"]:
            return None
        try:
            pki = cached_pki(self.pnc["pki"])
        except PKIError:
            return None
        return pki.cps.key if pki.cps is not None else None

    def sent(self, response: str, body: dict[str, Any]) -> None:
        """A Lua script sent ``body`` in the charger's place: AuthorizationReq is checked against what was sent."""
        if response == "PaymentDetailsRes" and body.get("GenChallenge") is not None:
            self.challenge = body["GenChallenge"]

    def provisioning(self, pki: PKI) -> pnc.Provisioning:
        roots = tuple(r for r in (pki.mo_root, pki.v2g_root) if r is not None)
        oem_issuers = (pki.oem.sub_cas[0],) if pki.oem is not None and pki.oem.sub_cas else ()
        return pnc.Provisioning(cps=pki.cps, mo_issuer=pki.mo_sub_ca2, contract=pki.contract, mo_roots=roots, oem_issuers=oem_issuers)

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
            "PaymentOptionList": {"PaymentOption": self.payment_options()},
            "ChargeService": {
                "ServiceID": 1,
                "ServiceCategory": "EVCharging",
                "FreeService": self.profile["free_service"],
                "SupportedEnergyTransferMode": {"EnergyTransferMode": list(self.profile["energy_modes"])},
            },
            # the certificate service (ServiceID 2) lets the EV install or update its contract
            **({"ServiceList": {"Service": [{"ServiceID": 2, "ServiceName": "Certificate", "ServiceCategory": "ContractCertificate",
                                             "FreeService": True}]}} if self.certificate_service() else {}),
        }

    def ServiceDetailReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # The charge service (ServiceID 1) has no parameter sets; the certificate service
        # (ServiceID 2) offers Installation (set 1) and Update (set 2).
        if req["ServiceID"] == 2 and self.certificate_service():
            sets = [{"ParameterSetID": i, "Parameter": [{"@Name": "Service", "stringValue": what}]}
                    for i, what in ((1, "Installation"), (2, "Update"))]
            return {"ResponseCode": "OK", "ServiceID": 2, "ServiceParameterList": {"ParameterSet": sets}}
        code = "OK" if req["ServiceID"] == 1 else "FAILED_ServiceIDInvalid"
        return {"ResponseCode": code, "ServiceID": req["ServiceID"]}

    def PaymentServiceSelectionReq(self, req: dict[str, Any]) -> dict[str, Any]:
        option = req["SelectedPaymentOption"]
        services = [s["ServiceID"] for s in req["SelectedServiceList"]["SelectedService"]]
        if option not in self.payment_options():
            return {"ResponseCode": "FAILED_PaymentSelectionInvalid"}
        if 1 not in services:  # [V2G2-804] the charge service must be selected
            return {"ResponseCode": "FAILED_NoChargeServiceSelected"}
        offered = {1, 2} if option == "Contract" and self.certificate_service() else {1}
        if any(s not in offered for s in services):
            return {"ResponseCode": "FAILED_ServiceSelectionInvalid"}
        self.selected_payment = option
        return {"ResponseCode": "OK"}

    def AuthorizationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        # PnC: the first AuthorizationReq carries the challenge, signed by the contract key;
        # repeats while Ongoing are not checked again [V2G2-684].
        if self.selected_payment == "Contract" and not self.authorization_verified:
            self.contract_session("AuthorizationReq")
            try:
                pnc.check_authorization(req, self.signature(), self.challenge, self.contract_key)
            except PnCError as exc:
                raise self.refuse(exc) from None
            self.authorization_verified = True
            self.notes.append("Plug & Charge: AuthorizationReq GenChallenge and signature (contract key) verified")
        # Then (and for EIM): Ongoing a configured number of times, then Finished [V2G2-854].
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
        if self.selected_payment == "Contract" and self.contract_key is not None:  # signed with the contract key [V2G2-691]
            reading = self.sent_meter_reading if self.pnc["check_meter_reading"] else None
            try:
                pnc.check_metering_receipt(req, self.signature(), self.contract_key, meter_reading=reading)
            except PnCError as exc:
                self.notes.append(f"Plug & Charge check FAILED: {exc}")
                return {"ResponseCode": exc.response_code, name: status}
            self.notes.append("Plug & Charge: MeteringReceiptReq signature (contract key) verified")
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

    # -- Plug & Charge: the checks live in v2glab.pnc; a failed one is the minimal FAILED_* response
    def PaymentDetailsReq(self, req: dict[str, Any]) -> dict[str, Any]:
        pki = self.contract_session("PaymentDetailsReq")
        roots = [r for r in (pki.mo_root, pki.v2g_root) if r is not None]
        try:
            chain = pnc.check_payment_details(req, roots, revocations=Revocations(crls=pki.crls) if pki.crls else None,
                                              canceled_emaids=self.pnc["canceled_emaids"])
        except PnCError as exc:
            raise self.refuse(exc) from None
        self.contract_key = chain.public_key
        self.notes.append(f"Plug & Charge: contract chain of {req.get('eMAID')} valid up to {pnc.certs.common_name(chain.root)} "
                          f"({chain.response_code})")
        self.challenge = pnc.new_gen_challenge()
        self.authorization_verified = False
        return {"ResponseCode": chain.response_code, "GenChallenge": self.challenge, "EVSETimeStamp": int(self.clock())}

    def CertificateInstallationReq(self, req: dict[str, Any]) -> dict[str, Any]:
        pki = self.contract_session("CertificateInstallationReq")
        try:
            body, signature, _contract = pnc.certificate_installation_res(req, self.signature(), self.provisioning(pki))
        except PnCError as exc:
            raise self.refuse(exc) from None
        self.notes.append(f"Plug & Charge: CertificateInstallationReq signature (OEM provisioning key) verified; "
                          f"contract {body['eMAID']['#text']} issued, its key encrypted for the OEM key, signed by the CPS leaf")
        self.header = {"Signature": signature}
        return body

    def CertificateUpdateReq(self, req: dict[str, Any]) -> dict[str, Any]:
        pki = self.contract_session("CertificateUpdateReq")
        try:
            body, signature, _contract = pnc.certificate_update_res(req, self.signature(), self.provisioning(pki),
                                                                    revocations=Revocations(crls=pki.crls) if pki.crls else None)
        except PnCError as exc:
            raise self.refuse(exc) from None
        self.notes.append(f"Plug & Charge: CertificateUpdateReq chain and signature (current contract key) verified; "
                          f"contract {body['eMAID']['#text']} renewed, its key encrypted for the current contract key")
        self.header = {"Signature": signature}
        return body
