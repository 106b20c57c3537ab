from __future__ import annotations

import pytest

from v2glab.errors import V2GTPError
from v2glab.transport import sdp
from v2glab.v2gtp import build_header


def test_request_is_two_bytes_in_a_9000_frame() -> None:
    data = sdp.SDPRequest(sdp.SECURITY_TLS, sdp.TRANSPORT_TCP).to_frame()
    assert data == bytes.fromhex("01FE9000000000020000")
    assert sdp.parse_request(data) == sdp.SDPRequest(0x00, 0x00)


def test_response_is_twenty_bytes_in_a_9001_frame() -> None:
    response = sdp.SDPResponse("fe80::1:2:3:4", 61234, sdp.SECURITY_NONE, sdp.TRANSPORT_TCP)
    data = response.to_frame()
    assert data[:8] == bytes.fromhex("01FE900100000014") and len(data) == 28
    assert data[8:24] == bytes.fromhex("fe800000000000000001000200030004")
    assert data[24:] == bytes.fromhex("EF321000")
    assert sdp.parse_response(data) == response


@pytest.mark.parametrize("payload", [b"\x20\x00", b"\x00\x20", b"\x00"])
def test_bad_requests_are_refused(payload: bytes) -> None:
    with pytest.raises((sdp.SDPError, V2GTPError)):
        sdp.parse_request(build_header(0x9000, len(payload)) + payload)
