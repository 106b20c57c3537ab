"""Load on one SECC process: N simulated EVs each repeat the charge-loop request of their protocol
(ISO 15118-2: ChargingStatusReq in AC, CurrentDemandReq in DC; DIN SPEC 70121: CurrentDemandReq)
every 100 ms, each plugged in at a random moment of the first second. Reports the response time seen
by the EVs (p50, p99, max) and the SECC's CPU.

    python benchmarks/secc_load.py [--evs 10 100 200] [--mode ac dc] [--protocol iso15118-2 din70121] [--seconds 10]

The EVs offer only the protocol named; the SECC enables all its profile's protocols. A mode the
protocol cannot charge (AC for DIN SPEC 70121) is skipped. The charge-loop request comes from the
protocol's sequence table, not from a list of message names here.

The SECC runs as `v2glab secc` in its own process on ::1, pinned to CPU 0 where
possible; the EVs run here, pinned to CPU 1, each driven by the sans-I/O EVCC core
over its own TCP connection. Response time is measured from writing a request to
having its whole response, so it includes this process's own scheduling.
Target: p99 <= 5 ms with 200 EVs (the standard allows 25 ms for CurrentDemandRes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import time

from _ev_driver import drive_ev
from _secc import start_secc as start_server

from v2glab.profiles import load_profile
from v2glab.protocols import get, registry

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


async def one_ev(port: int, mode: str, protocol: str, stop_at: float, samples: list[float], ready: asyncio.Event, errors: list[str]) -> None:
    profile = load_profile("evcc", mode)
    profile["protocols"] = [protocol]
    profile["charge_loops"] = 10**9
    profile["loop_period"] = 0.1
    profile["validate_responses"] = False  # keep the load generator light: it measures, it does not judge
    await asyncio.sleep(random.uniform(0, 1.0))  # cars plug in at random moments: random loop phases
    await drive_ev(profile, port, stop_at, samples, ready, errors)


async def run(n: int, mode: str, protocol: str, seconds: float, port: int, secc_pid: int) -> dict:
    samples: list[float] = []
    errors: list[str] = []
    ready = asyncio.Event()
    loop = asyncio.get_running_loop()
    warmup = 2.0
    stop_at = loop.time() + warmup + seconds
    tasks = []
    for _ in range(n):
        tasks.append(asyncio.create_task(one_ev(port, mode, protocol, stop_at, samples, ready, errors)))
    await asyncio.sleep(warmup)
    ready.set()
    cpu0, t0, own0 = cpu_seconds(secc_pid), time.monotonic(), cpu_seconds(os.getpid())
    await asyncio.gather(*tasks, return_exceptions=True)
    cpu1, t1, own1 = cpu_seconds(secc_pid), time.monotonic(), cpu_seconds(os.getpid())
    samples.sort()
    return {
        "n": n,
        "count": len(samples),
        "p50": statistics.median(samples) * 1000 if samples else float("nan"),
        "p99": samples[int(0.99 * (len(samples) - 1))] * 1000 if samples else float("nan"),
        "max": samples[-1] * 1000 if samples else float("nan"),
        "cpu": 100 * (cpu1 - cpu0) / (t1 - t0),
        "ev_cpu": 100 * (own1 - own0) / (t1 - t0),
        "rate": len(samples) / (t1 - t0),
        "errors": errors,
    }


def start_secc(mode: str) -> tuple[subprocess.Popen, int]:
    """The SECC on one core (the EVs take the other) and the port it listens on."""
    pin = ["taskset", "-c", "0"] if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1 else None
    return start_server(["secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", mode], prefix=pin)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evs", type=int, nargs="+", default=[10, 100, 200])
    parser.add_argument("--mode", nargs="+", default=["ac", "dc"], choices=["ac", "dc"])
    parser.add_argument("--protocol", nargs="+", default=["iso15118-2"], choices=list(registry()))
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    print(f"one SECC process, EVs looping every 100 ms for {args.seconds:g} s after a 2 s warm-up")
    print(f"{'protocol':<10} {'mode':<4} {'EVs':>4} {'responses':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'SECC CPU':>9} {'EVs CPU':>8}")
    for protocol in args.protocol:
        for mode in args.mode:
            if mode.upper() not in get(protocol).energy:
                continue
            for n in args.evs:
                secc, port = start_secc(mode)
                try:
                    r = asyncio.run(run(n, mode, protocol, args.seconds, port, secc.pid))
                finally:
                    secc.terminate()
                    secc.wait()
                print(f"{protocol:<10} {mode.upper():<4} {n:>4} {r['count']:>9} {r['rate']:>7.0f} {r['p50']:>7.2f} {r['p99']:>7.2f} {r['max']:>7.2f} {r['cpu']:>8.1f}% {r['ev_cpu']:>7.1f}%")
                if r["errors"]:
                    print(f"           {len(r['errors'])} EV(s) failed, first: {r['errors'][0]}")


if __name__ == "__main__":
    main()
