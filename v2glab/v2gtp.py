"""V2G Transfer Protocol framing (ISO 15118-2 section 7.8.3, ISO 15118-20 Table 12), sans-I/O.

Header, 8 bytes, big-endian: protocol version 0x01 [V2G2-067], its inverse 0xFE
[V2G2-068], payload type (2 bytes), payload length (4 bytes).

DIN SPEC 70121 and ISO 15118-2 send every message as 0x8001. ISO 15118-20 gives each
message namespace its own payload type, and the receiver picks the EXI grammar by it:
``PAYLOAD_TYPES`` is that table, ``check_payload_type`` the check of one message.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from .errors import V2GTPError
from .exi import Message

HEADER_LENGTH = 8
PROTOCOL_VERSION = 0x01
INVERSE_PROTOCOL_VERSION = 0xFE
# Largest payload accepted by default. The biggest ISO 15118-2 message, a
# CertificateInstallationRes with full chains, stays well below 8 KiB; a peer
# announcing more is broken or hostile, and we must not buffer it.
DEFAULT_MAX_PAYLOAD = 65536

_HEADER = struct.Struct(">BBHI")


class PayloadType(IntEnum):
    EXI = 0x8001  # EXI-encoded V2G message, the handshake included (-20: the handshake only)
    ISO20_COMMON_MESSAGES = 0x8002  # -20 "mainstream": SessionSetup .. SessionStop
    ISO20_AC = 0x8003
    ISO20_DC = 0x8004
    ISO20_ACDP = 0x8005
    ISO20_WPT = 0x8006
    SDP_REQUEST = 0x9000
    SDP_RESPONSE = 0x9001


KNOWN_PAYLOAD_TYPES = frozenset(int(t) for t in PayloadType)

# Schema set of a message -> the payload type it travels in (ISO 15118-20 Table 12 as
# Josev's ISOV20PayloadTypes and libiso15118's io/sdp.hpp name it; see
# iso15118-20-behaviour.md, "V2GTP payload types").
PAYLOAD_TYPES: dict[str, PayloadType] = {
    "app": PayloadType.EXI,
    "din70121": PayloadType.EXI,
    "iso15118-2": PayloadType.EXI,
    "iso15118-20-CommonMessages": PayloadType.ISO20_COMMON_MESSAGES,
    "iso15118-20-AC": PayloadType.ISO20_AC,
    "iso15118-20-DC": PayloadType.ISO20_DC,
    "iso15118-20-ACDP": PayloadType.ISO20_ACDP,
    "iso15118-20-WPT": PayloadType.ISO20_WPT,
}


def payload_type_of(message: Message) -> PayloadType:
    """The payload type a message must be framed with."""
    try:
        return PAYLOAD_TYPES[message.schema]
    except KeyError:
        raise V2GTPError(f"{message.schema} messages have no V2GTP payload type") from None


def schemas_for_payload_type(payload_type: int) -> tuple[str, ...]:
    """The schema sets a payload of this type may be decoded with (for ``exi.detect_schema``)."""
    schemas = tuple(schema for schema, pt in PAYLOAD_TYPES.items() if pt == payload_type)
    if not schemas:
        raise V2GTPError(f"V2GTP payload type {payload_type:#06x} carries no EXI message")
    return schemas


def check_payload_type(payload_type: int, message: Message) -> None:
    """Raise V2GTPError, naming both, when a message came in a payload type not its own."""
    expected = payload_type_of(message)
    if payload_type != expected:
        raise V2GTPError(
            f"V2GTP payload type {payload_type:#06x} does not carry {message.name} ({message.schema}), "
            f"which travels as {expected:#06x}"
        )


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


def frame_message(message: Message, payload: bytes) -> bytes:
    """Frame an encoded message with the payload type of its schema set."""
    return frame(payload, payload_type_of(message))


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
