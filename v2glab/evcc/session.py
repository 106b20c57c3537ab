"""The EVCC session core, sans-I/O: a simulated car that runs a whole ISO 15118-2 session.

Bytes and timer expiries go in; frames to send, timers and the end of the session
come out. One timer serves two purposes, named in the StartTimer event: waiting for
a response (V2G_EVCC_Msg_Timeout) and the pause between charge-loop requests.
"""

from __future__ import annotations

from typing import Any

from .. import exi
from ..errors import EXIError, ValidationError
from ..protocols.core import FramedCore
from ..protocols.events import Close, Event, Received, Send, StartTimer, StateChanged
from ..protocols.messages import DIN_NAMESPACE, ISO2_NAMESPACE, response_name, v2g_message
from ..protocols.physical import physical, value_of
from ..protocols.timing import EVCC_MSG_TIMEOUT
from ..v2gtp import PayloadType, V2GTPHeader, V2GTPReader, frame

LOOP_WAIT = "charge loop period"
MSG_TIMEOUT = "V2G_EVCC_Msg_Timeout"


class SessionFailed(Exception):
    pass


class EvccSession(FramedCore):
    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.reader = V2GTPReader()
        self.mode = "AC" if profile["requested_mode"].startswith("AC") else "DC"
        self.session_id = b"\x00"  # SessionSetupReq carries 0 [V2G2-756]
        self.pending: str | None = None  # request waiting for its response
        self.timer: str | None = None
        self.next_request: tuple[str, dict[str, Any]] | None = None  # sent when the loop timer expires
        self.repeats = 0  # consecutive answers that ask for the same request again
        self.loops = 0
        self.soc = profile["dc"]["soc"]
        self.sa_schedule_tuple_id = 1
        self.stopping = False
        self.closed = False
        self.outcome: Close | None = None

    # -- inputs -----------------------------------------------------------
    def start(self) -> list[Event]:
        return self._send(exi.Message("app", "supportedAppProtocolReq", self.app_protocol_offer()))

    def app_protocol_offer(self) -> dict[str, Any]:
        protocols = [{"ProtocolNamespace": ISO2_NAMESPACE, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]
        if self.profile["offer_din"]:
            protocols.append({"ProtocolNamespace": DIN_NAMESPACE, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 2, "Priority": 2})
        return {"AppProtocol": protocols}

    def default_request(self, name: str) -> dict[str, Any] | None:
        """What this car would send as ``name`` now (None: no opinion; the caller uses the minimal body)."""
        builders = {
            "supportedAppProtocolReq": self.app_protocol_offer,
            "SessionSetupReq": lambda: {"EVCCID": bytes.fromhex(self.profile["evcc_id"])},
            "ServiceDiscoveryReq": dict,
            "PaymentServiceSelectionReq": lambda: {"SelectedPaymentOption": self.profile["payment_option"], "SelectedServiceList": {"SelectedService": [{"ServiceID": 1}]}},
            "AuthorizationReq": dict,
            "ChargeParameterDiscoveryReq": self.charge_parameters,
            "PowerDeliveryReq": lambda: self.power_delivery("Start"),
            "ChargingStatusReq": dict,
            "CableCheckReq": lambda: {"DC_EVStatus": self.dc_status()},
            "PreChargeReq": self.pre_charge,
            "CurrentDemandReq": lambda: self.loop_request()[1] if self.mode == "DC" else None,
            "WeldingDetectionReq": lambda: {"DC_EVStatus": self.dc_status()},
            "SessionStopReq": lambda: {"ChargingSession": "Terminate"},
            "MeteringReceiptReq": lambda: {"SessionID": self.session_id, "SAScheduleTupleID": self.sa_schedule_tuple_id, "MeterInfo": {"MeterID": "unknown"}},
        }
        build = builders.get(name)
        return build() if build else None

    def _frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        if header.payload_type != PayloadType.EXI:
            return self._close(f"payload type {header.payload_type:#06x} on a V2G connection", ok=False)
        schema = "app" if self.pending == "supportedAppProtocolReq" else "iso15118-2"
        try:
            message = exi.decode(payload, schema)
        except EXIError as exc:
            return [Received(header, payload, None, str(exc))] + self._close(f"undecodable EXI from the SECC: {exc}", ok=False)
        events: list[Event] = [Received(header, payload, message)]
        try:
            return events + self._response(message)
        except SessionFailed as exc:
            return events + self._close(str(exc), ok=False)

    def timeout(self) -> list[Event]:
        if self.closed:
            return []
        if self.timer == LOOP_WAIT and self.next_request:
            name, body = self.next_request
            self.next_request = None
            return self._request(name, body)
        limit = EVCC_MSG_TIMEOUT.get(self.pending or "", 2.0)
        return self._close(f"{MSG_TIMEOUT} ({limit:g} s) expired waiting for {response_name(self.pending or '?Req')}", ok=False)

    # -- the car ----------------------------------------------------------
    def dc_status(self) -> dict[str, Any]:
        return {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": self.soc}

    def _response(self, message: exi.Message) -> list[Event]:
        expected = response_name(self.pending or "")
        name = message.body_name
        if name != expected:
            raise SessionFailed(f"expected {expected}, got {name}")
        self.pending = None
        if self.profile["validate_responses"]:
            try:
                exi.encode(message)  # the facet checks of the encoder, on what came in
            except ValidationError as exc:
                raise SessionFailed(f"{name} breaks the schema: {exc}") from None
        body = message.body
        code = body.get("ResponseCode", "")
        if code.startswith("FAILED") or code.startswith("Failed"):
            raise SessionFailed(f"{name}: {code}")
        if name == "SessionSetupRes":
            self.session_id = message.session_id or b""
        elif message.session_id is not None and message.session_id != self.session_id:
            raise SessionFailed(f"{name} carries SessionID {message.session_id.hex().upper()}, not this session's")
        step = getattr(self, f"after_{name}")
        result = step(body)
        if result is None:
            return self._close("session complete", ok=True)
        request, req_body, *wait = result
        if wait and wait[0] > 0:
            self.next_request = (request, req_body)
            self.timer = LOOP_WAIT
            return [StateChanged(f"{name} received"), StartTimer(wait[0], LOOP_WAIT)]
        return self._request(request, req_body)

    def _again(self, what: str) -> None:
        self.repeats += 1
        if self.repeats > self.profile["max_ongoing"]:
            raise SessionFailed(f"{what} still not finished after {self.repeats - 1} repetitions")

    def after_supportedAppProtocolRes(self, body: dict[str, Any]) -> tuple:
        if body.get("SchemaID") != 1:
            raise SessionFailed(f"the SECC chose SchemaID {body.get('SchemaID')}; this EV speaks ISO 15118-2 (SchemaID 1) only")
        return "SessionSetupReq", {"EVCCID": bytes.fromhex(self.profile["evcc_id"])}

    def after_SessionSetupRes(self, body: dict[str, Any]) -> tuple:
        return "ServiceDiscoveryReq", {}

    def after_ServiceDiscoveryRes(self, body: dict[str, Any]) -> tuple:
        modes = body["ChargeService"]["SupportedEnergyTransferMode"]["EnergyTransferMode"]
        if self.profile["requested_mode"] not in modes:
            raise SessionFailed(f"the SECC offers {', '.join(modes)}, not {self.profile['requested_mode']}")
        if self.profile["payment_option"] not in body["PaymentOptionList"]["PaymentOption"]:
            raise SessionFailed(f"the SECC does not offer {self.profile['payment_option']}")
        selection = {"SelectedPaymentOption": self.profile["payment_option"], "SelectedServiceList": {"SelectedService": [{"ServiceID": body["ChargeService"]["ServiceID"]}]}}
        return "PaymentServiceSelectionReq", selection

    def after_PaymentServiceSelectionRes(self, body: dict[str, Any]) -> tuple:
        return "AuthorizationReq", {}

    def after_AuthorizationRes(self, body: dict[str, Any]) -> tuple:
        if body["EVSEProcessing"] != "Finished":
            self._again("Authorization")
            return "AuthorizationReq", {}, 0.05
        self.repeats = 0
        return "ChargeParameterDiscoveryReq", self.charge_parameters()

    def charge_parameters(self) -> dict[str, Any]:
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
            dc = p["dc"]
            parameter = {
                "DC_EVChargeParameter": {
                    "DepartureTime": p["departure_time"],
                    "DC_EVStatus": self.dc_status(),
                    "EVMaximumCurrentLimit": physical(dc["max_current"], "A"),
                    "EVMaximumPowerLimit": physical(dc["max_power"], "W"),
                    "EVMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
                    "EVEnergyCapacity": physical(dc["battery_capacity"], "Wh"),
                    "EVEnergyRequest": physical(dc["battery_capacity"] * (100 - self.soc) / 100, "Wh"),
                    "FullSOC": 100,
                    "BulkSOC": 80,
                }
            }
        return {"RequestedEnergyTransferMode": p["requested_mode"], **parameter}

    def after_ChargeParameterDiscoveryRes(self, body: dict[str, Any]) -> tuple:
        if body["EVSEProcessing"] != "Finished":
            self._again("ChargeParameterDiscovery")
            return "ChargeParameterDiscoveryReq", self.charge_parameters(), 0.05
        self.repeats = 0
        tuples = body.get("SAScheduleList", {}).get("SAScheduleTuple", [])
        if not tuples:
            raise SessionFailed("ChargeParameterDiscoveryRes Finished without an SAScheduleList")
        self.sa_schedule_tuple_id = tuples[0]["SAScheduleTupleID"]
        if self.mode == "AC":
            return "PowerDeliveryReq", self.power_delivery("Start")
        return "CableCheckReq", {"DC_EVStatus": self.dc_status()}

    def power_delivery(self, progress: str) -> dict[str, Any]:
        body: dict[str, Any] = {"ChargeProgress": progress, "SAScheduleTupleID": self.sa_schedule_tuple_id}
        if self.mode == "DC":
            body["DC_EVPowerDeliveryParameter"] = {"DC_EVStatus": self.dc_status(), "ChargingComplete": progress == "Stop"}
        return body

    def after_CableCheckRes(self, body: dict[str, Any]) -> tuple:
        if body["EVSEProcessing"] != "Finished":
            self._again("CableCheck")
            return "CableCheckReq", {"DC_EVStatus": self.dc_status()}, 0.05
        self.repeats = 0
        return "PreChargeReq", self.pre_charge()

    def pre_charge(self) -> dict[str, Any]:
        return {"DC_EVStatus": self.dc_status(), "EVTargetVoltage": physical(self.profile["dc"]["target_voltage"], "V"), "EVTargetCurrent": physical(0, "A")}

    def after_PreChargeRes(self, body: dict[str, Any]) -> tuple:
        dc = self.profile["dc"]
        matched = abs(value_of(body["EVSEPresentVoltage"]) - dc["target_voltage"]) <= dc["precharge_tolerance"]
        give_up_waiting = 0 < dc["precharge_max_loops"] <= self.repeats + 1
        if not matched and not give_up_waiting:
            self._again("PreCharge")
            return "PreChargeReq", self.pre_charge()
        self.repeats = 0
        return "PowerDeliveryReq", self.power_delivery("Start")

    def after_PowerDeliveryRes(self, body: dict[str, Any]) -> tuple:
        if not self.stopping:
            return self.loop_request()
        if self.mode == "DC":
            return "WeldingDetectionReq", {"DC_EVStatus": self.dc_status()}
        return "SessionStopReq", {"ChargingSession": "Terminate"}

    def loop_request(self) -> tuple:
        if self.mode == "AC":
            return "ChargingStatusReq", {}
        dc = self.profile["dc"]
        last = self.loops + 1 >= self.profile["charge_loops"]
        return "CurrentDemandReq", {
            "DC_EVStatus": self.dc_status(),
            "EVTargetCurrent": physical(dc["target_current"], "A"),
            "EVMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
            "EVMaximumCurrentLimit": physical(dc["max_current"], "A"),
            "EVMaximumPowerLimit": physical(dc["max_power"], "W"),
            "BulkChargingComplete": False,
            "ChargingComplete": last,
            "EVTargetVoltage": physical(dc["target_voltage"], "V"),
        }

    def _loop_response(self, body: dict[str, Any]) -> tuple:
        self.loops += 1
        self.soc = min(100, self.soc + 1)
        if body.get("ReceiptRequired"):
            receipt = {"SessionID": self.session_id, "SAScheduleTupleID": self.sa_schedule_tuple_id, "MeterInfo": body.get("MeterInfo", {"MeterID": "unknown"})}
            return "MeteringReceiptReq", receipt
        return self._continue_loop()

    def _continue_loop(self) -> tuple:
        if self.loops >= self.profile["charge_loops"]:
            self.stopping = True
            return "PowerDeliveryReq", self.power_delivery("Stop")
        return (*self.loop_request(), self.profile["loop_period"])

    def after_ChargingStatusRes(self, body: dict[str, Any]) -> tuple:
        return self._loop_response(body)

    def after_CurrentDemandRes(self, body: dict[str, Any]) -> tuple:
        return self._loop_response(body)

    def after_MeteringReceiptRes(self, body: dict[str, Any]) -> tuple:
        return self._continue_loop()

    def after_WeldingDetectionRes(self, body: dict[str, Any]) -> tuple:
        if value_of(body["EVSEPresentVoltage"]) >= self.profile["dc"]["welding_safe_voltage"]:
            self._again("WeldingDetection")
            return "WeldingDetectionReq", {"DC_EVStatus": self.dc_status()}
        return "SessionStopReq", {"ChargingSession": "Terminate"}

    def after_SessionStopRes(self, body: dict[str, Any]) -> None:
        return None

    # -- outputs ----------------------------------------------------------
    def _request(self, name: str, body: dict[str, Any]) -> list[Event]:
        return self._send(v2g_message(self.session_id, name, body))

    def _send(self, message: exi.Message) -> list[Event]:
        name = message.body_name
        self.pending = name
        self.timer = MSG_TIMEOUT
        return [Send(frame(exi.encode(message)), message), StartTimer(EVCC_MSG_TIMEOUT.get(name, 2.0), MSG_TIMEOUT)]

    def _close(self, reason: str, ok: bool) -> list[Event]:
        events = super()._close(reason, ok)
        self.outcome = events[0]
        return events
