"""What replay compares, and the charger profile a capture implies (``replay --mimic``).

Besides the message names, the response codes, EVSEProcessing, and the fields a
profile sets (v2glab/profiles/*.toml) are compared: what a live engine must get
right to count as behaving like the recording. Physical values compare by
value x 10^multiplier and unit, so 60 x 10^-1 A equals 6 A.

The tables name fields of the message sets (shared by ISO 15118-2 and DIN SPEC
70121) and the profile keys they come from; they are to move into the protocol
descriptors' default charger answers.
"""

from __future__ import annotations

from typing import Any

from ..protocols import Protocol
from .sessions import find_key

# Fields a charger's answers are compared on: the verdicts and what the SECC profile sets.
SECC_FIELDS = frozenset({
    "ResponseCode", "EVSEProcessing", "EVSEID", "PaymentOption", "EnergyTransferMode", "FreeService",
    "EVSENominalVoltage", "EVSEMaxCurrent", "RCD", "EVSEMaximumVoltageLimit", "EVSEMinimumVoltageLimit",
    "EVSEMaximumCurrentLimit", "EVSEMinimumCurrentLimit", "EVSEMaximumPowerLimit", "EVSEPeakCurrentRipple",
    "SAScheduleTupleID", "PMax", "MeterID", "ReceiptRequired",
})
# Fields a car's requests are compared on: what the EVCC profile sets.
EVCC_FIELDS = frozenset({
    "EVCCID", "SelectedPaymentOption", "RequestedEnergyTransferMode", "EVMaxVoltage", "EVMaxCurrent", "EVMinCurrent",
    "EAmount", "EVTargetVoltage", "EVTargetCurrent", "EVMaximumVoltageLimit", "EVMaximumCurrentLimit", "ChargeProgress",
    "ChargingSession", "SAScheduleTupleID",
})

# SECC profile key (dotted) <- the field that shows it in the charger's answers.
PROFILE_FIELDS = {
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
}


def _value(v: Any) -> Any:
    if isinstance(v, dict) and "Value" in v and "Multiplier" in v:
        number = v["Value"] * 10 ** v["Multiplier"]
        return (round(number, 6), v.get("Unit"))
    if isinstance(v, bytes):
        return v.hex().upper()
    return v


def fields(body: Any, names: frozenset[str], path: str = "") -> dict[str, Any]:
    """path -> comparable value, for every element of ``names`` in a message body."""
    out: dict[str, Any] = {}
    if isinstance(body, dict):
        for key, value in body.items():
            here = f"{path}/{key}" if path else key
            if key in names:
                out[here] = _value(value) if not isinstance(value, list) else [_value(x) for x in value]
            elif isinstance(value, (dict, list)):
                out.update(fields(value, names, here))
    elif isinstance(body, list):
        for i, value in enumerate(body):
            out.update(fields(value, names, f"{path}[{i}]"))
    return out


def _show(v: Any) -> str:
    if isinstance(v, tuple) and len(v) == 2:
        return f"{v[0]:g} {v[1]}" if isinstance(v[0], (int, float)) else str(v)
    return str(v)


def first_difference(name: str, recorded: Any, live: Any, names: frozenset[str]) -> str | None:
    """'field X: recorded a, live b' for the first compared field (in recorded order) that differs, else None."""
    want, got = fields(recorded, names), fields(live, names)
    for path, value in want.items():
        if path not in got:
            return f"field {path}: recorded {_show(value)}, live (absent)"
        if got[path] != value:
            return f"field {path}: recorded {_show(value)}, live {_show(got[path])}"
    for path, value in got.items():
        if path not in want:
            return f"field {path}: recorded (absent), live {_show(value)}"
    return None


def _number(v: Any) -> float | None:
    if isinstance(v, dict) and "Value" in v:
        return float(v["Value"] * 10 ** v.get("Multiplier", 0))
    return None


def mimic_profile(answers: list[tuple[str, Any]], protocol: Protocol | None = None) -> tuple[str, dict[str, Any]]:
    """(base 'ac' or 'dc', SECC profile override) that makes v2glab's charger answer as the recorded one did.

    ``answers``: (message name, body) of the recorded charger's messages in order; ``protocol``:
    the session's, whose descriptor says which responses the Ongoing counts are read from.
    """
    override: dict[str, Any] = {}
    dc = False
    for key, field in PROFILE_FIELDS.items():
        value = None
        for _name, body in answers:
            value = find_key(body, field)
            if value is not None:
                break
        if value is None:
            continue
        section, _, leaf = key.rpartition(".")
        dc = dc or section == "dc"
        if field in ("EnergyTransferMode", "PaymentOption"):
            value = [str(v) for v in (value if isinstance(value, list) else [value])]
            dc = dc or any(v.startswith("DC") for v in value)
        elif _number(value) is not None:
            value = _number(value)
        elif isinstance(value, bytes):
            continue  # DIN's hexBinary EVSEID has no profile key
        elif field == "duration":
            value = int(value)
        if field == "ReceiptRequired":
            value = any(find_key(body, field) is True for _n, body in answers)
        target = override.setdefault(section, {}) if section else override
        target[leaf] = value
    for key, response in (protocol.ongoing_counts if protocol else {}).items():
        override[key] = sum(1 for name, body in answers if name == response and str(find_key(body, "EVSEProcessing") or "").startswith("Ongoing"))
    return ("dc" if dc else "ac"), override
