"""RationalNumberType: Value (xs:short) x 10^Exponent, the unit-less numbers of ISO 15118-20."""

from __future__ import annotations

from typing import Any

SHORT_MAX = 32767


def rational(value: float) -> dict[str, int]:
    """The most precise {Exponent, Value} that holds ``value`` (a whole number that fits: exponent 0)."""
    if value == int(value) and abs(value) <= SHORT_MAX:
        return {"Exponent": 0, "Value": int(value)}
    for exponent in range(-3, 128):
        scaled = round(value / 10**exponent)
        if abs(scaled) <= SHORT_MAX:
            return {"Exponent": exponent, "Value": scaled}
    raise ValueError(f"{value} does not fit a RationalNumber")


def value_of(number: dict[str, Any] | None, default: float = 0.0) -> float:
    if number is None:
        return default
    return number["Value"] * 10.0 ** number["Exponent"]
