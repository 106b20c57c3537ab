"""exi.decode(trailing=...): zero bytes after the end of a document, rejected by default, accepted and reported on request."""

from __future__ import annotations

import pytest

from v2glab import exi

SEED = bytes.fromhex("80980218d2ef923d8a3fb910c000452d48a9510cc4a9254d3cc4a90d211c000083020100000000")  # the vendor's ChargingStatusRes


def test_strict_by_default() -> None:
    with pytest.raises(exi.EXIDecodeError, match="after the end of the document"):
        exi.decode(SEED + b"\x00", "iso15118-2")


@pytest.mark.parametrize("zeros", [1, 3])
def test_zeros_decode_and_are_reported(zeros: int) -> None:
    deviations: list[str] = []
    message = exi.decode(SEED + b"\x00" * zeros, "iso15118-2", trailing="zeros", deviations=deviations)
    assert message == exi.decode(SEED, "iso15118-2")
    assert deviations == [f"{zeros} zero byte(s) ({' '.join(['00'] * zeros)}) after the end of the EXI document, at byte {len(SEED)} of {len(SEED) + zeros}"]


def test_a_document_ending_in_zero_bytes_is_no_deviation() -> None:
    deviations: list[str] = []
    assert SEED.endswith(b"\x00")  # its own last bytes are zero: nothing is trailing
    exi.decode(SEED, "iso15118-2", trailing="zeros", deviations=deviations)
    assert deviations == []


def test_other_trailing_bytes_still_fail() -> None:
    with pytest.raises(exi.EXIDecodeError):
        exi.decode(SEED + b"\x01", "iso15118-2", trailing="zeros")
    with pytest.raises(exi.EXIDecodeError):
        exi.decode(SEED + b"\x07\x00", "iso15118-2", trailing="zeros")
    with pytest.raises(ValueError):
        exi.decode(SEED, "iso15118-2", trailing="anything")
