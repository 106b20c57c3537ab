"""What each profile value may be: the schema's facets where the value goes into a message, else a documented range.

A profile value out of range used to be accepted and then break every session
(``max_current = 1e300``, ``energy_modes = []``, ``duration = -1``): the loader checks
every key against this table instead, and names the key. A key without an entry here
is an error too (tests/test_profiles.py), so a new key cannot skip the check.

Rules:
- ``Schema(path)``: the value goes into the message element at ``path`` (ISO 15118-2,
  body name first); the element's facets apply (length, enumeration, range).
- ``Schema(path, many=True)``: a non-empty list of distinct values of that element.
- ``Physical(lo)``: a PhysicalValue (Value xs:short x 10^-3..10^3): finite, at least ``lo``
  (default 0), at most 32,767,000.
- ``Number(lo, hi)``: a finite number in [lo, hi] (seconds, counts, bytes).
- ``Choice(values)``: one of a few words.
- ``Protocols()``: protocol names in priority order; ``CheckedBy(module)``: that module checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .physical import SHORT_MAX


@dataclass(frozen=True)
class Schema:
    path: str
    many: bool = False
    schema: str = "iso15118-2"  # the schema set the message path is in


@dataclass(frozen=True)
class Protocols:
    """A non-empty list of distinct protocol names v2glab speaks (``v2glab.protocols.registry``)."""


@dataclass(frozen=True)
class CheckedBy:
    """Checked where it is used, with the same one-line error (e.g. SLAC's keys, when --slac runs)."""

    where: str


@dataclass(frozen=True)
class Physical:
    lo: float = 0.0
    hi: float = SHORT_MAX * 1000.0  # Value 32767 with Multiplier 3


@dataclass(frozen=True)
class Number:
    lo: float
    hi: float


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]


COUNT = Number(0, 1_000_000)  # Ongoing answers, loops, retries
SECONDS = Number(0.001, 31_536_000)  # a timer: more than 0, at most a year (asyncio takes any finite delay)

