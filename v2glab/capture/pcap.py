"""pcapng captures of what v2glab sends and receives, written with dpkt.

The adapters hand over what crossed the socket (SDP datagrams, TCP connects,
stream bytes, closes); this module turns it into Ethernet/IPv6/UDP/TCP packets
with consistent sequence and acknowledgement numbers, so Wireshark's V2G
dissector can follow the TCP stream. Over TLS the capture holds the cleartext
V2GTP records, as if decrypted, and says so in the section comment.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field
from typing import BinaryIO

import dpkt

from ..transport.observers import endpoint  # noqa: F401 - re-exported for callers of the capture API
from dpkt import pcapng

MSS = 1400  # stream bytes per synthesized segment
_MAC = {True: b"\x02\x00\x00\x00\x00\x01", False: b"\x02\x00\x00\x00\x00\x02"}  # locally administered


def _ip(address: str) -> tuple[bytes, bool]:
    """Packed address and whether it is IPv6 (IPv4-mapped addresses count as IPv4)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.packed, ip.version == 6


@dataclass
class _Flow:
    client: tuple[str, int]
    server: tuple[str, int]
    seq: dict[bool, int] = field(default_factory=lambda: {True: 1000, False: 5000})  # True: client side


class PcapWriter:
    """Thread-safe: the SDP and TCP adapters of one process may write from the same loop or not."""

    def __init__(self, path: str, tls: bool = False) -> None:
        self._file: BinaryIO = open(path, "wb")
        comment = "v2glab capture: synthesized from the frames v2glab sent and received."
        if tls:
            comment += " The session ran over TLS; the TCP payloads are the decrypted V2GTP records."
        shb = pcapng.SectionHeaderBlockLE(opts=[pcapng.PcapngOptionLE(code=pcapng.PCAPNG_OPT_COMMENT, text=comment.encode()), pcapng.PcapngOptionLE(code=pcapng.PCAPNG_OPT_ENDOFOPT)])
        self._writer = pcapng.Writer(self._file, snaplen=65535, linktype=dpkt.pcap.DLT_EN10MB, shb=shb)
        self._flows: dict[str, _Flow] = {}
        self._lock = threading.Lock()

    # -- packets ----------------------------------------------------------
    def _packet(self, src: tuple[str, int], dst: tuple[str, int], l4: dpkt.Packet, proto: int, from_client: bool) -> bytes:
        s, v6 = _ip(src[0])
        d, _ = _ip(dst[0])
        if v6:
            ip: dpkt.Packet = dpkt.ip6.IP6(src=s, dst=d, nxt=proto, hlim=64, plen=len(bytes(l4)), data=l4)
            ip.extension_hdrs = {}
            ethertype = dpkt.ethernet.ETH_TYPE_IP6
        else:
            ip = dpkt.ip.IP(src=s, dst=d, p=proto, ttl=64, data=l4)
            ethertype = dpkt.ethernet.ETH_TYPE_IP
        if v6:
            # dpkt computes the TCP/UDP checksum over the IPv6 pseudo-header when packing
            l4.sum = 0
        eth = dpkt.ethernet.Ethernet(src=_MAC[from_client], dst=_MAC[not from_client], type=ethertype, data=ip)
        return bytes(eth)

    def _write(self, data: bytes, ts: float | None) -> None:
        with self._lock:
            if self._file.closed:
                return
            self._writer.writepkt(data, ts=ts if ts is not None else time.time())

    def ethernet(self, frame: bytes, ts: float | None = None) -> None:
        """A whole Ethernet frame as it crossed the interface (SLAC's HomePlug MMEs, EtherType 0x88E1)."""
        self._write(frame, ts)

    def udp(self, src: tuple[str, int], dst: tuple[str, int], payload: bytes, from_client: bool, ts: float | None = None) -> None:
        udp = dpkt.udp.UDP(sport=src[1], dport=dst[1], data=payload)
        udp.ulen = len(bytes(udp))
        self._write(self._packet(src, dst, udp, dpkt.ip.IP_PROTO_UDP, from_client), ts)

    def _segment(self, flow: _Flow, from_client: bool, flags: int, payload: bytes = b"", ts: float | None = None) -> None:
        src, dst = (flow.client, flow.server) if from_client else (flow.server, flow.client)
        tcp = dpkt.tcp.TCP(sport=src[1], dport=dst[1], seq=flow.seq[from_client], ack=flow.seq[not from_client] if flags & dpkt.tcp.TH_ACK else 0,
                           flags=flags, win=65535, data=payload)
        tcp.off = 5
        self._write(self._packet(src, dst, tcp, dpkt.ip.IP_PROTO_TCP, from_client), ts)
        flow.seq[from_client] += len(payload) + (1 if flags & (dpkt.tcp.TH_SYN | dpkt.tcp.TH_FIN) else 0)

    def tcp_open(self, key: str, client: tuple[str, int], server: tuple[str, int], ts: float | None = None) -> None:
        flow = self._flows[key] = _Flow(client, server)
        self._segment(flow, True, dpkt.tcp.TH_SYN, ts=ts)
        self._segment(flow, False, dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK, ts=ts)
        self._segment(flow, True, dpkt.tcp.TH_ACK, ts=ts)

    def tcp_data(self, key: str, from_client: bool, data: bytes, ts: float | None = None) -> None:
        flow = self._flows.get(key)
        if flow is None:
            return
        for i in range(0, len(data), MSS):
            self._segment(flow, from_client, dpkt.tcp.TH_PUSH | dpkt.tcp.TH_ACK, data[i : i + MSS], ts)
        self._segment(flow, not from_client, dpkt.tcp.TH_ACK, ts=ts)

    def tcp_close(self, key: str, closed_by_client: bool, ts: float | None = None) -> None:
        flow = self._flows.pop(key, None)
        if flow is None:
            return
        self._segment(flow, closed_by_client, dpkt.tcp.TH_FIN | dpkt.tcp.TH_ACK, ts=ts)
        self._segment(flow, not closed_by_client, dpkt.tcp.TH_FIN | dpkt.tcp.TH_ACK, ts=ts)
        self._segment(flow, closed_by_client, dpkt.tcp.TH_ACK, ts=ts)

    def close(self) -> None:
        for key in list(self._flows):  # connections still open end in the capture too
            self.tcp_close(key, closed_by_client=True)
        with self._lock:
            self._file.close()
