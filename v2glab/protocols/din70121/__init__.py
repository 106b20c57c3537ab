"""DIN SPEC 70121:2014, DC charging with external payment, as a protocol plug-in."""

from __future__ import annotations

from ..base import Protocol, V2GMessageEnvelope
from ..simulator import PHYSICAL_VALUE_COMPARISON
from .car import Car
from .charger import Charger
from .sequence import SEQUENCE
from .timing import TIMING

PROTOCOL = Protocol(
    name="din70121",
    title="DIN SPEC 70121",
    namespace="urn:din:70121:2012:MsgDef",
    version=(2, 0),
    schema="din70121",
    envelope=V2GMessageEnvelope("din70121"),
    sequence=SEQUENCE,
    timing=TIMING,
    charger=Charger,
    car=Car,
    comparison=PHYSICAL_VALUE_COMPARISON,
    ongoing_counts={"authorization_ongoing": "ContractAuthenticationRes", "charge_parameter_ongoing": "ChargeParameterDiscoveryRes", "cable_check_ongoing": "CableCheckRes"},
    energy=("DC",),
)
