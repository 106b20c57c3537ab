"""TLS in captures, through tshark (Wireshark's dissector): decrypted records, or at least version and SNI.

No TLS record code here: tshark is given the capture and an NSS key log
(``-o tls.keylog_file:``) and hands back, per packet, the decrypted application
data and the handshake fields. TLS 1.2 (CLIENT_RANDOM lines) and TLS 1.3 (the
*_TRAFFIC_SECRET lines) alike. Secrets embedded in the capture the dsV2Gshark
way, a UDP datagram whose payload is a key log line, are collected by the reader
and passed on in the same file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

# NSS key log labels (the format Firefox, OpenSSL's keylog callback, Python's ssl and jSSLKeyLog write)
KEYLOG_LABELS = (b"CLIENT_RANDOM ", b"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", b"SERVER_HANDSHAKE_TRAFFIC_SECRET ",
                 b"CLIENT_TRAFFIC_SECRET_0 ", b"SERVER_TRAFFIC_SECRET_0 ", b"EXPORTER_SECRET ", b"EARLY_EXPORTER_SECRET ",
                 b"CLIENT_EARLY_TRAFFIC_SECRET ")
VERSIONS = {0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
_FIELDS = ("frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
           "tls.handshake.type", "tls.handshake.version", "tls.handshake.extensions.supported_version",
           "tls.handshake.extensions_server_name", "tls.record.version", "data.data")


def is_keylog_line(payload: bytes) -> bool:
    return payload.startswith(KEYLOG_LABELS)


def looks_like_tls(data: bytes) -> bool:
    """A TLS record header: content type 20..23, version 3.x."""
    return len(data) >= 3 and 20 <= data[0] <= 23 and data[1] == 3 and data[2] <= 4


@dataclass
class TLSConnection:
    version: str = "TLS"
    sni: str | None = None
    # decrypted application data per direction: (src, sport) -> [(ts, bytes)]
    records: dict[tuple[str, int], list[tuple[float, bytes]]] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.version}" + (f", SNI {self.sni}" if self.sni else ", no SNI")


class TLSUnavailable(Exception):
    """tshark is missing or failed; the text says why."""


def _conn_key(a: tuple[str, int], b: tuple[str, int]) -> tuple:
    return tuple(sorted([a, b]))


def analyse(path: str, keylog: bytes) -> dict[tuple, TLSConnection]:
    """Run tshark once over the file: per TCP connection (sorted endpoint pair) its TLS version, SNI, decrypted data."""
    tshark = shutil.which("tshark")
    if tshark is None:
        raise TLSUnavailable("tshark (Debian package tshark) is not installed: TLS cannot be described or decrypted")
    with tempfile.TemporaryDirectory(prefix="v2glab-tls-") as folder:
        keys = os.path.join(folder, "keys.log")
        with open(keys, "wb") as f:
            f.write(keylog)
        command = [tshark, "-r", path, "-n", "-o", f"tls.keylog_file:{keys}", "-Y", "tls", "-T", "fields", "-E", "separator=/t",
                   "-E", "occurrence=a", "-E", "aggregator=,"]
        for name in _FIELDS:
            command += ["-e", name]
        try:
            result = subprocess.run(command, capture_output=True, timeout=300, env={**os.environ, "HOME": folder})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TLSUnavailable(f"tshark failed: {exc}") from None
    if result.returncode != 0 and not result.stdout:
        raise TLSUnavailable(f"tshark failed: {result.stderr.decode(errors='replace').strip().splitlines()[-1:] or result.returncode}")
    out: dict[tuple, TLSConnection] = {}
    for line in result.stdout.decode(errors="replace").splitlines():
        cols = line.split("\t")
        if len(cols) != len(_FIELDS):
            continue
        _n, ts, src4, src6, sport, dst4, dst6, dport, types, hs_version, supported, sni, record_version, data = cols
        try:
            src, dst = (src6 or src4), (dst6 or dst4)
            a, b = (src, int(sport)), (dst, int(dport))
            when = float(ts)
        except ValueError:
            continue
        conn = out.setdefault(_conn_key(a, b), TLSConnection())
        kinds = types.split(",") if types else []
        if conn.version == "TLS" and record_version:  # no ServerHello seen (yet): the record layer's version
            try:
                conn.version = VERSIONS.get(int(record_version.split(",")[0], 16), "TLS") + " (record layer)"
            except ValueError:
                pass
        if "1" in kinds and sni:
            conn.sni = sni.split(",")[0]
        if "2" in kinds:  # ServerHello: the version chosen (TLS 1.3 says it in supported_versions)
            chosen = supported.split(",")[-1] if supported else hs_version.split(",")[0]
            try:
                conn.version = VERSIONS.get(int(chosen, 16), f"TLS version {chosen}")
            except ValueError:
                pass
        if data:
            for part in data.split(","):
                try:
                    conn.records.setdefault(a, []).append((when, bytes.fromhex(part)))
                except ValueError:
                    continue
    return out
