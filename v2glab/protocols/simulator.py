"""What the simulated charger and car of every protocol share.

A protocol's charger answers each request by a method named after it (the default
SECC answers); a protocol's car decides the next request from each response by a
method ``after_<Response>`` (the default EV requests). Both are pure: bodies in,
bodies out. The session cores do sequencing, SessionIDs and timers.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from .base import Comparison
from .physical import physical, value_of

Step = tuple  # (request name, body) or (request name, body, seconds to wait before sending)
REPEAT_PAUSE = 0.05  # s between requests the SECC answered Ongoing



# What replay compares for the PhysicalValue protocols (ISO 15118-2, DIN SPEC 70121): the fields
# ChargerBase fills from the profile, and what the car's profile sets.
PHYSICAL_VALUE_COMPARISON = Comparison(
    charger_fields=frozenset({
        "ResponseCode", "EVSEProcessing", "EVSEID", "PaymentOption", "EnergyTransferMode", "FreeService",
        "EVSENominalVoltage", "EVSEMaxCurrent", "RCD", "EVSEMaximumVoltageLimit", "EVSEMinimumVoltageLimit",
        "EVSEMaximumCurrentLimit", "EVSEMinimumCurrentLimit", "EVSEMaximumPowerLimit", "EVSEPeakCurrentRipple",
        "SAScheduleTupleID", "PMax", "MeterID", "ReceiptRequired",
    }),
    car_fields=frozenset({
        "EVCCID", "SelectedPaymentOption", "RequestedEnergyTransferMode", "EVMaxVoltage", "EVMaxCurrent", "EVMinCurrent",
        "EAmount", "EVTargetVoltage", "EVTargetCurrent", "EVMaximumVoltageLimit", "EVMaximumCurrentLimit", "ChargeProgress",
        "ChargingSession", "SAScheduleTupleID",
    }),
    profile_fields={
        "evse_id": "EVSEID",
        "energy_modes": "EnergyTransferMode",
        "payment_options": "PaymentOption",
        "free_service": "FreeService",
        "receipt_required": "ReceiptRequired",
        "ac.nominal_voltage": "EVSENominalVoltage",
        "ac.max_current": "EVSEMaxCurrent",
        "ac.rcd": "RCD",
        "dc.max_voltage": "EVSEMaximumVoltageLimit",
        "dc.min_voltage": "EVSEMinimumVoltageLimit",
        "dc.max_current": "EVSEMaximumCurrentLimit",
        "dc.min_current": "EVSEMinimumCurrentLimit",
        "dc.max_power": "EVSEMaximumPowerLimit",
        "dc.peak_current_ripple": "EVSEPeakCurrentRipple",
        "schedule.sa_schedule_tuple_id": "SAScheduleTupleID",
        "schedule.pmax": "PMax",
        "schedule.duration": "duration",
        "meter.meter_id": "MeterID",
    },
)

class SessionFailed(Exception):
    """The simulated car gives up; the message says why."""


class Refused(Exception):
    """A charger's answer that is only a FAILED response code: the core sends the minimal response."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class ChargerBase:
    """State of a simulated DC/AC output and the profile's counters."""

    def __init__(self, profile: dict[str, Any], clock: Callable[[], float] = time.time) -> None:
        self.profile = profile
        self.clock = clock  # only for time stamps in messages; the session core itself has no clock
        self.mode = "DC" if all(m.startswith("DC") for m in profile["energy_modes"]) else "AC"
        self.authorization_left = profile["authorization_ongoing"]
        self.charge_parameter_left = profile["charge_parameter_ongoing"]
        self.cable_check_left = profile["cable_check_ongoing"]
        self.present_voltage = 0.0
        self.present_current = 0.0
        self.meter_wh = profile["meter"]["start_wh"]
        self.selected_payment: str | None = None
        self.rejoined = False  # set by the core before SessionSetupReq when a paused session resumes
        self.paused = False  # set by SessionStopReq(Pause): the core keeps the session for a rejoin
        self.request: Any = None  # the whole request being answered, set by the core (its header: a Signature)
        self.header: dict[str, Any] = {}  # header fields for the response being built (a Signature), read by the core
        self.notes: list[str] = []  # lines for the trace (signature and certificate checks), taken by the core

    def facts(self) -> dict[str, Any]:
        """What the sequence table may ask about the session (``session.<name>``)."""
        return {"mode": self.mode, "payment": self.selected_payment}

    def failed(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """Adjust a minimal FAILED response to the session (default: unchanged)."""
        return body

    def ongoing(self, counter: str) -> bool:
        """Count down one of the profile's Ongoing counters; True while it is not exhausted."""
        left = getattr(self, counter)
        if left > 0:
            setattr(self, counter, left - 1)
            return True
        return False

    def ramp(self, target: float) -> float:
        """Move the simulated output voltage one step towards ``target``; returns the new voltage."""
        step = self.profile["dc"]["voltage_step"]
        target = min(target, self.profile["dc"]["max_voltage"])
        if abs(target - self.present_voltage) <= step:
            self.present_voltage = target
        else:
            self.present_voltage += step if target > self.present_voltage else -step
        return self.present_voltage

    def deliver(self, wanted_current: float) -> dict[str, bool]:
        """Follow the EV's current request within the limits; returns which limits were hit."""
        dc = self.profile["dc"]
        power_cap = dc["max_power"] / max(self.present_voltage, 1.0)
        self.present_current = min(wanted_current, dc["max_current"], power_cap)
        self.meter_wh += self.profile["meter"]["wh_per_loop"]
        return {"current": wanted_current > dc["max_current"], "power": wanted_current > power_cap}

    # -- DC blocks whose element names DIN SPEC 70121 and ISO 15118-2 share ---------------
    def dc_evse_charge_parameter(self, status: dict[str, Any]) -> dict[str, Any]:
        dc = self.profile["dc"]
        return {
            "DC_EVSEStatus": status,
            "EVSEMaximumCurrentLimit": physical(dc["max_current"], "A"),
            "EVSEMaximumPowerLimit": physical(dc["max_power"], "W"),
            "EVSEMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
            "EVSEMinimumCurrentLimit": physical(dc["min_current"], "A"),
            "EVSEMinimumVoltageLimit": physical(dc["min_voltage"], "V"),
            "EVSEPeakCurrentRipple": physical(dc["peak_current_ripple"], "A"),
        }

    def current_demand(self, req: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
        """CurrentDemandRes up to the limits: follow the EV's target voltage and current."""
        dc = self.profile["dc"]
        self.ramp(value_of(req["EVTargetVoltage"]))
        hit = self.deliver(value_of(req["EVTargetCurrent"]))
        return {
            "ResponseCode": "OK",
            "DC_EVSEStatus": status,
            "EVSEPresentVoltage": physical(self.present_voltage, "V"),
            "EVSEPresentCurrent": physical(round(self.present_current, 1), "A"),
            "EVSECurrentLimitAchieved": hit["current"],
            "EVSEVoltageLimitAchieved": value_of(req["EVTargetVoltage"]) > dc["max_voltage"],
            "EVSEPowerLimitAchieved": hit["power"],
            "EVSEMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
            "EVSEMaximumCurrentLimit": physical(dc["max_current"], "A"),
            "EVSEMaximumPowerLimit": physical(dc["max_power"], "W"),
        }


class CarBase:
    """State of a simulated car: the loop counters, SOC and the repeat guard."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.mode = "AC" if profile["requested_mode"].startswith("AC") else "DC"
        self.session_id = b"\x00"
        self.repeats = 0  # consecutive answers that ask for the same request again
        self.loops = 0
        self.soc = profile["dc"]["soc"]
        self.stopping = False
        self.response: Any = None  # the whole response being handled, set by the core (its header: a Signature)
        self.header: dict[str, Any] = {}  # header fields for the next request (a Signature), taken by the core
        self.notes: list[str] = []  # lines for the trace (signature and certificate checks), taken by the core

    def again(self, what: str) -> None:
        self.repeats += 1
        if self.repeats > self.profile["max_ongoing"]:
            raise SessionFailed(f"{what} still not finished after {self.repeats - 1} repetitions")

    def while_ongoing(self, body: dict[str, Any], request: str) -> Step | None:
        """While EVSEProcessing is not Finished, the same request again after a pause; else None."""
        if body["EVSEProcessing"] != "Finished":
            self.again(request[:-3])
            return request, self.default_request(request) or {}, REPEAT_PAUSE
        self.repeats = 0
        return None

    def sent(self, request: str, body: dict[str, Any]) -> None:
        """A Lua script sent ``request`` in this car's place (hybrid play): keep the car's state in step."""

    def step(self, response: str, body: dict[str, Any]) -> Step | None:
        """The next request after ``response`` (None: the session is complete)."""
        handler = getattr(self, f"after_{response}", None)
        if handler is None:
            raise SessionFailed(f"this car does not know what to do after {response}")
        return handler(body)

    def charged(self) -> bool:
        """One more charge loop done: True when the profile's loop count is reached."""
        return self.loops >= self.profile["charge_loops"]

    def default_request(self, name: str) -> dict[str, Any] | None:
        """What this car would send as ``name`` now (None: no opinion; use the minimal body)."""
        build = getattr(self, f"build_{name}", None)
        return build() if build else None


class EnvelopeCarBase(CarBase):
    """A car of DIN SPEC 70121 or ISO 15118-2: the DC blocks whose element names both share."""

    def dc_status(self) -> dict[str, Any]:
        return {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": self.soc}

    def dc_ev_charge_parameter(self) -> dict[str, Any]:
        dc = self.profile["dc"]
        return {
            "DC_EVStatus": self.dc_status(),
            "EVMaximumCurrentLimit": physical(dc["max_current"], "A"),
            "EVMaximumPowerLimit": physical(dc["max_power"], "W"),
            "EVMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
            "EVEnergyCapacity": physical(dc["battery_capacity"], "Wh"),
            "EVEnergyRequest": physical(dc["battery_capacity"] * (100 - self.soc) / 100, "Wh"),
            "FullSOC": 100,
            "BulkSOC": 80,
        }

    def build_CableCheckReq(self) -> dict[str, Any]:
        return {"DC_EVStatus": self.dc_status()}

    def build_PreChargeReq(self) -> dict[str, Any]:
        return {"DC_EVStatus": self.dc_status(), "EVTargetVoltage": physical(self.profile["dc"]["target_voltage"], "V"), "EVTargetCurrent": physical(0, "A")}

    def build_CurrentDemandReq(self) -> dict[str, Any]:
        dc = self.profile["dc"]
        return {
            "DC_EVStatus": self.dc_status(),
            "EVTargetCurrent": physical(dc["target_current"], "A"),
            "EVMaximumVoltageLimit": physical(dc["max_voltage"], "V"),
            "EVMaximumCurrentLimit": physical(dc["max_current"], "A"),
            "EVMaximumPowerLimit": physical(dc["max_power"], "W"),
            "BulkChargingComplete": False,
            "ChargingComplete": self.loops + 1 >= self.profile["charge_loops"],
            "EVTargetVoltage": physical(dc["target_voltage"], "V"),
        }

    def build_WeldingDetectionReq(self) -> dict[str, Any]:
        return {"DC_EVStatus": self.dc_status()}

    def precharged(self, body: dict[str, Any]) -> bool:
        """PreChargeRes: is the EVSE close enough to the target (or has the car waited long enough)?"""
        dc = self.profile["dc"]
        matched = abs(value_of(body["EVSEPresentVoltage"]) - dc["target_voltage"]) <= dc["precharge_tolerance"]
        give_up_waiting = 0 < dc["precharge_max_loops"] <= self.repeats + 1
        if not matched and not give_up_waiting:
            self.again("PreCharge")
            return False
        self.repeats = 0
        return True

    def welded(self, body: dict[str, Any]) -> bool:
        """WeldingDetectionRes: has the output discharged below the safe voltage?"""
        if value_of(body["EVSEPresentVoltage"]) >= self.profile["dc"]["welding_safe_voltage"]:
            self.again("WeldingDetection")
            return False
        return True
