"""What replay compares, and the charger profile a capture implies (``replay --mimic``).

The session's protocol descriptor says which fields count (``Protocol.comparison``): the
verdicts and the fields a profile sets. Scaled numbers compare by value, so 60 x 10^-1 A
equals 6 A (PhysicalValue: Multiplier and Unit; ISO 15118-20's RationalNumber: Exponent).
"""

from __future__ import annotations

from typing import Any

from ..protocols import Protocol
from ..protocols.base import Comparison
from .sessions import find_key

NOTHING = Comparison()  # a session whose protocol is unknown: the response codes only


def _value(v: Any) -> Any:
    number = _number(v)
    if number is not None:
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
        return f"{v[0]:g}{f' {v[1]}' if v[1] else ''}" if isinstance(v[0], (int, float)) else str(v)  # a RationalNumber has no unit
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
    """Value x 10^Multiplier (PhysicalValue) or x 10^Exponent (RationalNumber); None if ``v`` is neither."""
    if isinstance(v, dict) and isinstance(v.get("Value"), int) and ("Multiplier" in v or "Exponent" in v):
        return float(v["Value"] * 10 ** v.get("Multiplier", v.get("Exponent", 0)))
    return None


def mimic_profile(answers: list[tuple[str, Any]], protocol: Protocol | None = None) -> tuple[str, dict[str, Any]]:
    """(base 'ac' or 'dc', SECC profile override) that makes v2glab's charger answer as the recorded one did.

    ``answers``: (message name, body) of the recorded charger's messages in order; ``protocol``:
    the session's, whose descriptor says which responses the Ongoing counts are read from.
    """
    override: dict[str, Any] = {}
    dc = False
    for key, field in (protocol.comparison if protocol else NOTHING).profile_fields.items():
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
