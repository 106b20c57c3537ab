"""TLS 1.2 and 1.3 in a capture: real TLS records (Python's ssl over memory BIOs, no sockets) carried in a pcapng,
decrypted by `pcap show --keylog`, and described by version and SNI without it."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.capture.pcap import PcapWriter
from v2glab.capture.show import read
from v2glab.pki import init_pki

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"


def real_frames() -> list[tuple[str, bytes]]:
    """The first four frames of a real session (supportedAppProtocol, SessionSetup)."""
    frames = [f for f in read(str(SHARED / "vw-ac-iso2.pcap")).frames if f.kind == "v2gtp"][:4]
    return [(f.sender, f.data) for f in frames]


def need_tshark() -> None:
    if shutil.which("tshark") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tshark is missing in CI (.ci/run installs it)")
        pytest.skip("tshark (Debian package) is not installed")


def tls_capture(folder: Path, version: ssl.TLSVersion) -> tuple[Path, Path, list[bytes]]:
    """A pcapng whose TCP payloads are the TLS records of a handshake and two V2GTP frames each way."""
    init_pki(folder / "pki")
    keys = folder / "keys.log"
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(folder / "pki" / "secc_chain.pem", folder / "pki" / "secc_leaf.key")
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.check_hostname, client_ctx.verify_mode = False, ssl.CERT_NONE
    for ctx in (server_ctx, client_ctx):
        ctx.minimum_version = ctx.maximum_version = version
    client_ctx.keylog_filename = str(keys)
    bios = {side: (ssl.MemoryBIO(), ssl.MemoryBIO()) for side in ("EVCC", "SECC")}
    server = server_ctx.wrap_bio(*bios["SECC"], server_side=True)
    client = client_ctx.wrap_bio(*bios["EVCC"], server_hostname="secc.v2glab.test")
    path = folder / "tls.pcapng"
    writer = PcapWriter(str(path))
    writer.tcp_open("c", ("fe80::1", 50000), ("fe80::2", 61000), ts=1.7e9)
    clock = [1.7e9]

    def pump() -> None:  # move what each side wrote to the other, as TCP segments
        for side, other in (("EVCC", "SECC"), ("SECC", "EVCC")):
            data = bios[side][1].read()
            if data:
                clock[0] += 0.01
                writer.tcp_data("c", side == "EVCC", data, ts=clock[0])
                bios[other][0].write(data)

    for _ in range(10):
        for end in (client, server):
            try:
                end.do_handshake()
            except ssl.SSLWantReadError:
                pass
        pump()
    sent = []
    for side, data in real_frames():
        (client if side == "EVCC" else server).write(data)
        sent.append(data)
        pump()
        receiver = server if side == "EVCC" else client
        assert receiver.read(4096) == data
    writer.close()
    return path, keys, sent


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=["tls1.2", "tls1.3"])
def test_keylog_decrypts_and_without_it_version_and_sni_are_shown(version: ssl.TLSVersion, tmp_path: Path) -> None:
    need_tshark()
    path, keys, sent = tls_capture(tmp_path, version)
    capture = read(str(path), str(keys))
    frames = [f for f in capture.frames if f.kind == "v2gtp"]
    assert [f.data for f in frames] == sent
    assert [f.name for f in frames] == ["supportedAppProtocolReq", "supportedAppProtocolRes", "SessionSetupReq", "SessionSetupRes"]
    assert [f.sender for f in frames] == ["EVCC", "SECC"] * 2 and capture.sessions[0].protocol == "ISO 15118-2"
    label = "TLS 1.2" if version == ssl.TLSVersion.TLSv1_2 else "TLS 1.3"
    assert capture.sessions[0].tls == f"{label}, SNI secc.v2glab.test"
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "bad V2GTP header" not in result.stdout
    assert f"{label}, SNI secc.v2glab.test; no secrets for it" in result.stdout


def test_secrets_embedded_the_dsv2gshark_way(tmp_path: Path) -> None:
    """The tester's UDP datagram carrying the key log line is enough; no --keylog."""
    need_tshark()
    path, keys, sent = tls_capture(tmp_path, ssl.TLSVersion.TLSv1_2)
    line = next(l for l in keys.read_bytes().splitlines() if l.startswith(b"CLIENT_RANDOM "))
    embedded = tmp_path / "embedded.pcapng"
    from v2glab.capture.packets import read_packets

    writer = PcapWriter(str(embedded))
    writer.udp(("fe80::9", 52345), ("fe80::9", 52345), line, True, ts=1.7e9 - 1)
    writer.tcp_open("c", ("fe80::1", 50000), ("fe80::2", 61000), ts=1.7e9)
    for p in read_packets(str(path)).items:
        if p.payload:
            writer.tcp_data("c", p.sport == 50000, p.payload, ts=p.ts)
    writer.close()
    capture = read(str(embedded))
    assert [f.data for f in capture.frames if f.kind == "v2gtp"] == sent
    assert any(f.kind == "note" and f.error.startswith("TLS secret in the capture from [fe80::9]:52345 (CLIENT_RANDOM") for f in capture.frames)
