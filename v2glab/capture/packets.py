"""Packets of a pcap or pcapng file, read with dpkt, down to TCP segments and UDP datagrams.

A damaged file (cut short, bit-flipped, a timestamp no calendar holds) does not
raise: reading stops at the damage, the packets read before it are kept, and
``Packets.damage`` says where and why. A file with no readable packet at all is a
:class:`CaptureError`, one line for the command line.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import struct
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

import dpkt

from ..errors import V2GError

# What dpkt raises on bytes that are not what the file claims. A fuzz test
# (tests/capture/test_packets.py) feeds cut and bit-flipped files through this
# reader and fails on any other exception.
DPKT_ERRORS = (dpkt.Error, struct.error, ValueError, IndexError, KeyError, OverflowError, UnicodeDecodeError, EOFError, TypeError, MemoryError)

_LAST_SECOND = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc).timestamp()


class CaptureError(V2GError):
    """The file is not a capture that can be read at all."""


@dataclass(slots=True)
class Packet:
    number: int  # 1-based, as Wireshark counts
    ts: float
    proto: str  # 'TCP' or 'UDP'
    src: str
    sport: int
    dst: str
    dport: int
    payload: bytes
    seq: int = 0
    flags: int = 0


@dataclass
class Packets:
    items: list[Packet] = field(default_factory=list)
    total: int = 0  # packets in the file (read before any damage)
    not_ip: int = 0  # packets that were not IP over a known link layer, or not TCP/UDP
    damage: str | None = None


_ADDRESSES: dict[bytes, str] = {}


def _address(raw: bytes) -> str:
    """Text form of a packed address; a capture has few distinct ones, so they are remembered (up to a bound)."""
    text = _ADDRESSES.get(raw)
    if text is None:
        if len(_ADDRESSES) > 4096:
            _ADDRESSES.clear()
        text = _ADDRESSES[raw] = str(ipaddress.ip_address(raw))
    return text


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_ETH_IP4, _ETH_IP6 = b"\x08\x00", b"\x86\xdd"
_TCP, _UDP = 6, 17
_PORTS = struct.Struct(">HH")
_TCP_SEQ = struct.Struct(">HHIIBB")


def _fast(number: int, ts: float, buf: bytes) -> Packet | None | bool:
    """Ethernet II, then IPv4 without options trouble or IPv6 without extension headers, then TCP or UDP.

    The plain case of nearly every V2G packet, read at fixed offsets because going
    through dpkt's object tree costs more than the rest of `pcap show` together.
    Returns the packet, False for a packet that is surely not IP, or None to let
    dpkt handle it (VLAN tags, extension headers, fragments, anything odd).
    """
    ethertype = buf[12:14]
    if ethertype == _ETH_IP6:
        if len(buf) < 54 or buf[14] >> 4 != 6:
            return None
        proto, start, end = buf[20], 54, 54 + int.from_bytes(buf[18:20], "big")
        src, dst = buf[22:38], buf[38:54]
    elif ethertype == _ETH_IP4:
        if len(buf) < 34 or buf[14] >> 4 != 4:
            return None
        ihl = (buf[14] & 0x0F) * 4
        if ihl < 20 or buf[20] & 0x3F or buf[21]:  # fragments go to dpkt
            return None
        proto, start, end = buf[23], 14 + ihl, 14 + int.from_bytes(buf[16:18], "big")
        src, dst = buf[26:30], buf[30:34]
    elif len(buf) >= 14 and ethertype not in (b"\x81\x00", b"\x88\xa8"):
        return False  # another ethertype (HomePlug, ARP, ...)
    else:
        return None
    if end > len(buf) or end < start:
        return None
    if proto == _TCP:
        if end - start < 20:
            return None
        sport, dport, seq, _ack, offset, flags = _TCP_SEQ.unpack_from(buf, start)
        header = (offset >> 4) * 4
        if header < 20 or start + header > end:
            return None
        return Packet(number, ts, "TCP", _address(src), sport, _address(dst), dport, buf[start + header:end], seq, flags)
    if proto == _UDP:
        if end - start < 8:
            return None
        sport, dport = _PORTS.unpack_from(buf, start)
        return Packet(number, ts, "UDP", _address(src), sport, _address(dst), dport, buf[start + 8:end])
    return None


def _network(link: int, buf: bytes) -> object:
    if link == dpkt.pcap.DLT_EN10MB:
        return dpkt.ethernet.Ethernet(buf).data
    if link == dpkt.pcap.DLT_LINUX_SLL:
        return dpkt.sll.SLL(buf).data
    if link == getattr(dpkt.pcap, "DLT_LINUX_SLL2", 276):
        return dpkt.sll2.SLL2(buf).data
    if link in (dpkt.pcap.DLT_RAW, 101, 12, 14):
        return dpkt.ip6.IP6(buf) if buf and buf[0] >> 4 == 6 else dpkt.ip.IP(buf)
    return None


class _Tracked:
    """The file as dpkt reads it, noting a read cut short by the end of the file.

    dpkt yields a record cut by the end of the file as if it were whole; a short
    read is how a truncated capture shows. A read that gets nothing at a record
    boundary (8 or 16 bytes asked: a pcapng block or pcap record header) is the
    clean end of the file.
    """

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self._at = 0
        self.cut: int | None = None  # file offset where the data ran out

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        if n > 0 and len(data) < n and (data or n not in (8, 16)) and self.cut is None:
            self.cut = self._at
        self._at += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at = self._f.seek(offset, whence)
        return self._at

    def tell(self) -> int:
        return self._at

    def __getattr__(self, name: str) -> object:
        return getattr(self._f, name)


PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"  # section header block type


def _pcapng_tail(f: BinaryIO) -> int | None:
    """None if the file ends with a whole block (its trailing length repeats its leading one), else where the cut is."""
    size = f.seek(0, 2)
    if size < 12:
        return 0
    f.seek(8)
    order = "little" if f.read(4) == b"\x4d\x3c\x2b\x1a" else "big"  # byte-order magic of the section header
    f.seek(size - 4)
    length = int.from_bytes(f.read(4), order)
    if 12 <= length <= size and length % 4 == 0:
        f.seek(size - length + 4)
        if int.from_bytes(f.read(4), order) == length:
            return None
    return size


def _records(reader: object) -> Iterator[tuple[float, bytes]]:
    yield from reader  # type: ignore[misc]


def read_packets(path: str, fast: bool = True) -> Packets:
    """Every TCP segment and UDP datagram of the file, in capture order. ``fast=False``: every packet through dpkt."""
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise CaptureError(f"{path}: {exc.strerror or exc}") from None
    out = Packets()
    with f:
        pcapng = f.read(4) == PCAPNG_MAGIC
        f.seek(0)
        # dpkt reads a cut pcap record as if whole: watch its reads. A cut pcapng block fails to parse,
        # except a few bytes of a block header at the very end: _pcapng_tail checks that.
        tracked = _Tracked(f) if not pcapng else None
        try:
            reader = dpkt.pcap.UniversalReader(tracked or f)
            link = reader.datalink()
            fast = fast and link == dpkt.pcap.DLT_EN10MB
        except DPKT_ERRORS as exc:
            size = f.seek(0, 2)
            what = "empty file" if size == 0 else f"not a pcap or pcapng capture ({_why(exc)})"
            raise CaptureError(f"{path}: {what}") from None
        records = _records(reader)
        while True:
            try:
                ts, buf = next(records)
            except StopIteration:
                cut = tracked.cut if tracked is not None else _pcapng_tail(f)
                if cut is not None:
                    out.damage = f"cut short after packet {out.total}: the file ends inside the record at byte {cut}"
                break
            except DPKT_ERRORS as exc:
                out.damage = f"damaged after packet {out.total}: {_why(exc)}"
                break
            if tracked is not None and tracked.cut is not None:
                out.damage = f"cut short after packet {out.total}: the file ends inside the record at byte {tracked.cut}"
                break
            if not (0 <= ts <= _LAST_SECOND):
                out.damage = f"damaged at packet {out.total + 1}: timestamp {ts:.0f} s is outside the years 1970-9999"
                break
            out.total += 1
            buf = bytes(buf)
            if fast:
                packet = _fast(out.total, ts, buf)
                if packet is False:
                    out.not_ip += 1
                    continue
                if packet is not None:
                    out.items.append(packet)
                    continue
            try:
                ip = _network(link, buf)
            except DPKT_ERRORS:
                ip = None
            if not isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)):
                out.not_ip += 1
                continue
            l4 = ip.data
            try:
                src, dst = _address(ip.src), _address(ip.dst)
            except ValueError:
                out.not_ip += 1
                continue
            if isinstance(l4, dpkt.tcp.TCP):
                out.items.append(Packet(out.total, ts, "TCP", src, l4.sport, dst, l4.dport, bytes(l4.data), l4.seq, l4.flags))
            elif isinstance(l4, dpkt.udp.UDP):
                out.items.append(Packet(out.total, ts, "UDP", src, l4.sport, dst, l4.dport, bytes(l4.data)))
            else:
                out.not_ip += 1
    if out.total == 0 and out.damage:
        raise CaptureError(f"{path}: no packet could be read ({out.damage})")
    return out
