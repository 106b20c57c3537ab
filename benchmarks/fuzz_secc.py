"""Fuzz a live SECC: mutated requests, with the session's own SessionID, at every step of AC and DC sessions.

    python benchmarks/fuzz_secc.py [--frames 10000] [--parallel 8] [--seed 15118]

The SECC runs as `v2glab secc --port 0` in its own process on ::1. Each fuzzing
connection plays a real EV (the sans-I/O EVCC core, AC or DC) up to a random step,
then sends that step's request mutated (v2glab.exi.fuzz: flipped bits, truncation,
inserted, overwritten or spliced bytes, a huge declared length, random bytes) behind
a correct V2GTP header. The bytes up to the end of the SessionID are kept, so the
SECC sees its own session, not FAILED_UnknownSession. Afterwards: is the SECC alive,
how far did its RSS move, and does a normal AC and DC session still complete?
tests/secc/test_server.py runs the same with a few hundred frames.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from v2glab import exi
from v2glab.evcc.client import run_evcc
from v2glab.evcc.session import LOOP_WAIT, EvccSession
from v2glab.exi.fuzz import mutate
from v2glab.profiles import load_profile
from v2glab.protocols.events import Close, Send, StartTimer
from v2glab.trace import NullTracer
from v2glab.v2gtp import HEADER_LENGTH, frame

STEPS = {"ac": 14, "dc": 24}  # requests in a whole session with charge_loops = 3, or a few more (then nothing is fuzzed)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def kept_prefix(message: exi.Message) -> int:
    """Bytes of the EXI stream up to the end of the SessionID (0 for the handshake, which has none)."""
    if message.session_id is None:
        return 0
    content = message.content
    a = exi.encode(exi.Message(message.schema, message.name, {**content, "Header": {**content["Header"], "SessionID": bytes(8)}}), validate=False)
    b = exi.encode(exi.Message(message.schema, message.name, {**content, "Header": {**content["Header"], "SessionID": b"\xff" * 8}}), validate=False)
    return max(i for i in range(min(len(a), len(b))) if a[i] != b[i]) + 1


@dataclass
class Tally:
    frames: int = 0
    outcomes: Counter = field(default_factory=Counter)  # what the SECC did with a mutated frame
    mutators: Counter = field(default_factory=Counter)
    steps: Counter = field(default_factory=Counter)  # the request that was mutated


async def fuzz_one(port: int, mode: str, rng: random.Random, tally: Tally) -> None:
    """One connection: a real session up to a random step, then that step's request mutated."""
    profile = load_profile("evcc", mode)
    core = EvccSession(profile)
    target = rng.randrange(STEPS[mode])
    reader, writer = await asyncio.open_connection("::1", port)
    try:
        events, sent = core.start(), 0
        while True:
            for event in events:
                if isinstance(event, Send):
                    if sent == target:
                        payload = event.frame[HEADER_LENGTH:]
                        keep = kept_prefix(event.message)
                        how, mutated = mutate(payload, rng, payload)
                        writer.write(frame(payload[:keep] + mutated[keep:]))  # the SessionID as it was
                        tally.frames += 1
                        tally.mutators[how] += 1
                        tally.steps[event.message.body_name] += 1
                        tally.outcomes[await _after_mutation(reader)] += 1
                        return
                    writer.write(event.frame)
                    sent += 1
                elif isinstance(event, Close):
                    return  # the session ended before the step (a short session): nothing fuzzed
            timers = [e for e in events if isinstance(e, StartTimer) and e.name == LOOP_WAIT]
            if timers:
                events = core.timeout()  # no need to wait out the charge-loop period
                continue
            data = await asyncio.wait_for(reader.read(65536), 10)
            if not data:
                tally.outcomes["SECC closed before the fuzzed step"] += 1
                return
            events = core.receive_data(data)
    finally:
        writer.close()


