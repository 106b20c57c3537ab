"""ISO 15118-2:2014, AC and DC, as a protocol plug-in."""

from __future__ import annotations

from ..base import Protocol, V2GMessageEnvelope
from ..simulator import PHYSICAL_VALUE_COMPARISON
from .car import Car
from .charger import Charger
from .sequence import SEQUENCE
from .timing import TIMING

PROTOCOL = Protocol(
    name="iso15118-2",
    title="ISO 15118-2",
    namespace="urn:iso:15118:2:2013:MsgDef",
    version=(2, 0),
    schema="iso15118-2",
    envelope=V2GMessageEnvelope("iso15118-2"),
    sequence=SEQUENCE,
    timing=TIMING,
    charger=Charger,
    car=Car,
    comparison=PHYSICAL_VALUE_COMPARISON,
    ongoing_counts={"authorization_ongoing": "AuthorizationRes", "charge_parameter_ongoing": "ChargeParameterDiscoveryRes", "cable_check_ongoing": "CableCheckRes"},
)
