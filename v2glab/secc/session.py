"""The SECC session core, sans-I/O: bytes and timer expiries in, events out.

One instance serves one TCP connection. Sequencing follows
``../shared/docs/secc-behaviour.md`` (EVerest's table of allowed next requests):

* the first frame must be supportedAppProtocolReq; then ISO 15118-2 messages;
* a request out of sequence is answered with its own response type, only
  mandatory fields, FAILED_SequenceError, and the connection closes [V2G2-538][V2G2-539];
* a SessionID other than the session's is answered FAILED_UnknownSession [V2G2-460];
* every other FAILED_* answer also closes the connection, as Josev and RISE do;
* a bad V2GTP header or undecodable EXI closes the connection without an answer:
  the request type is unknown, so no response can match it;
* after each response the sequence timer restarts [V2G2-443].

SessionStopReq in the middle of the charge loop is a sequence error: the standard
allows only PowerDelivery there, and v2glab is a test tool, so it is strict.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from .. import exi
from ..errors import EXIError
from ..protocols.core import FramedCore
from ..protocols.events import Event, Received, Send, StartTimer, StateChanged
from ..protocols.messages import SUPPORTED_PROTOCOLS, failed_response, response_name, v2g_message
from ..v2gtp import PayloadType, V2GTPHeader, V2GTPReader, frame
from .charger import Charger
from .store import SessionStore

APP = "supportedAppProtocolReq"
# Requests the SECC answers with FAILED because it does not offer them yet (Plug & Charge).
NOT_OFFERED = {"PaymentDetailsReq", "CertificateInstallationReq", "CertificateUpdateReq"}


def allowed_after(response: str, body: dict[str, Any], mode: str, payment: str | None) -> set[str]:
    """Requests allowed once ``response`` has been sent (EVerest iso_server.hpp, [V2G2-538])."""
    stop = {"SessionStopReq"}
    processing = body.get("EVSEProcessing", "Finished")
    receipt = body.get("ReceiptRequired", False)
    loop = "ChargingStatusReq" if mode == "AC" else "CurrentDemandReq"
    if response == "supportedAppProtocolRes":
        return {"SessionSetupReq"}
    if response == "SessionSetupRes":
        return {"ServiceDiscoveryReq"} | stop
    if response in ("ServiceDiscoveryRes", "ServiceDetailRes"):
        return {"ServiceDetailReq", "PaymentServiceSelectionReq"} | stop
    if response == "PaymentServiceSelectionRes":
        if payment == "Contract":
            return {"PaymentDetailsReq", "CertificateInstallationReq", "CertificateUpdateReq"} | stop
        return {"AuthorizationReq"} | stop
    if response in ("PaymentDetailsRes", "CertificateInstallationRes", "CertificateUpdateRes"):
        return {"PaymentDetailsReq" if response != "PaymentDetailsRes" else "AuthorizationReq"} | stop
    if response == "AuthorizationRes":
        return ({"ChargeParameterDiscoveryReq"} if processing == "Finished" else {"AuthorizationReq"}) | stop
    if response == "ChargeParameterDiscoveryRes":
        if processing != "Finished":
            return {"ChargeParameterDiscoveryReq"} | stop
        return ({"PowerDeliveryReq"} if mode == "AC" else {"CableCheckReq"}) | stop
    if response == "CableCheckRes":
        return ({"PreChargeReq"} if processing == "Finished" else {"CableCheckReq"}) | stop
    if response == "PreChargeRes":
        return {"PreChargeReq", "PowerDeliveryReq"} | stop
    if response == "PowerDeliveryRes":
        return set()  # decided by the request's ChargeProgress, see _after_power_delivery
    if response in ("ChargingStatusRes", "CurrentDemandRes"):
        return {"MeteringReceiptReq"} if receipt else {loop, "PowerDeliveryReq"}
    if response == "MeteringReceiptRes":
        return {loop, "PowerDeliveryReq"}
    if response == "WeldingDetectionRes":
        return {"WeldingDetectionReq"} | stop
    return set()  # SessionStopRes: nothing more on this connection


def negotiate(request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """supportedAppProtocolRes for an offer: the EV's most preferred protocol the SECC speaks.

    Returns the response body and the chosen AppProtocol entry (None: Failed_NoNegotiation).
    """
    offers = sorted(request.get("AppProtocol", []), key=lambda p: p["Priority"])
    for offer in offers:
        version = SUPPORTED_PROTOCOLS.get(offer["ProtocolNamespace"])
        if version and offer["VersionNumberMajor"] == version[0]:
            minor_ok = offer["VersionNumberMinor"] == version[1]
            code = "OK_SuccessfulNegotiation" if minor_ok else "OK_SuccessfulNegotiationWithMinorDeviation"
            return {"ResponseCode": code, "SchemaID": offer["SchemaID"]}, offer
    return {"ResponseCode": "Failed_NoNegotiation"}, None


class SeccSession(FramedCore):
    def __init__(
        self,
        profile: dict[str, Any],
        store: SessionStore | None = None,
        new_session_id: Callable[[], bytes] = lambda: os.urandom(8),
    ) -> None:
        self.profile = profile
        self.store = store if store is not None else SessionStore.for_profile(profile)
        self.new_session_id = new_session_id
        self.reader = V2GTPReader(profile["transport"]["max_payload"])
        self.charger = Charger(profile)
        self.session_id: bytes | None = None
        self.allowed: set[str] = {APP}
        self.closed = False

    # -- inputs -----------------------------------------------------------
    def start(self) -> list[Event]:
        """The connection is up: the EV has until SessionSetupRes [V2G2-723]."""
        return [StartTimer(self.profile["timers"]["communication_setup_timeout"], "V2G_SECC_CommunicationSetup_Performance_Time")]

    def timeout(self) -> list[Event]:
        """The running timer expired: stop the session without a response [V2G2-443]."""
        if self.closed:
            return []
        waited = "V2G_SECC_CommunicationSetup_Performance_Time" if self.session_id is None else "V2G_SECC_Sequence_Timeout"
        return self._close(f"{waited} expired waiting for {' or '.join(sorted(self.allowed))}", ok=False)

    # -- processing -------------------------------------------------------
    def _frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        if header.payload_type != PayloadType.EXI:
            return self._close(f"payload type {header.payload_type:#06x} is not EXI on a V2G connection", ok=False)
        schema = "app" if self.allowed == {APP} else "iso15118-2"
        try:
            message = exi.decode(payload, schema)
        except EXIError as exc:
            return [Received(header, payload, None, str(exc)), *self._close(f"undecodable EXI: {exc}", ok=False)]
        events: list[Event] = [Received(header, payload, message)]
        if schema == "app":
            return events + self._app_protocol(message)
        return events + self._request(message)

    def _app_protocol(self, message: exi.Message) -> list[Event]:
        if message.name != APP:
            return self._close(f"expected {APP}, got {message.name}", ok=False)
        body, chosen = negotiate(message.content)
        events = self._send(exi.Message("app", "supportedAppProtocolRes", body))
        if chosen is None:
            offered = ", ".join(o["ProtocolNamespace"] for o in message.content.get("AppProtocol", [])) or "nothing"
            return events + self._close(f"no supported protocol offered ({offered})", ok=False)
        self.allowed = {"SessionSetupReq"}
        return events + [StateChanged("SessionSetup", {"protocol": chosen["ProtocolNamespace"]})]

    def _request(self, message: exi.Message) -> list[Event]:
        name = message.body_name
        if not name.endswith("Req"):
            return self._close(f"{name} is not a request", ok=False)
        req = message.body
        if name != "SessionSetupReq" and message.session_id != self.session_id:
            return self._fail(name, "FAILED_UnknownSession", f"SessionID {message.session_id.hex().upper() if message.session_id else None} is not this session's")
        if name not in self.allowed:
            return self._fail(name, "FAILED_SequenceError", f"{name} out of sequence; allowed: {', '.join(sorted(self.allowed))}")
        if name in NOT_OFFERED:
            return self._fail(name, "FAILED", f"{name}: Plug & Charge is not offered by this SECC yet")
        rejoined = False
        if name == "SessionSetupReq":
            rejoined = self._session_setup(message.session_id or b"")
        handler = getattr(self.charger, name)
        body = handler(req, rejoined) if name == "SessionSetupReq" else handler(req)
        return self._respond(name, req, body)

    def _session_setup(self, requested: bytes) -> bool:
        """Rejoin a paused session, or start a new one [V2G2-756]."""
        paused = self.store.resume(requested) if self.profile["resume_paused_sessions"] else None
        if paused is not None:
            self.charger = paused
            self.session_id = requested
            return True
        self.session_id = self.new_session_id()
        return False

    def _respond(self, request: str, req: dict[str, Any], body: dict[str, Any]) -> list[Event]:
        name = response_name(request)
        events = self._send(v2g_message(self.session_id or b"\x00", name, body))
        code = body.get("ResponseCode", "OK")
        if code.startswith("FAILED"):
            return events + self._close(f"{name} answered {code}", ok=False)
        if name == "SessionStopRes":
            if req.get("ChargingSession") == "Pause" and self.session_id is not None:
                self.store.pause(self.session_id, self.charger)
            return events + self._close(f"session {req.get('ChargingSession', 'Terminate').lower()}d by the EV", ok=True)
        if name == "PowerDeliveryRes":
            self.allowed = self._after_power_delivery(req["ChargeProgress"])
        else:
            self.allowed = allowed_after(name, body, self.charger.mode, self.charger.selected_payment)
        return events + [
            StateChanged(name, {"allowed": sorted(self.allowed)}),
            StartTimer(self.profile["timers"]["sequence_timeout"], "V2G_SECC_Sequence_Timeout"),
        ]

    def _after_power_delivery(self, progress: str) -> set[str]:
        dc = self.charger.mode == "DC"
        if progress == "Start":
            return {"CurrentDemandReq" if dc else "ChargingStatusReq"}
        if progress == "Renegotiate":
            return {"ChargeParameterDiscoveryReq", "SessionStopReq"}
        return {"WeldingDetectionReq", "SessionStopReq"} if dc else {"SessionStopReq"}

    def _fail(self, request: str, code: str, reason: str) -> list[Event]:
        name, body = failed_response(request, code)
        if self.charger.mode == "DC" and "AC_EVSEStatus" in body:  # keep the status type of the session
            del body["AC_EVSEStatus"]
            body["DC_EVSEStatus"] = self.charger.dc_status("EVSE_Shutdown")
        session_id = self.session_id or b"\x00"
        return self._send(v2g_message(session_id, name, body)) + self._close(f"{code}: {reason}", ok=False)

    def _send(self, message: exi.Message) -> list[Event]:
        return [Send(frame(exi.encode(message)), message)]

