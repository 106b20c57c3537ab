"""TCP reassembly and V2GTP framing for captures, tolerant of what real traffic holds.

Offline, so every segment of a direction is known at once: segments are put in
sequence order (retransmissions and overlaps trimmed), and a hole that no segment
fills is a gap, reported with its size. The framer then cuts V2GTP frames; after
a gap, or bytes that are not a V2GTP header, it resynchronises on the next valid
header and reports what it skipped. Nothing is dropped without a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..v2gtp import HEADER_LENGTH, INVERSE_PROTOCOL_VERSION, PROTOCOL_VERSION, V2GTPHeader

# A header announcing more than this is not believed while resynchronising.
MAX_PAYLOAD = 2**20
_MOD = 2**32


@dataclass(slots=True)
class Chunk:
    ts: float
    data: bytes


@dataclass(slots=True)
class Gap:
    ts: float
    size: int  # bytes missing from the stream
    offset: int  # stream offset where they are missing


def reassemble(segments: list[tuple[int, float, bytes]], isn: int | None) -> list[Chunk | Gap]:
    """One TCP direction, ``segments`` = (seq, ts, payload) in capture order; ``isn`` from the SYN if seen.

    Returns the byte stream in sequence order as chunks, with a Gap where bytes were never captured.
    A chunk carries the latest arrival time of the bytes up to it, as a receiver would see them.
    """
    if not segments:
        return []
    # unwrap 32-bit sequence numbers into offsets from the first byte
    base = (isn + 1) % _MOD if isn is not None else segments[0][0]
    placed: list[tuple[int, int, float, bytes]] = []
    last = 0
    for i, (seq, ts, payload) in enumerate(segments):
        delta = (seq - base - last) % _MOD
        if delta >= _MOD // 2:
            delta -= _MOD
        last = last + delta
        placed.append((last, i, ts, payload))
    placed.sort(key=lambda p: (p[0], p[1]))
    out: list[Chunk | Gap] = []
    cursor = 0 if isn is not None else min(p[0] for p in placed)
    latest = float("-inf")
    for start, _i, ts, payload in placed:
        end = start + len(payload)
        if end <= cursor:
            continue  # retransmission of bytes already placed
        latest = max(latest, ts)
        if start > cursor:
            out.append(Gap(latest, start - cursor, cursor))
            cursor = start
        out.append(Chunk(latest, payload[cursor - start:]))
        cursor = end
    return out


@dataclass(slots=True)
class Cut:
    """What the framer found: a frame, or a report of bytes it could not frame."""

    ts: float
    header: V2GTPHeader | None
    data: bytes  # the frame with its header, or the bytes skipped (at most the first 64 kept)
    note: str | None = None  # set for reports


def _plausible(buf: bytes | bytearray, at: int, known: frozenset[int]) -> bool:
    return (buf[at] == PROTOCOL_VERSION and buf[at + 1] == INVERSE_PROTOCOL_VERSION
            and (buf[at + 2] << 8 | buf[at + 3]) in known
            and int.from_bytes(buf[at + 4:at + 8], "big") <= MAX_PAYLOAD)


class Framer:
    """Cuts V2GTP frames from one direction of a stream (chunks and gaps, in order).

    ``known`` payload types are framed; a well-formed header of another type is reported with its
    payload and skipped by its length; anything else is skipped up to the next plausible header.
    """

    def __init__(self, known: frozenset[int]) -> None:
        self.known = known
        self.buf = bytearray()
        self.ts = 0.0
        self.syncing = False  # looking for a header after a gap or junk
        self.skipped = 0  # bytes skipped so far in the current run of junk
        self.skipped_head = b""
        self.skip_ts = 0.0
        self.reason = ""

    def _skip(self, count: int, reason: str) -> None:
        if not self.skipped:
            self.skip_ts = self.ts
            self.skipped_head = bytes(self.buf[:64])
            self.reason = reason
        self.skipped += count
        del self.buf[:count]

    def _flush_skipped(self, out: list[Cut]) -> None:
        if self.skipped:
            out.append(Cut(self.skip_ts, None, self.skipped_head, f"{self.skipped} byte(s) skipped: {self.reason}"))
            self.skipped = 0

    def feed(self, chunk: Chunk) -> list[Cut]:
        self.buf += chunk.data
        self.ts = chunk.ts
        out: list[Cut] = []
        buf = self.buf
        while len(buf) >= HEADER_LENGTH:
            if self.syncing:
                found = -1
                at = buf.find(b"\x01\xfe")
                while at != -1 and at + HEADER_LENGTH <= len(buf):
                    if _plausible(buf, at, self.known):
                        found = at
                        break
                    at = buf.find(b"\x01\xfe", at + 1)
                if found == -1:
                    keep = max(0, len(buf) - HEADER_LENGTH + 1) if at == -1 else at
                    if keep:
                        self._skip(keep, "no V2GTP header")
                    break
                if found:
                    self._skip(found, "no V2GTP header")
                self.syncing = False
                self._flush_skipped(out)
                continue
            version, inverse = buf[0], buf[1]
            payload_type = buf[2] << 8 | buf[3]
            length = int.from_bytes(buf[4:8], "big")
            if version != PROTOCOL_VERSION or inverse != INVERSE_PROTOCOL_VERSION or length > MAX_PAYLOAD:
                why = (f"V2GTP protocol version 0x{version:02X}, inverse 0x{inverse:02X}" if (version, inverse) != (PROTOCOL_VERSION, INVERSE_PROTOCOL_VERSION)
                       else f"V2GTP payload length {length} is not believable")
                self.syncing = True
                self._skip(1, f"bad V2GTP header ({why})")
                continue
            if len(buf) < HEADER_LENGTH + length:
                break
            data = bytes(buf[:HEADER_LENGTH + length])
            del buf[:HEADER_LENGTH + length]
            header = V2GTPHeader(version, inverse, payload_type, length)
            if payload_type in self.known:
                out.append(Cut(self.ts, header, data))
            else:
                out.append(Cut(self.ts, header, data[:HEADER_LENGTH + 64],
                               f"unknown V2GTP payload type 0x{payload_type:04X}: frame of {length} payload bytes skipped"))
        return out

    def gap(self, gap: Gap) -> list[Cut]:
        out: list[Cut] = []
        if self.buf and not self.syncing:
            # a frame begun before the gap can never be completed
            pending = len(self.buf)
            announced = int.from_bytes(self.buf[4:8], "big") + HEADER_LENGTH if len(self.buf) >= HEADER_LENGTH else None
            head = bytes(self.buf[:64])
            what = f"a frame of {announced} bytes" if announced else "a frame"
            out.append(Cut(self.ts, None, head, f"{pending} byte(s) of {what} lost in the gap"))
            self.buf.clear()
        elif self.buf:
            self._skip(len(self.buf), self.reason or "no V2GTP header")
        self._flush_skipped(out)
        out.append(Cut(gap.ts, None, b"", f"TCP gap: {gap.size} byte(s) missing from the capture at stream offset {gap.offset}; resynchronising on the next V2GTP header"))
        self.syncing = True
        self.ts = gap.ts
        return out

    def finish(self) -> list[Cut]:
        out: list[Cut] = []
        if self.buf and not self.syncing:
            out.append(Cut(self.ts, None, bytes(self.buf[:64]), f"{len(self.buf)} byte(s) at the end of the stream do not complete a frame"))
            self.buf.clear()
        elif self.buf:
            self._skip(len(self.buf), self.reason or "no V2GTP header")
        self._flush_skipped(out)
        return out