LIMITS: dict[str, dict[str, object]] = {
    "secc": {
        "protocols": Protocols(),
        "evse_id": Schema("SessionSetupRes/EVSEID"),
        "din70121.evse_id": Schema("SessionSetupRes/EVSEID", schema="din70121"),
        "energy_modes": Schema("ServiceDiscoveryRes/ChargeService/SupportedEnergyTransferMode/EnergyTransferMode", many=True),
        "payment_options": Schema("ServiceDiscoveryRes/PaymentOptionList/PaymentOption", many=True),
        "authorization_ongoing": COUNT,
        "charge_parameter_ongoing": COUNT,
        "cable_check_ongoing": COUNT,
        "max_paused_sessions": COUNT,
        "ac.nominal_voltage": Physical(),
        "ac.max_current": Physical(),
        "dc.max_voltage": Physical(),
        "dc.min_voltage": Physical(),
        "dc.max_current": Physical(),
        "dc.min_current": Physical(),
        "dc.max_power": Physical(),
        "dc.peak_current_ripple": Physical(),
        "dc.voltage_step": Physical(),
        "schedule.sa_schedule_tuple_id": Schema("ChargeParameterDiscoveryRes/SAScheduleList/SAScheduleTuple/SAScheduleTupleID"),
        "schedule.pmax": Physical(),
        "schedule.duration": Schema("ChargeParameterDiscoveryRes/SAScheduleList/SAScheduleTuple/PMaxSchedule/PMaxScheduleEntry/RelativeTimeInterval/duration"),
        "meter.meter_id": Schema("ChargingStatusRes/MeterInfo/MeterID"),
        "meter.start_wh": Schema("ChargingStatusRes/MeterInfo/MeterReading"),
        "meter.wh_per_loop": Number(0, 1_000_000_000),
        "timers.sequence_timeout": SECONDS,
        "timers.communication_setup_timeout": SECONDS,
        "timers.paused_session_lifetime": SECONDS,
        "transport.max_payload": Number(64, 4_294_967_295),  # the V2GTP length field is 4 bytes
        "pnc.pki": CheckedBy("v2glab.pki"),  # a folder: load_pki names what is missing, in one line
        "pnc.canceled_emaids": CheckedBy("v2glab.pnc"),  # strings, compared without case and '-'
        "transport.max_handshakes": Number(1, 100_000),
        **{f"slac.{k}": CheckedBy("v2glab.slac") for k in ("init_timeout", "match_session_timeout", "sounds", "attenuation", "nid", "nmk",
                                                         "faults.match_cnf_delay", "faults.attenuation", "validate",
                                                         "faults.toggle_num")},
        # ISO 15118-20 (RationalNumbers: the same range as a PhysicalValue here)
        "iso15118_20.control_modes": CheckedBy("v2glab.protocols.iso15118_20.charger"),  # Scheduled, Dynamic
        "iso15118_20.schedule_exchange_ongoing": COUNT,
        "iso15118_20.nominal_frequency": Physical(),
        **{f"iso15118_20.{k}": Physical() for k in ("max_discharge_power", "min_discharge_power", "max_discharge_current", "min_discharge_current")},
    },
    "evcc": {
        "protocols": Protocols(),
        "evcc_id": Schema("SessionSetupReq/EVCCID"),
        "requested_mode": Schema("ChargeParameterDiscoveryReq/RequestedEnergyTransferMode"),
        "payment_option": Schema("PaymentServiceSelectionReq/SelectedPaymentOption"),
        "charge_loops": COUNT,
        "loop_period": Number(0, 59),  # below the SECC's 60 s sequence timeout [V2G2-443]
        "departure_time": Schema("ChargeParameterDiscoveryReq/AC_EVChargeParameter/DepartureTime"),
        "max_ongoing": COUNT,
        "ac.energy_amount": Physical(),
        "ac.max_voltage": Physical(),
        "ac.max_current": Physical(),
        "ac.min_current": Physical(),
        "dc.battery_capacity": Physical(),
        "dc.soc": Schema("CableCheckReq/DC_EVStatus/EVRESSSOC"),
        "dc.target_voltage": Physical(),
        "dc.target_current": Physical(),
        "dc.max_voltage": Physical(),
        "dc.max_current": Physical(),
        "dc.max_power": Physical(),
        "dc.precharge_tolerance": Physical(),
        "dc.precharge_max_loops": COUNT,
        "dc.welding_safe_voltage": Physical(),
        "sdp.security": Choice(("none", "tls")),
        "pnc.pki": CheckedBy("v2glab.pki"),  # a folder: load_pki names what is missing, in one line
        "timers.msg_timeout_scale": Number(1, 100),  # tolerance for a slow SECC: never below the standard's timeouts
        "timers.secc_timer_scale": Number(0.001, 1),  # a charger configured with shorter timers: never above the standard's
        **{f"slac.{k}": CheckedBy("v2glab.slac") for k in ("attenuation_limit", "sound_interval", "attenuation", "faults.sounds",
                                                         "validate", "toggles")},
        "iso15118_20.control_mode": Choice(("Scheduled", "Dynamic")),
        "iso15118_20.bpt_channel": Choice(("Charge", "Discharge")),
        **{f"iso15118_20.{k}": Physical() for k in ("max_discharge_power", "min_discharge_power", "max_discharge_current", "min_discharge_current")},
        "iso15118_20.maximum_supporting_points": Schema("ScheduleExchangeReq/MaximumSupportingPoints", schema="iso15118-20-CommonMessages"),
        "iso15118_20.charging_session": Choice(("Terminate", "Pause")),
        "iso15118_20.resume_session_id": CheckedBy("v2glab.protocols.iso15118_20.car"),  # "" or 8 bytes hex
    },
}

# Pairs that must be ordered (lower, upper): a charger whose minimum is above its maximum cannot answer.
ORDERED: dict[str, tuple[tuple[str, str], ...]] = {
    "secc": (("dc.min_voltage", "dc.max_voltage"), ("dc.min_current", "dc.max_current")),
    "evcc": (("ac.min_current", "ac.max_current"), ("dc.target_voltage", "dc.max_voltage"), ("dc.target_current", "dc.max_current")),
}
