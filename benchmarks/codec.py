"""Encode/decode cost per message, in µs: median (and p90) over many runs on one core.

    python benchmarks/codec.py [--runs 20000]

Messages: the vendor reference's ChargingStatusRes (39 bytes), a DC
ChargeParameterDiscoveryRes with an SAScheduleList of 3 tuples, each with a
PMaxSchedule of 12 entries, and the ISO 15118-20 DC_ChargeLoopReq and
DC_ChargeLoopRes of a scheduled DC session (the shared -20 vectors'
shapes, with the optional display, meter and limit fields filled in).
Target: <= 30 µs each way for ChargingStatusRes.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from v2glab import exi

SEED = bytes.fromhex("80980218d2ef923d8a3fb910c000452d48a9510cc4a9254d3cc4a90d211c000083020100000000")


def pv(value: int, unit: str, multiplier: int = 0) -> dict:
    return {"Multiplier": multiplier, "Unit": unit, "Value": value}


def dc_charge_parameter_discovery_res() -> exi.Message:
    tuples = []
    for tuple_id in (1, 2, 3):
        entries = [
            {"RelativeTimeInterval": {"start": 3600 * i, **({"duration": 3600} if i == 11 else {})}, "PMax": pv(50 - i, "W", 3)}
            for i in range(12)
        ]
        tuples.append({"SAScheduleTupleID": tuple_id, "PMaxSchedule": {"PMaxScheduleEntry": entries}})
    body = {
        "ResponseCode": "OK",
        "EVSEProcessing": "Finished",
        "SAScheduleList": {"SAScheduleTuple": tuples},
        "DC_EVSEChargeParameter": {
            "DC_EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "None", "EVSEIsolationStatus": "Valid", "EVSEStatusCode": "EVSE_Ready"},
            "EVSEMaximumCurrentLimit": pv(200, "A"),
            "EVSEMaximumPowerLimit": pv(50, "W", 3),
            "EVSEMaximumVoltageLimit": pv(500, "V"),
            "EVSEMinimumCurrentLimit": pv(0, "A"),
            "EVSEMinimumVoltageLimit": pv(150, "V"),
            "EVSEPeakCurrentRipple": pv(5, "A"),
            "EVSEEnergyToBeDelivered": pv(60, "Wh", 3),
        },
    }
    return exi.Message("iso15118-2", "V2G_Message", {"Header": {"SessionID": bytes.fromhex("634BBE48F628FEE4")}, "Body": {"ChargeParameterDiscoveryRes": body}})


def rn(value: int, exponent: int = 0) -> dict:
    return {"Exponent": exponent, "Value": value}


HEADER_20 = {"SessionID": bytes.fromhex("3D4CBF93374ED89B"), "TimeStamp": 1732550436}


def dc_charge_loop_req() -> exi.Message:
    body = {
        "Header": HEADER_20,
        "DisplayParameters": {"PresentSOC": 63, "TargetSOC": 90, "ChargingComplete": False},
        "MeterInfoRequested": False,
        "EVPresentVoltage": rn(400),
        "Scheduled_DC_CLReqControlMode": {
            "EVTargetEnergyRequest": rn(35, 3),
            "EVTargetCurrent": rn(125),
            "EVTargetVoltage": rn(400),
            "EVMaximumChargePower": rn(150, 3),
            "EVMaximumChargeCurrent": rn(400),
            "EVMaximumVoltage": rn(920),
        },
    }
    return exi.Message("iso15118-20-DC", "DC_ChargeLoopReq", body)


def dc_charge_loop_res() -> exi.Message:
    body = {
        "Header": HEADER_20,
        "ResponseCode": "OK",
        "EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "ExitStandby"},
        "MeterInfo": {"MeterID": "METER-0001", "ChargedEnergyReadingWh": 12345, "MeterTimestamp": 1732550436},
        "EVSEPresentCurrent": rn(1249, -1),
        "EVSEPresentVoltage": rn(4001, -1),
        "EVSEPowerLimitAchieved": False,
        "EVSECurrentLimitAchieved": False,
        "EVSEVoltageLimitAchieved": False,
        "Scheduled_DC_CLResControlMode": {
            "EVSEMaximumChargePower": rn(150, 3),
            "EVSEMinimumChargePower": rn(0),
            "EVSEMaximumChargeCurrent": rn(400),
            "EVSEMaximumVoltage": rn(1000),
        },
    }
    return exi.Message("iso15118-20-DC", "DC_ChargeLoopRes", body)


def measure(fn, runs: int) -> tuple[float, float]:
    samples = []
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - t0)
    finally:
        gc.enable()
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(0.9 * len(samples))] / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20000)
    args = parser.parse_args()
    cases = {
        "ChargingStatusRes (seed)": exi.decode(SEED, "iso15118-2"),
        "DC ChargeParameterDiscoveryRes + SAScheduleList": dc_charge_parameter_discovery_res(),
        "ISO 15118-20 DC_ChargeLoopReq": dc_charge_loop_req(),
        "ISO 15118-20 DC_ChargeLoopRes": dc_charge_loop_res(),
    }
    print(f"v2glab EXI codec, {args.runs} runs each, one core, median / p90 in µs per message")
    for name, message in cases.items():
        data = exi.encode(message)
        schema = message.schema
        assert exi.decode(data, schema) == message
        for _ in range(500):  # warm-up
            exi.decode(exi.encode(message), schema)
        enc = measure(lambda: exi.encode(message), args.runs)
        enc_nv = measure(lambda: exi.encode(message, validate=False), args.runs)
        dec = measure(lambda: exi.decode(data, schema), args.runs)
        print(f"{name} ({len(data)} bytes):")
        print(f"  encode            {enc[0]:8.1f} µs  (p90 {enc[1]:.1f} µs)")
        print(f"  encode, no checks {enc_nv[0]:8.1f} µs  (p90 {enc_nv[1]:.1f} µs)")
        print(f"  decode            {dec[0]:8.1f} µs  (p90 {dec[1]:.1f} µs)")


if __name__ == "__main__":
    main()
