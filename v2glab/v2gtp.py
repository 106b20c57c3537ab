"""V2G Transfer Protocol framing (ISO 15118-2 section 7.8.3), sans-I/O.

Header, 8 bytes, big-endian: protocol version 0x01 [V2G2-067], its inverse 0xFE
[V2G2-068], payload type (2 bytes), payload length (4 bytes).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from .errors import V2GTPError

HEADER_LENGTH = 8
PROTOCOL_VERSION = 0x01
INVERSE_PROTOCOL_VERSION = 0xFE
# Largest payload accepted by default. The biggest ISO 15118-2 message, a
# CertificateInstallationRes with full chains, stays well below 8 KiB; a peer
# announcing more is broken or hostile, and we must not buffer it.
DEFAULT_MAX_PAYLOAD = 65536

_HEADER = struct.Struct(">BBHI")


class PayloadType(IntEnum):
    EXI = 0x8001  # EXI-encoded V2G message, the handshake included
    SDP_REQUEST = 0x9000
    SDP_RESPONSE = 0x9001


KNOWN_PAYLOAD_TYPES = frozenset(int(t) for t in PayloadType)


@dataclass(frozen=True)
class V2GTPHeader:
    version: int
    inverse: int
    payload_type: int
    payload_length: int

    def to_bytes(self) -> bytes:
        return _HEADER.pack(self.version, self.inverse, self.payload_type, self.payload_length)


def build_header(payload_type: int, payload_length: int, version: int = PROTOCOL_VERSION, inverse: int = INVERSE_PROTOCOL_VERSION) -> bytes:
    """Build a header. The version, inverse and type are parameters so a test can corrupt them on purpose."""
    return _HEADER.pack(version, inverse, payload_type, payload_length)


def frame(payload: bytes, payload_type: int = PayloadType.EXI) -> bytes:
    return build_header(payload_type, len(payload)) + payload


def parse_header(data: bytes, max_payload: int = DEFAULT_MAX_PAYLOAD) -> V2GTPHeader:
    """Parse and check the first 8 bytes. Raises V2GTPError on any deviation ([V2G2-114]..[V2G2-119])."""
    if len(data) < HEADER_LENGTH:
        raise V2GTPError(f"V2GTP header needs {HEADER_LENGTH} bytes, got {len(data)}")
    version, inverse, payload_type, length = _HEADER.unpack_from(data)
    if version != PROTOCOL_VERSION:
        raise V2GTPError(f"V2GTP protocol version {version:#04x}, expected 0x01")
    if inverse != INVERSE_PROTOCOL_VERSION or inverse ^ version != 0xFF:
        raise V2GTPError(f"V2GTP inverse protocol version {inverse:#04x}, expected 0xFE")
    if payload_type not in KNOWN_PAYLOAD_TYPES:
        raise V2GTPError(f"unknown V2GTP payload type {payload_type:#06x}")
    if length > max_payload:
        raise V2GTPError(f"V2GTP payload length {length} exceeds the limit of {max_payload} bytes")
    return V2GTPHeader(version, inverse, payload_type, length)


def parse_frame(data: bytes, max_payload: int = DEFAULT_MAX_PAYLOAD) -> tuple[V2GTPHeader, bytes]:
    """Parse one complete frame (a UDP datagram, or a captured TCP record)."""
    header = parse_header(data, max_payload)
    payload = data[HEADER_LENGTH:]
    if len(payload) != header.payload_length:
        raise V2GTPError(f"V2GTP header announces {header.payload_length} payload bytes, frame carries {len(payload)}")
    return header, bytes(payload)


class V2GTPReader:
    """Reassembles frames from a TCP byte stream: feed bytes, take complete frames.

    A bad header raises V2GTPError at once, before the payload is waited for; the
    connection is then unusable, as [V2G2-114] asks the receiver to close it.
    """

    def __init__(self, max_payload: int = DEFAULT_MAX_PAYLOAD) -> None:
        self.max_payload = max_payload
        self._buffer = bytearray()
        self._header: V2GTPHeader | None = None

    def feed(self, data: bytes) -> list[tuple[V2GTPHeader, bytes]]:
        self._buffer += data
        frames = []
        while True:
            if self._header is None:
                if len(self._buffer) < HEADER_LENGTH:
                    break
                self._header = parse_header(bytes(self._buffer[:HEADER_LENGTH]), self.max_payload)
                del self._buffer[:HEADER_LENGTH]
            need = self._header.payload_length
            if len(self._buffer) < need:
                break
            payload = bytes(self._buffer[:need])
            del self._buffer[:need]
            frames.append((self._header, payload))
            self._header = None
        return frames

    @property
    def pending(self) -> int:
        """Bytes received that do not yet form a frame."""
        return len(self._buffer) + (HEADER_LENGTH if self._header else 0)
