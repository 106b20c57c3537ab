"""The simulated ISO 15118-2 car: the next request after each response, from its profile.

Pure: ``step(response, body)`` returns the next request (and a pause before it),
or None when the session is complete; ``build_<Request>()`` is what the car sends
as that request now (a Lua script starts from it).
"""

from __future__ import annotations

from typing import Any

from ...pki import PKI, Credential, PKIError, cached_pki
from ...pnc import PnCError
from ...pnc import messages as pnc
from ..physical import physical
from ..simulator import EnvelopeCarBase, SessionFailed, Step


class Car(EnvelopeCarBase):
    def __init__(self, profile: dict[str, Any]) -> None:
        super().__init__(profile)
        self.sa_schedule_tuple_id = 1
        # Plug & Charge
        self.pnc = profile["pnc"]
        self.contract: Credential | None = None  # the contract the car authorizes with (installed or from its PKI)
        self.challenge: bytes | None = None
        self.renegotiating = False  # PowerDeliveryReq Renegotiate sent: ChargeParameterDiscovery comes next

    # -- Plug & Charge ---------------------------------------------------------
    def contract_mode(self) -> bool:
        return self.profile["payment_option"] == "Contract"

    def provisioning(self) -> bool:
        return self.contract_mode() and (self.pnc["cert_install"] or self.pnc["cert_update"])

    def pki(self) -> PKI:
        try:
            return cached_pki(self.pnc["pki"])
        except PKIError as exc:
            raise SessionFailed(f"Plug & Charge: {exc}") from None

    def signature(self) -> Any:
        return self.response.content["Header"].get("Signature") if self.response is not None else None

    def sign(self, step: tuple[str, dict[str, Any], Any]) -> Step:
        """Remember the Signature for the request's header (the core adds it when it sends)."""
        name, body, signature = step
        self.header = {"Signature": signature}
        return name, body

    def _payment_details(self) -> Step:
        if self.contract is None:
            self.contract = self.pki().contract
        if self.contract is None or self.contract.key is None:
            raise SessionFailed("Plug & Charge: no contract certificate and key in the PKI (install one with --cert-install)")
        return "PaymentDetailsReq", pnc.payment_details_req(self.contract)

    def _provisioned(self, body: dict[str, Any], own_key: Any) -> Step:
        pki = self.pki()
        if pki.v2g_root is None:
            raise SessionFailed("Plug & Charge: no V2G root to check the CPS chain against")
        try:
            self.contract = pnc.accept_provisioning_res(body, self.signature(), [pki.v2g_root], own_key)
        except PnCError as exc:
            raise SessionFailed(f"{self.response.body_name} refused: {exc.reason}") from None
        self.notes.append(f"Plug & Charge: {self.response.body_name} CPS chain and signature verified; contract "
                          f"{pnc.certs.common_name(self.contract.certificate)} installed, its key decrypted and matching")
        return self._payment_details()

    def _authorization(self) -> Step:
        return "AuthorizationReq", self.build_AuthorizationReq()

    def signing_key(self, request: str) -> Any:
        """The private key this car signs ``request`` with (a Lua script's edited request is signed anew), or None."""
        if not self.contract_mode():
            return None
        try:
            pki = self.pki()
        except SessionFailed:
            return None
        if request == "CertificateInstallationReq":
            return pki.oem.key if pki.oem is not None else None
        if request == "CertificateUpdateReq":
            return pki.contract.key if pki.contract is not None else None
        if request in ("AuthorizationReq", "MeteringReceiptReq"):
            contract = self.contract or pki.contract
            return contract.key if contract is not None else None
        return None

    # -- requests ------------------------------------------------------------
    def build_SessionSetupReq(self) -> dict[str, Any]:
        return {"EVCCID": bytes.fromhex(self.profile["evcc_id"])}

    def build_ServiceDiscoveryReq(self) -> dict[str, Any]:
        return {}

    def build_PaymentServiceSelectionReq(self, service_id: int = 1, *more: int) -> dict[str, Any]:
        services = [{"ServiceID": s} for s in (service_id, *more)]
        return {"SelectedPaymentOption": self.profile["payment_option"], "SelectedServiceList": {"SelectedService": services}}

    def build_PaymentDetailsReq(self) -> dict[str, Any] | None:
        try:
            return self._payment_details()[1] if self.contract_mode() else None
        except SessionFailed:
            return None  # no contract: a script starts from the minimal body

    def build_CertificateInstallationReq(self) -> dict[str, Any] | None:
        pki = self._pki_or_none()
        if pki is None or pki.oem is None or pki.oem.key is None:
            return None
        body, self.header["Signature"] = pnc.certificate_installation_req(pki.oem, [r for r in (pki.v2g_root,) if r is not None])
        return body

    def build_CertificateUpdateReq(self) -> dict[str, Any] | None:
        pki = self._pki_or_none()
        if pki is None or pki.contract is None or pki.contract.key is None:
            return None
        body, self.header["Signature"] = pnc.certificate_update_req(pki.contract, [r for r in (pki.v2g_root,) if r is not None])
        return body

    def _pki_or_none(self) -> PKI | None:
        try:
            return self.pki() if self.contract_mode() else None
        except SessionFailed:
            return None

    def build_AuthorizationReq(self) -> dict[str, Any]:
        if self.contract_mode() and self.challenge is not None and self.contract is not None and self.contract.key is not None:
            body, signature = pnc.authorization_req(self.challenge, self.contract.key)  # PnC: signed [V2G2-684]
            self.header = {"Signature": signature}
            return body
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
        body = {"SessionID": self.session_id, "SAScheduleTupleID": self.sa_schedule_tuple_id, "MeterInfo": meter_info or {"MeterID": "unknown"}}
        if self.contract_mode() and self.contract is not None and self.contract.key is not None:
            body = {"@Id": "ID1", **body}  # signed with the contract key [V2G2-691]
            self.header = {"Signature": pnc.sign_metering_receipt(body, self.contract.key)}
        return body

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
        charge = body["ChargeService"]["ServiceID"]
        if self.provisioning():  # installation and update need the certificate service (ServiceID 2)
            if not any(s["ServiceID"] == 2 for s in body.get("ServiceList", {}).get("Service", [])):
                raise SessionFailed("the SECC offers no certificate service (ServiceID 2) to install or update a contract")
            return "PaymentServiceSelectionReq", self.build_PaymentServiceSelectionReq(charge, 2)
        return "PaymentServiceSelectionReq", self.build_PaymentServiceSelectionReq(charge)

    def after_PaymentServiceSelectionRes(self, body: dict[str, Any]) -> Step:
        if not self.contract_mode():
            return "AuthorizationReq", {}
        pki = self.pki()
        roots = [r for r in (pki.v2g_root,) if r is not None]
        if self.pnc["cert_install"]:
            if pki.oem is None or pki.oem.key is None:
                raise SessionFailed("Plug & Charge: no OEM provisioning certificate and key in the PKI")
            return self.sign(("CertificateInstallationReq", *pnc.certificate_installation_req(pki.oem, roots)))
        if self.pnc["cert_update"]:
            if pki.contract is None or pki.contract.key is None:
                raise SessionFailed("Plug & Charge: no contract certificate and key to update")
            return self.sign(("CertificateUpdateReq", *pnc.certificate_update_req(pki.contract, roots)))
        return self._payment_details()

    def after_CertificateInstallationRes(self, body: dict[str, Any]) -> Step:
        # the contract key arrives encrypted for the OEM provisioning key
        oem = self.pki().oem
        assert oem is not None
        return self._provisioned(body, oem.key)

    def after_CertificateUpdateRes(self, body: dict[str, Any]) -> Step:
        # the new key arrives encrypted for the current contract key
        current = self.pki().contract
        assert current is not None
        return self._provisioned(body, current.key)

    def after_PaymentDetailsRes(self, body: dict[str, Any]) -> Step:
        self.challenge = body["GenChallenge"]
        return self._authorization()

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
            self.renegotiating = body.get("ChargeProgress") == "Renegotiate"

    def after_PowerDeliveryRes(self, body: dict[str, Any]) -> Step:
        if self.renegotiating:  # new charge parameters and schedules, then charging again
            self.renegotiating = False
            return "ChargeParameterDiscoveryReq", self.build_ChargeParameterDiscoveryReq()
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
        if status.get("EVSENotification") == "ReNegotiation":
            # the charger asks for a renegotiation: leave the loop with PowerDeliveryReq Renegotiate
            self.renegotiating = True
            return "PowerDeliveryReq", self.build_PowerDeliveryReq("Renegotiate")
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
