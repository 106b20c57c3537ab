"""Mutations of EXI streams, for fuzzing a decoder (ours in the tests, a car's from a script later).

Each input is a seed message changed in one of the ways a broken or hostile
peer produces: flipped bits, truncation, spliced or inserted bytes, a huge
declared length, or plain random bytes behind a valid header.
"""

from __future__ import annotations

import random
from typing import Iterator

MUTATORS = ("flip", "truncate", "insert", "overwrite", "splice", "huge_length", "random")


def mutate(seed: bytes, rng: random.Random, other: bytes = b"") -> tuple[str, bytes]:
    """One mutation of ``seed``: returns (mutator name, bytes)."""
    how = rng.choice(MUTATORS)
    data = bytearray(seed)
    if how == "flip":
        for _ in range(rng.randint(1, 4)):
            bit = rng.randrange(8 * len(data))
            data[bit // 8] ^= 0x80 >> (bit % 8)
    elif how == "truncate":
        del data[rng.randrange(len(data)):]
    elif how == "insert":
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.randbytes(rng.randint(1, 8))
    elif how == "overwrite":
        at = rng.randrange(len(data))
        chunk = rng.randbytes(rng.randint(1, 6))
        data[at:at + len(chunk)] = chunk
    elif how == "splice" and other:
        data = data[: rng.randrange(len(data) + 1)] + bytearray(other[rng.randrange(len(other)):])
    elif how == "huge_length":
        # an EXI unsigned integer of 2^32 (5 groups of 7 bits) dropped at a random bit offset
        value = int.from_bytes(bytes(data), "big")
        total = 8 * len(data)
        bit = rng.randrange(8, total)
        huge = 0x8080808010  # 2^32 as LSB-first 7-bit groups: 80 80 80 80 10
        value = ((value >> (total - bit)) << (total - bit + 40)) | (huge << (total - bit)) | (value & ((1 << (total - bit)) - 1))
        data = bytearray(value.to_bytes(len(data) + 5, "big"))
    else:
        data = bytearray(b"\x80" + rng.randbytes(rng.randint(0, 64)))
    return how, bytes(data)


def corpus(seeds: list[bytes], count: int, seed: int = 15118) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    for _ in range(count):
        yield mutate(rng.choice(seeds), rng, rng.choice(seeds))
