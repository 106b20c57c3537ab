from __future__ import annotations

import pytest

from v2glab import V2GError
from v2glab.errors import V2GTPError
from v2glab import v2gtp

SEED_PAYLOAD = bytes.fromhex("80980218d2ef923d8a3fb910c000452d48a9510cc4a9254d3cc4a90d211c000083020100000000")


def test_frame_has_the_reference_header() -> None:
    frame = v2gtp.frame(SEED_PAYLOAD)
    assert frame[:8] == bytes.fromhex("01FE800100000027")
    header, payload = v2gtp.parse_frame(frame)
    assert (header.version, header.inverse, header.payload_type, header.payload_length) == (1, 0xFE, 0x8001, 39)
    assert payload == SEED_PAYLOAD
    assert header.to_bytes() == frame[:8]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("02FD800100000027", "protocol version 0x02"),
        ("01FF800100000027", "inverse protocol version 0xff"),
        ("01FE123400000027", "unknown V2GTP payload type 0x1234"),
        ("01FE800100100000", "exceeds the limit"),
        ("01FE8001", "needs 8 bytes"),
    ],
)
def test_bad_headers_are_named(header: str, message: str) -> None:
    with pytest.raises(V2GTPError, match=message):
        v2gtp.parse_header(bytes.fromhex(header))


def test_sdp_payload_types_are_known() -> None:
    assert v2gtp.parse_header(bytes.fromhex("01FE900000000002")).payload_type == v2gtp.PayloadType.SDP_REQUEST
    assert v2gtp.parse_header(bytes.fromhex("01FE900100000014")).payload_type == v2gtp.PayloadType.SDP_RESPONSE


def test_length_limit_is_configurable() -> None:
    header = v2gtp.build_header(v2gtp.PayloadType.EXI, 100)
    assert v2gtp.parse_header(header, max_payload=100).payload_length == 100
    with pytest.raises(V2GTPError):
        v2gtp.parse_header(header, max_payload=99)


def test_frame_length_must_match() -> None:
    with pytest.raises(V2GTPError, match="announces 39 payload bytes, frame carries 38"):
        v2gtp.parse_frame(v2gtp.frame(SEED_PAYLOAD)[:-1])


def test_reader_reassembles_a_stream_split_anywhere() -> None:
    stream = v2gtp.frame(SEED_PAYLOAD) + v2gtp.frame(b"\x80\x40\x00\x40") + v2gtp.frame(SEED_PAYLOAD)
    for chunk in (1, 3, 7, 8, 9, 50, len(stream)):
        reader = v2gtp.V2GTPReader()
        frames = []
        for i in range(0, len(stream), chunk):
            frames += reader.feed(stream[i : i + chunk])
        assert [p for _h, p in frames] == [SEED_PAYLOAD, b"\x80\x40\x00\x40", SEED_PAYLOAD]
        assert reader.pending == 0


def test_reader_rejects_a_bad_header_before_the_payload_arrives() -> None:
    reader = v2gtp.V2GTPReader(max_payload=1000)
    with pytest.raises(V2GTPError, match="exceeds the limit"):
        reader.feed(v2gtp.build_header(0x8001, 2**32 - 1))
    assert issubclass(V2GTPError, V2GError)