async def _after_mutation(reader: asyncio.StreamReader) -> str:
    """What the SECC did: it answers at once or closes at once; after an answer, a close comes in the same breath."""
    answered = False
    try:
        while True:
            data = await asyncio.wait_for(reader.read(65536), 0.2 if answered else 2)
            if not data:
                return "answered, then closed" if answered else "closed without an answer"
            answered = True
    except asyncio.TimeoutError:
        return "answered, session goes on" if answered else "no answer within 2 s"
    except ConnectionError:
        return "connection reset"


async def fuzz(port: int, frames: int, parallel: int, seed: int, pid: int | None = None) -> tuple[Tally, float]:
    """Send at least ``frames`` mutated frames, half into AC and half into DC sessions; returns the tally and the peak RSS."""
    tally, peak = Tally(), 0.0
    rngs = [random.Random(seed + i) for i in range(parallel)]

    async def worker(i: int) -> None:
        nonlocal peak
        while tally.frames < frames:
            await fuzz_one(port, "ac" if rngs[i].random() < 0.5 else "dc", rngs[i], tally)
            if pid is not None:
                peak = max(peak, rss_mib(pid))

    await asyncio.gather(*(worker(i) for i in range(parallel)))
    return tally, peak


async def normal_sessions(port: int) -> list[str]:
    """A normal AC and DC session: the reasons of those that failed (empty: both passed)."""
    failed = []
    for mode in ("ac", "dc"):
        outcome = await run_evcc(load_profile("evcc", mode), "::1", port, tracer=NullTracer())
        if not outcome.ok:
            failed.append(f"{mode}: {outcome.reason}")
    return failed


# One charger for both kinds of EV: the AC profile offering the DC modes too.
BOTH = 'base = "dc"\n[secc]\nenergy_modes = ["AC_single_phase_core", "AC_three_phase_core", "DC_extended", "DC_core"]\n'


def start_secc(profile: Path) -> tuple[subprocess.Popen, int]:
    profile.write_text(BOTH)
    secc = subprocess.Popen([sys.executable, "-m", "v2glab.cli", "secc", "--host", "::1", "--port", "0", "--no-sdp", "--quiet", "--profile", str(profile)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in secc.stderr:
        if "listening on TCP" in line:
            return secc, int(line.rsplit(":", 1)[1])
    raise SystemExit(f"the SECC did not start (exit {secc.wait()})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--parallel", type=int, default=8, help="fuzzing connections at a time")
    parser.add_argument("--seed", type=int, default=15118)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="v2glab-fuzz-")
    secc, port = start_secc(Path(folder.name) / "secc.toml")
    try:
        warm = asyncio.run(normal_sessions(port))
        start_rss = rss_mib(secc.pid)
        began = time.perf_counter()
        tally, peak = asyncio.run(fuzz(port, args.frames, args.parallel, args.seed, secc.pid))
        took = time.perf_counter() - began
        end_rss = rss_mib(secc.pid)
        after = asyncio.run(normal_sessions(port))
        alive = secc.poll() is None
    finally:
        secc.kill()
        _out, err = secc.communicate(timeout=10)
    print(f"mutated frames sent:     {tally.frames} in {took:.1f} s ({tally.frames / took:.0f} frames/s), {args.parallel} connections at a time")
    print("mutated request:         " + ", ".join(f"{name} {n}" for name, n in tally.steps.most_common()))
    print("mutation:                " + ", ".join(f"{name} {n}" for name, n in tally.mutators.most_common()))
    print("what the SECC did:       " + ", ".join(f"{name} {n}" for name, n in tally.outcomes.most_common()))
    print(f"SECC RSS:                {start_rss:.1f} MiB before, {peak:.1f} MiB peak, {end_rss:.1f} MiB after ({end_rss - start_rss:+.1f} MiB)")
    print(f"SECC process alive:      {'yes' if alive else 'NO'}; tracebacks on its stderr: {err.count('Traceback')}")
    print(f"normal AC + DC sessions: before {'passed' if not warm else warm}, after {'passed' if not after else after}")
    return 0 if alive and not after and "Traceback" not in err else 1


if __name__ == "__main__":
    sys.exit(main())
