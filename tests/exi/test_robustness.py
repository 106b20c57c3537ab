"""Bad bytes end as an EXIDecodeError that names the bit offset: no other exception, no huge allocation."""

from __future__ import annotations

import time
import random
import tracemalloc

import pytest

from v2glab import V2GError, exi
from v2glab.errors import EXIDecodeError
from v2glab.exi.bits import BitReader, BitWriter, SmallBitReader
from v2glab.exi.codec import _decode_chars
from v2glab.exi.fuzz import MUTATORS, corpus, mutate

from ..conftest import VECTORS, app_offer, signed_setup

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
    assert "exceeds the maxLength 8" in info.value.reason  # SessionID is at most 8 octets


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
    with pytest.raises(EXIDecodeError, match="longer than 23 octets") as info:
        exi.decode(data, "iso15118-2")
    assert info.value.bit_offset == 18  # where the length field starts


@pytest.mark.parametrize(("octets", "reason"), [
    (23, "exceeds the maxLength 8"),  # read to its end (a 161-bit value), then refused as a length
    (24, "longer than 23 octets"),  # one octet too many: refused as an integer
])
def test_the_longest_unsigned_integer_is_23_octets(octets: int, reason: str) -> None:
    """23 groups of 7 bits hold a 20-octet X.509 serial number (RFC 5280); one more is refused."""
    w = _up_to_session_id_length()
    w.octets(b"\xff" * (octets - 1) + b"\x7f")
    with pytest.raises(EXIDecodeError) as info:
        exi.decode(w.to_bytes() + bytes(16), "iso15118-2")
    assert reason in info.value.reason and info.value.bit_offset == 18


def test_decode_errors_are_v2g_errors() -> None:
    assert issubclass(EXIDecodeError, V2GError)


def _best_decode_time(data: bytes, schema: str, runs: int = 5) -> float:
    """CPU time of this thread, best of ``runs``: other processes on a busy machine do not count."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        try:
            exi.decode(data, schema)
        except EXIDecodeError:
            pass
        best = min(best, time.thread_time() - start)
    return best


def test_a_string_longer_than_its_max_length_is_refused_before_its_characters() -> None:
    # 60 KB of non-ASCII ProtocolNamespace (maxLength 100): refused at the length field
    data = app_offer("\u00e9" * 30000)
    assert len(data) > 60000
    with pytest.raises(EXIDecodeError) as info:
        exi.decode(data, "app")
    assert "exceeds the maxLength 100 of ns0:protocolNamespaceType" in info.value.reason
    assert info.value.bit_offset < 16  # the length field, not the end of 30,000 characters
    assert exi.decode(app_offer("\u00e9" * 100), "app").content["AppProtocol"][0]["ProtocolNamespace"] == "\u00e9" * 100


@pytest.mark.parametrize("text", ["\u00e9", "\u4e2d", "\U0001f50c", "a"])
def test_decoding_an_unbounded_string_is_linear_in_its_length(text: str) -> None:
    """Without a maxLength, a string is bounded by the payload; decoding it must stay linear.

    The reader used to shift the whole stream for each octet of a non-ASCII character:
    4 KB took 5 ms and 64 KB 340 ms (x70 for x16 the input). Linear is x16; the bound
    leaves room for a noisy machine, quadratic is far above it.
    """
    octets = len(text.encode("utf-8"))  # about as many octets as EXI takes for the character
    small, large = signed_setup(text * (4000 // octets)), signed_setup(text * (64000 // octets))
    assert exi.decode(large, "iso15118-2").content["Header"]["Signature"]["KeyInfo"]["KeyName"][0].startswith(text)
    ratio = _best_decode_time(large, "iso15118-2") / _best_decode_time(small, "iso15118-2")
    assert len(large) / len(small) > 14
    assert ratio < 40, f"x{ratio:.0f} the time for x{len(large) / len(small):.0f} the input"


@pytest.mark.parametrize("shift", range(8))
def test_strings_at_every_bit_alignment(shift: int) -> None:
    # both readers, the string starting at each bit offset: ASCII, multi-octet characters, empty
    for namespace in ("urn:iso:15118:2:2013:MsgDef", "\u00e9\u4e2d\U0001f50c" * 5, ""):
        w = BitWriter()
        w.bits(0, shift)
        w.uint(len(namespace) + 2)
        for ch in namespace:
            w.uint(ord(ch))
        w.bits(0b101, 3)
        for cls in (BitReader, SmallBitReader):
            r = cls(w.to_bytes())
            r.bits(shift)
            count = r.uint() - 2
            assert _decode_chars(r, count, 0) == namespace
            assert r.bits(3) == 0b101


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
