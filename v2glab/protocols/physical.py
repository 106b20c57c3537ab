"""PhysicalValueType: Value (xs:short) x 10^Multiplier (-3..3) in a Unit."""

from __future__ import annotations

from typing import Any

SHORT_MAX = 32767


def physical(value: float, unit: str) -> dict[str, Any]:
    """The most precise {Multiplier, Unit, Value} that holds ``value``."""
    if value == int(value) and abs(value) <= SHORT_MAX:  # the common case: a whole number
        return {"Multiplier": 0, "Unit": unit, "Value": int(value)}
    for multiplier in range(-3, 4):
        scaled = round(value / 10**multiplier)
        if abs(scaled) <= SHORT_MAX and abs(scaled * 10**multiplier - value) < 10**multiplier / 2 + 1e-9:
            if multiplier < 0 and abs(round(value / 10 ** (multiplier + 1)) * 10 ** (multiplier + 1) - value) < 1e-9:
                continue  # a coarser multiplier is exact: prefer it (32 A is 32 x 10^0, not 320 x 10^-1)
            return {"Multiplier": multiplier, "Unit": unit, "Value": scaled}
    raise ValueError(f"{value} {unit} does not fit a PhysicalValue")


def value_of(pv: dict[str, Any]) -> float:
    return pv["Value"] * 10.0 ** pv["Multiplier"]
