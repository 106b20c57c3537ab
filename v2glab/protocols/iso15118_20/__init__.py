"""ISO 15118-20:2022, AC and DC with EIM or PnC, Scheduled and Dynamic, with BPT, as a protocol plug-in.

The car offers the namespace of its energy mode (-20:DC or -20:AC, major version 1);
the SECC accepts both. Which energy service runs is fixed later, by ServiceSelection.
"""

from __future__ import annotations

from typing import Any

from ..base import Comparison, Protocol
from .car import Car
from .charger import Charger
from .envelope import DocumentEnvelope
from .sequence import SEQUENCE
from .timing import TIMING

DC_NAMESPACE = "urn:iso:std:iso:15118:-20:DC"
AC_NAMESPACE = "urn:iso:std:iso:15118:-20:AC"


def _offered(profile: dict[str, Any]) -> tuple[str, ...]:
    return (AC_NAMESPACE,) if profile.get("requested_mode", "").startswith("AC") else (DC_NAMESPACE,)


# What replay compares: the verdicts and the fields the profiles set (RationalNumbers compare by
# value x 10^Exponent), and the SECC profile keys ``replay --mimic`` reads off a recorded charger.
COMPARISON = Comparison(
    charger_fields=frozenset({
        "ResponseCode", "EVSEProcessing", "EVSEID", "ServiceID", "FreeService", "EVSENominalVoltage", "EVSENominalFrequency",
        "EVSEMaximumChargePower", "EVSEMinimumChargePower", "EVSEMaximumChargeCurrent", "EVSEMinimumChargeCurrent",
        "EVSEMaximumVoltage", "EVSEMinimumVoltage", "EVSEMaximumDischargePower", "EVSEMinimumDischargePower",
        "EVSEMaximumDischargeCurrent", "EVSEMinimumDischargeCurrent", "MeterID",
    }),
    car_fields=frozenset({
        "EVCCID", "SelectedAuthorizationService", "SelectedEnergyTransferService", "EVMaximumChargePower", "EVMinimumChargePower",
        "EVMaximumChargeCurrent", "EVMinimumChargeCurrent", "EVMaximumVoltage", "EVMinimumVoltage", "EVTargetVoltage",
        "EVTargetCurrent", "ChargeProgress", "ChargingSession", "SelectedScheduleTupleID",
    }),
    profile_fields={
        "evse_id": "EVSEID",
        "free_service": "FreeService",
        # DC only: the power and current names are AC's too, so they would not tell the kind
        "dc.max_voltage": "EVSEMaximumVoltage",
        "dc.min_voltage": "EVSEMinimumVoltage",
        "meter.meter_id": "MeterID",
    },
)

PROTOCOL = Protocol(
    name="iso15118-20",
    title="ISO 15118-20",
    namespace=DC_NAMESPACE,
    more_namespaces=(AC_NAMESPACE,),
    offered_namespaces=_offered,
    version=(1, 0),
    schema="iso15118-20-CommonMessages",
    envelope=DocumentEnvelope(),  # type: ignore[arg-type]  # same methods as V2GMessageEnvelope
    sequence=SEQUENCE,
    timing=TIMING,
    charger=Charger,
    car=Car,
    comparison=COMPARISON,
    ongoing_counts={"authorization_ongoing": "AuthorizationRes", "cable_check_ongoing": "DC_CableCheckRes"},
    payload_type=0x8002,
    lua_tables=("SECC", "EVCC"),  # as the vendor's -20 pages write them
    tls_version="1.3",  # [V2G20-1237][V2G20-2356]: not over TLS 1.2
)
