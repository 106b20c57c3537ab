"""Bad bytes end as an EXIDecodeError that names the bit offset: no other exception, no huge allocation."""

from __future__ import annotations

import random
import tracemalloc

import pytest

from v2glab import V2GError, exi
from v2glab.errors import EXIDecodeError
from v2glab.exi.bits import BitWriter
from v2glab.exi.fuzz import MUTATORS, corpus, mutate

from ..conftest import VECTORS

SEEDS = [bytes.fromhex(v["exi_hex"]) for v in VECTORS]
SEED = bytes.fromhex(VECTORS[0]["exi_hex"])  # the vendor's ChargingStatusRes


def test_mutated_streams_decode_or_fail_with_a_bit_offset() -> None:
    outcomes = {"decoded": 0, "rejected": 0}
    seen_mutators = set()
    for how, data in corpus(SEEDS, 3000, seed=2):
        seen_mutators.add(how)
        for schema in ("iso15118-2", "din70121", "app"):
            try:
                exi.decode(data, schema)
                outcomes["decoded"] += 1
            except EXIDecodeError as exc:
                assert 0 <= exc.bit_offset <= 8 * len(data)
                assert f"at bit {exc.bit_offset}" in str(exc)
                outcomes["rejected"] += 1
    assert seen_mutators == set(MUTATORS)
    assert outcomes["rejected"] > 0 and outcomes["decoded"] > 0


@pytest.mark.parametrize("cut", range(1, 39))
def test_every_truncation_of_the_seed_is_rejected(cut: int) -> None:
    with pytest.raises(EXIDecodeError) as info:
        exi.decode(SEED[:cut], "iso15118-2")
    assert info.value.bit_offset <= 8 * cut


def _up_to_session_id_length() -> BitWriter:
    w = BitWriter()
    w.bits(0x80, 8)
    w.bits(76, 7)  # SE(V2G_Message)
    w.bits(0, 1)  # SE(Header)
    w.bits(0, 1)  # SE(SessionID)
    w.bits(0, 1)  # CH
    return w


def _session_id_with_length(length: int) -> bytes:
    """A V2G_Message whose hexBinary SessionID declares ``length`` octets and carries 8."""
    w = _up_to_session_id_length()
    w.uint(length)
    w.octets(bytes(8))
    return w.to_bytes()


def test_declared_length_of_2_pow_32_does_not_allocate() -> None:
    data = _session_id_with_length(2**32)
    tracemalloc.start()
    try:
        with pytest.raises(EXIDecodeError) as info:
            exi.decode(data, "iso15118-2")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert info.value.bit_offset == 18  # where the length field starts
    assert "exceeds the stream" in info.value.reason


def test_wrong_exi_header_and_trailing_garbage_are_named() -> None:
    with pytest.raises(EXIDecodeError, match="header is 0x81") as info:
        exi.decode(b"\x81" + SEED[1:], "iso15118-2")
    assert info.value.bit_offset == 0
    with pytest.raises(EXIDecodeError, match="after the end of the document"):
        exi.decode(SEED + b"\x00\x00", "iso15118-2")
    with pytest.raises(EXIDecodeError):
        exi.decode(b"", "iso15118-2")


def test_endless_continuation_bits_stop() -> None:
    # SessionID length as an unsigned integer that never ends: 0xFF octets forever
    w = _up_to_session_id_length()
    w.octets(b"\xff" * 4096)
    data = w.to_bytes()
    with pytest.raises(EXIDecodeError, match="longer than 10 octets"):
        exi.decode(data, "iso15118-2")


def test_decode_errors_are_v2g_errors() -> None:
    assert issubclass(EXIDecodeError, V2GError)


SEEDS_20 = [(exi.from_xml(v["xml"]).schema, bytes.fromhex(v["exi_hex"])) for v in VECTORS if v["schema"].startswith("iso15118-20-")]


def test_mutated_iso15118_20_streams_decode_or_fail_with_a_bit_offset() -> None:
    schema_of = {data: schema for schema, data in SEEDS_20}
    outcomes = {"decoded": 0, "rejected": 0}
    rng = random.Random(20)
    for _ in range(3000):
        seed = rng.choice(SEEDS_20)[1]
        _how, data = mutate(seed, rng, rng.choice(SEEDS_20)[1])
        for schema in (schema_of[seed], rng.choice(exi.ISO15118_20_SCHEMAS)):
            try:
                exi.decode(data, schema)
                outcomes["decoded"] += 1
            except EXIDecodeError as exc:
                assert 0 <= exc.bit_offset <= 8 * len(data)
                outcomes["rejected"] += 1
        try:  # detection decodes too: the same two outcomes only
            exi.detect_schema(data)
        except EXIDecodeError as exc:
            assert 0 <= exc.bit_offset <= 8 * len(data)
    assert outcomes["rejected"] > 0 and outcomes["decoded"] > 0


@pytest.mark.parametrize("schema_data", SEEDS_20[:3] + SEEDS_20[-6:-3], ids=lambda sd: sd[0])
def test_every_truncation_of_a_iso15118_20_vector_is_rejected(schema_data: tuple[str, bytes]) -> None:
    schema, data = schema_data
    for cut in range(len(data)):
        with pytest.raises(EXIDecodeError) as info:
            exi.decode(data[:cut], schema)
        assert info.value.bit_offset <= 8 * cut
