from __future__ import annotations

import pytest

from v2glab import V2GError, exi
from v2glab.errors import V2GTPError
from v2glab import v2gtp

from .conftest import VECTORS

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


# --------------------------------------------------------------------------- ISO 15118-20 payload types
VECTORS_20 = [v for v in VECTORS if "v2gtp_payload_type" in v]  # the -20 vectors, the handshake included


def test_iso15118_20_payload_types_are_known() -> None:
    for payload_type in range(0x8002, 0x8007):
        assert v2gtp.parse_header(bytes.fromhex(f"01FE{payload_type:04X}00000010")).payload_type == payload_type
    assert {schema for schema, pt in v2gtp.PAYLOAD_TYPES.items() if pt == 0x8004} == {"iso15118-20-DC"}


@pytest.mark.parametrize("vector", VECTORS_20, ids=[v["name"] for v in VECTORS_20])
def test_each_iso15118_20_message_has_the_payload_type_of_its_vector(vector: dict) -> None:
    message = exi.from_xml(vector["xml"])
    payload_type = int(vector["v2gtp_payload_type"], 16)
    assert v2gtp.payload_type_of(message) == payload_type
    v2gtp.check_payload_type(payload_type, message)  # no error
    payload = bytes.fromhex(vector["exi_hex"])
    header, framed = v2gtp.parse_frame(v2gtp.frame_message(message, payload))
    assert (header.payload_type, framed) == (payload_type, payload)
    # the payload type settles which grammar reads the stream
    assert exi.detect_schema(payload, v2gtp.schemas_for_payload_type(payload_type)) == message.schema


def test_a_payload_type_not_matching_the_message_names_both() -> None:
    message = exi.from_xml(next(v["xml"] for v in VECTORS if v.get("root") == "DC_ChargeLoopReq"))
    with pytest.raises(V2GTPError) as info:
        v2gtp.check_payload_type(0x8002, message)
    assert "0x8002" in str(info.value) and "DC_ChargeLoopReq" in str(info.value) and "0x8004" in str(info.value)
    # a -20 message in the handshake's 0x8001 (as Josev's EVCC sends CertificateInstallationReq) is refused too
    with pytest.raises(V2GTPError, match="0x8001 does not carry"):
        v2gtp.check_payload_type(0x8001, message)
    # and a -2 message in a -20 payload type
    seed = exi.decode(SEED_PAYLOAD, "iso15118-2")
    with pytest.raises(V2GTPError, match="0x8003 does not carry V2G_Message"):
        v2gtp.check_payload_type(0x8003, seed)
    with pytest.raises(V2GTPError, match="carries no EXI message"):
        v2gtp.schemas_for_payload_type(0x9000)
