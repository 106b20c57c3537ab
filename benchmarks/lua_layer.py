"""What the Lua layer adds per message: the same ChargingStatus loop against the engine's SECC and
against a Lua script playing the SECC (examples/secc_ac_session.lua), response times as the EV sees them.

    python benchmarks/lua_layer.py [--loops 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from pathlib import Path

from _ev_driver import drive_ev
from _secc import start_secc

from v2glab.profiles import load_profile

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(secc_args: list[str], loops: int) -> tuple[list[float], float]:
    secc, port = start_secc([*secc_args, "--host", "::1", "--no-sdp", "--quiet"])
    profile = load_profile("evcc", "ac")
    profile["charge_loops"] = loops
    profile["loop_period"] = 0.0  # back to back: the response time is all that is measured
    profile["validate_responses"] = False  # the EV side measures; its own cost stays out of the figure
    samples: list[float] = []
    errors: list[str] = []

    async def main() -> None:
        record = asyncio.Event()
        record.set()
        await drive_ev(profile, port, asyncio.get_running_loop().time() + 600, samples, record, errors)

    cpu_before = cpu_seconds(secc.pid)
    try:
        asyncio.run(main())
        cpu = cpu_seconds(secc.pid) - cpu_before
    finally:
        secc.terminate()
        secc.wait()
    if errors or len(samples) != loops:
        raise SystemExit(f"benchmark session failed: {errors or f'{len(samples)} of {loops} responses'}")
    return samples, cpu / loops


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loops", type=int, default=2000)
    args = parser.parse_args()
    engine, cpu_e = measure(["secc", "--profile", "ac"], args.loops)
    script, cpu_s = measure(["run", str(ROOT / "examples" / "secc_ac_session.lua"), "--role", "secc"], args.loops)
    med_e, med_s = statistics.median(engine) * 1e6, statistics.median(script) * 1e6
    print(f"ChargingStatusReq -> ChargingStatusRes, {args.loops} loops back to back:")
    print("                       response time (median, as the EV sees it)   SECC CPU time per message")
    print(f"  engine SECC          {med_e:8.0f} µs {'':34s} {cpu_e * 1e6:6.0f} µs")
    print(f"  Lua script SECC      {med_s:8.0f} µs {'':34s} {cpu_s * 1e6:6.0f} µs   (Receive, Check_Received, 4 x Set_, Send)")
    print(f"  script / engine      {med_s / med_e:8.2f} x {'':35s} {cpu_s / cpu_e:6.2f} x")

if __name__ == "__main__":
    main()
