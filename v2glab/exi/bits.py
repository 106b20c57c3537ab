"""Bit-packed EXI streams (EXI 1.0 section 7: alignment bit-packed, most significant bit first).

The writer keeps the stream in one Python int: appending to an int of a few hundred
bits is cheaper than packing bytes bit by bit, and V2G messages are small. The reader
must not do the same for any stream: every read would shift the whole stream, so
decoding would cost (reads x stream length), quadratic in a hostile peer's payload.
``reader()`` picks the int for streams up to SMALL_STREAM bytes (every V2G message in
normal use; a read then costs at most one shift of 8 Kibit), and otherwise a reader
that takes each field from the few bytes that hold it, linear in the input.
"""

from __future__ import annotations

from ..errors import EXIDecodeError

# Longest EXI unsigned integer accepted on decode: 23 groups of 7 bits (161 bits) hold the
# largest value a V2G message carries, an X.509 serial number (X509SerialNumber, xs:integer)
# of RFC 5280's 20 octets (a positive DER INTEGER: below 2^159); xs:unsignedLong needs 10.
# A longer run of continuation bits is rejected at its first bit instead of being read on.
MAX_UINT_OCTETS = 23
# Up to this many bytes a stream is read by shifting one int (faster for small messages).
SMALL_STREAM = 1024


class BitWriter:
    __slots__ = ("acc", "nbits")

    def __init__(self) -> None:
        self.acc = 0
        self.nbits = 0

    def bits(self, value: int, width: int) -> None:
        self.acc = (self.acc << width) | value
        self.nbits += width

    def uint(self, value: int) -> None:
        """EXI Unsigned Integer: 7-bit groups, least significant first, high bit = more follow."""
        if value < 0x80:
            self.acc = (self.acc << 8) | value
            self.nbits += 8
            return
        out = 0
        count = 0
        while True:
            group = value & 0x7F
            value >>= 7
            if value:
                out = (out << 8) | group | 0x80
                count += 1
            else:
                out = (out << 8) | group
                count += 1
                break
        self.acc = (self.acc << (8 * count)) | out
        self.nbits += 8 * count

    def octets(self, data: bytes) -> None:
        n = len(data)
        if n:
            self.acc = (self.acc << (8 * n)) | int.from_bytes(data, "big")
            self.nbits += 8 * n

    def to_bytes(self) -> bytes:
        """Pad with zero bits to the byte boundary (EXI 8.2) and return the stream."""
        pad = -self.nbits % 8
        return (self.acc << pad).to_bytes((self.nbits + pad) // 8, "big")


class BitReader:
    __slots__ = ("data", "total", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.total = 8 * len(self.data)
        self.pos = 0

    def bits(self, width: int) -> int:
        pos = self.pos
        end = pos + width
        if end > self.total:
            raise EXIDecodeError(f"stream ends inside a {width}-bit field", pos)
        self.pos = end
        # Only the bytes that hold bits pos..end-1: the cost depends on width, not on the stream.
        chunk = int.from_bytes(self.data[pos >> 3:(end + 7) >> 3], "big")
        return (chunk >> (-end & 7)) & ((1 << width) - 1)

    def uint(self) -> int:
        result = 0
        shift = 0
        start = self.pos
        for _ in range(MAX_UINT_OCTETS):
            octet = self.bits(8)
            result |= (octet & 0x7F) << shift
            if not octet & 0x80:
                return result
            shift += 7
        raise EXIDecodeError(f"unsigned integer longer than {MAX_UINT_OCTETS} octets", start)

    def peek_octets(self, count: int) -> bytes:
        """The next ``count`` octets (at any bit position) without consuming them; ``count`` must fit."""
        pos = self.pos
        if not pos & 7:
            return self.data[pos >> 3:(pos >> 3) + count]
        end = pos + 8 * count
        chunk = int.from_bytes(self.data[pos >> 3:(end + 7) >> 3], "big")
        return ((chunk >> (-end & 7)) & ((1 << (8 * count)) - 1)).to_bytes(count, "big")

    def octets(self, count: int) -> bytes:
        """Read ``count`` bytes. The length is checked before anything is allocated."""
        if count == 0:
            return b""
        if self.pos + 8 * count > self.total:
            raise EXIDecodeError(
                f"declared length of {count} octets exceeds the {(self.total - self.pos) // 8} left in the stream",
                self.pos,
            )
        data = self.peek_octets(count)
        self.pos += 8 * count
        return data

    @property
    def remaining(self) -> int:
        return self.total - self.pos


class SmallBitReader(BitReader):
    """The same reader for a short stream, with the stream also held as one int."""

    __slots__ = ("value",)

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.value = int.from_bytes(self.data, "big")

    def bits(self, width: int) -> int:
        end = self.pos + width
        if end > self.total:
            raise EXIDecodeError(f"stream ends inside a {width}-bit field", self.pos)
        self.pos = end
        return (self.value >> (self.total - end)) & ((1 << width) - 1)


def reader(data: bytes) -> BitReader:
    """A reader whose cost stays linear in ``data``, the fastest one for its size."""
    return SmallBitReader(data) if len(data) <= SMALL_STREAM else BitReader(data)
