"""Fuzz the EXI decoder with mutated and random streams, and report what happened.

    python benchmarks/fuzz_decode.py [--count 1000000] [--seed 15118]

Seeds are the shared vectors (tests/fixtures/vectors): ISO 15118-2, DIN SPEC 70121,
the handshake and the five ISO 15118-20 grammars. Each input is decoded with the
schema of the seed it came from. Every input must end as a decoded message
or an EXIDecodeError that names its bit offset; anything else is counted as a
crash, printed, and makes the exit status 1. Also reported: inputs per second,
the slowest single input, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import resource
import sys
import time
from pathlib import Path

from v2glab import exi
from v2glab.errors import EXIDecodeError
from v2glab.exi.fuzz import mutate

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "vectors"


def seeds() -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        for vector in json.loads(path.read_text()):
            message = exi.from_xml(vector["xml"])
            out.append((message.schema, bytes.fromhex(vector["exi_hex"])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=15118)
    args = parser.parse_args()
    pool = seeds()
    rng = random.Random(args.seed)
    outcomes: collections.Counter[str] = collections.Counter()
    by_mutator: collections.Counter[tuple[str, str]] = collections.Counter()
    by_schema: collections.Counter[tuple[str, str]] = collections.Counter()
    crashes: list[tuple[str, bytes, str]] = []
    slowest = (0.0, b"")
    largest_input = 0
    started = time.perf_counter()
    for _ in range(args.count):
        schema, seed = rng.choice(pool)
        how, data = mutate(seed, rng, rng.choice(pool)[1])
        largest_input = max(largest_input, len(data))
        t0 = time.perf_counter()
        try:
            exi.decode(data, schema)
            result = "decoded"
        except EXIDecodeError as exc:
            result = "rejected" if 0 <= exc.bit_offset <= 8 * len(data) else "bad offset"
        except Exception as exc:  # noqa: BLE001 - the point is to catch what should not happen
            result = "crash"
            if len(crashes) < 20:
                crashes.append((schema, data, f"{type(exc).__name__}: {exc}"))
        elapsed = time.perf_counter() - t0
        if elapsed > slowest[0]:
            slowest = (elapsed, data)
        outcomes[result] += 1
        by_mutator[(how, result)] += 1
        by_schema[(schema, result)] += 1
    total = time.perf_counter() - started
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs                 {args.count}")
    for result in ("decoded", "rejected", "bad offset", "crash"):
        print(f"  {result:<20} {outcomes[result]}")
    print("by mutator (decoded / rejected):")
    for how in sorted({h for h, _ in by_mutator}):
        print(f"  {how:<20} {by_mutator[(how, 'decoded')]:>8} / {by_mutator[(how, 'rejected')]}")
    print("by schema (decoded / rejected / crash):")
    for schema in sorted({s for s, _ in by_schema}):
        print(f"  {schema:<28} {by_schema[(schema, 'decoded')]:>8} / {by_schema[(schema, 'rejected')]:>8} / {by_schema[(schema, 'crash')]}")
    print(f"wall time              {total:.1f} s ({args.count / total:,.0f} inputs/s, {1e6 * total / args.count:.1f} µs per input)")
    print(f"slowest input          {1e3 * slowest[0]:.2f} ms ({len(slowest[1])} bytes)")
    print(f"largest input          {largest_input} bytes")
    print(f"peak resident memory   {peak_rss_mib:.0f} MiB")
    for schema, data, what in crashes:
        print(f"CRASH {schema} {data.hex()} -> {what}")
    return 1 if outcomes["crash"] or outcomes["bad offset"] else 0


if __name__ == "__main__":
    sys.exit(main())
