"""`pcap show` on real captures: as many V2GTP frames as an independent reassembly finds, all decoded, TLS decrypted,
a session per connection timed by its own protocol, gaps survived, and the text/json/junit formats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dpkt
import pytest
from junitparser import Failure, JUnitXml

from v2glab import exi
from v2glab.capture.pcap import PcapWriter
from v2glab.capture.show import read
from v2glab.v2gtp import V2GTPReader

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"
PLAIN = ["vw-ac-iso2.pcap", "hyundai-kona1-din.pcap", "ISO-2_DC_DS5366.pcapng", "2023-04-16_at_home_Ioniq_in_currentDemandLoop.pcapng"]
EMBEDDED = "ISO-2_DC_PnC_TLS_CertInstallation_DS5366_RiseV2G.pcapng"
MULTI, MULTI_KEYS = "undecryptedpcap-multisessions.pcapng", "SSLKeyLog-multisessions.log"


def need_tshark() -> str:
    tshark = shutil.which("tshark")
    if tshark is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tshark is missing in CI (.ci/run installs it)")
        pytest.skip("tshark (Debian package) is not installed")
    return tshark


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "v2glab.cli", *args], capture_output=True, text=True, timeout=120)


def dpkt_frames(path: Path) -> list[bytes]:
    """Independent count: TCP payloads per direction, deduplicated by sequence number, concatenated in order, cut by V2GTPReader."""
    directions: dict[tuple, dict[int, bytes]] = {}
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.UniversalReader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if not isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)) or not isinstance(ip.data, dpkt.tcp.TCP) or not ip.data.data:
                continue
            tcp = ip.data
            directions.setdefault((ip.src, tcp.sport, ip.dst, tcp.dport), {})[tcp.seq] = bytes(tcp.data)
    frames = []
    for segments in directions.values():
        first = min(segments)
        stream = b"".join(segments[s] for s in sorted(segments, key=lambda s: (s - first) % 2**32))
        frames += [h.to_bytes() + p for h, p in V2GTPReader(max_payload=2**24).feed(stream)]
    return frames


def tshark_tls_frames(path: Path, keylog: Path) -> list[bytes]:
    """Independent count for TLS: tshark's decrypted TLS streams (follow,tls), cut by V2GTPReader."""
    tshark = need_tshark()
    streams = subprocess.run([tshark, "-r", str(path), "-o", f"tls.keylog_file:{keylog}", "-Y", "tls.app_data", "-T", "fields", "-e", "tcp.stream"],
                             capture_output=True, text=True, timeout=120).stdout.split()
    frames = []
    for stream in sorted(set(streams), key=int):
        out = subprocess.run([tshark, "-r", str(path), "-o", f"tls.keylog_file:{keylog}", "-q", "-z", f"follow,tls,raw,{stream}"],
                             capture_output=True, text=True, timeout=120).stdout
        sides = {"client": b"", "server": b""}
        for line in out.splitlines():
            if line.strip() and all(c in "0123456789abcdef" for c in line.strip()):
                sides["server" if line.startswith("\t") else "client"] += bytes.fromhex(line.strip())
        for data in sides.values():
            if data[:2] == b"\x01\xfe":
                frames += [h.to_bytes() + p for h, p in V2GTPReader(max_payload=2**24).feed(data)]
    return frames


@pytest.mark.parametrize("name", PLAIN)
def test_plain_capture_frames_match_an_independent_reassembly(name: str) -> None:
    capture = read(str(SHARED / name))
    frames = [f for f in capture.frames if f.kind == "v2gtp"]
    assert sorted(f.data for f in frames) == sorted(dpkt_frames(SHARED / name))
    assert all(f.message is not None for f in frames), [f.error for f in frames if f.message is None][:3]
    assert len(capture.sessions) == 1 and capture.damage is None


def test_tls_capture_with_embedded_secrets_decrypts() -> None:
    need_tshark()
    path = SHARED / EMBEDDED
    capture = read(str(path))
    frames = [f for f in capture.frames if f.kind == "v2gtp"]
    secrets = [f for f in capture.frames if f.kind == "note" and f.error.startswith("TLS secret in the capture")]
    assert len(secrets) == 1
    keylog = Path(os.environ.get("TMPDIR", "/tmp")) / f"v2glab-test-{os.getpid()}.keys"
    keylog.write_bytes(secrets[0].data)
    try:
        assert sorted(f.data for f in frames) == sorted(tshark_tls_frames(path, keylog))
    finally:
        keylog.unlink()
    assert len(frames) > 100 and all(f.message is not None for f in frames)
    (session,) = capture.sessions
    assert session.tls.startswith("TLS 1.2") and session.protocol == "ISO 15118-2"
    assert "CertificateInstallationRes" in session.counts


def test_multisession_tls_capture_with_its_key_log() -> None:
    need_tshark()
    capture = read(str(SHARED / MULTI), str(SHARED / MULTI_KEYS))
    frames = [f for f in capture.frames if f.kind == "v2gtp"]
    assert sorted(f.data for f in frames) == sorted(tshark_tls_frames(SHARED / MULTI, SHARED / MULTI_KEYS))
    assert all(f.message is not None for f in frames)
    assert len(capture.sessions) == 2
    ids = {s.session_id for s in capture.sessions}
    assert len(ids) == 2 and None not in ids
    assert all(s.timing == [] for s in capture.sessions)  # the pause between the sessions is no sequence timeout


def test_tls_without_secrets_is_reported_as_tls_with_version_and_sni() -> None:
    need_tshark()
    result = cli("pcap", "show", "--no-xml", str(SHARED / MULTI))
    assert result.returncode == 0 and "bad V2GTP header" not in result.stdout
    assert "TLS 1.2, no SNI; no secrets for it" in result.stdout
    assert "TLS 1.3, SNI init.push.apple.com" in result.stdout


def test_sdp_lines_carry_the_capture_time() -> None:
    result = cli("pcap", "show", "--no-xml", str(SHARED / "vw-ac-iso2.pcap"))
    sdp = [line for line in result.stdout.splitlines() if "SDP request" in line]
    first = read(str(SHARED / "vw-ac-iso2.pcap")).frames[0]
    import datetime as dt

    assert sdp and sdp[0].startswith(f"[{dt.datetime.fromtimestamp(first.ts).strftime('%H:%M:%S.%f')[:-3]}]")


def test_din_capture_shows_no_iso15118_2_limit() -> None:
    result = cli("pcap", "show", "--no-xml", str(SHARED / "hyundai-kona1-din.pcap"))
    assert result.returncode == 0
    assert "DIN SPEC 70121" in result.stdout
    flagged = [line for line in result.stdout.splitlines() if "TIMING VIOLATION" in line]
    # judged by DIN's own table: the EV's 250 ms CurrentDemand timeout (Table 75), no -2 performance time
    assert flagged and all("DIN SPEC 70121 Table" in line for line in flagged)
    assert "ISO 15118-2 Table" not in result.stdout and "V2G_SECC_Msg_Performance_Time" not in result.stdout


def test_a_cut_out_segment_is_a_gap_and_the_frames_after_it_are_listed(tmp_path: Path) -> None:
    source = SHARED / "vw-ac-iso2.pcap"
    whole = [f for f in read(str(source)).frames if f.kind == "v2gtp"]
    with open(source, "rb") as f:
        reader = dpkt.pcap.Reader(f)
        packets = list(reader)
        link = reader.datalink()
    def tcp(buf: bytes) -> dpkt.tcp.TCP | None:
        ip = dpkt.ethernet.Ethernet(buf).data
        return ip.data if isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)) and isinstance(ip.data, dpkt.tcp.TCP) else None

    carrying = [i for i, (_ts, buf) in enumerate(packets) if tcp(buf) is not None and tcp(buf).data]
    victim = carrying[6]  # a segment in the middle of the session
    removed = bytes(tcp(packets[victim][1]).data)
    lost = [f for f in whole if removed in f.data or f.data in removed]
    out = tmp_path / "gap.pcap"
    with open(out, "wb") as f:
        writer = dpkt.pcap.Writer(f, linktype=link, nano=False)
        for i, (ts, buf) in enumerate(packets):
            if i != victim:
                writer.writepkt(buf, ts=ts)
    capture = read(str(out))
    frames = [f for f in capture.frames if f.kind == "v2gtp"]
    assert [f.data for f in frames] == [f.data for f in whole if f not in lost]
    assert lost and frames[-1].name == whole[-1].name
    gaps = [f.error for f in capture.frames if f.kind == "note" and "TCP gap" in f.error]
    assert gaps == [f"TCP gap: {len(removed)} byte(s) missing from the capture at stream offset {gaps[0].split('offset ')[1].split(';')[0]}; resynchronising on the next V2GTP header"]
    assert f"TCP gap: {len(removed)} byte(s)" in cli("pcap", "show", "--no-xml", str(out)).stdout


def _two_sessions(path: Path, pause: float) -> None:
    """Two ISO 15118-2 sessions from a real capture, written on two connections `pause` seconds apart."""
    frames = [f for f in read(str(SHARED / "vw-ac-iso2.pcap")).frames if f.kind == "v2gtp"]
    writer = PcapWriter(str(path))
    t0 = frames[0].ts
    for n, offset in enumerate((0.0, frames[-1].ts - t0 + pause)):
        key = f"c{n}"
        writer.tcp_open(key, ("fe80::1", 50000 + n), ("fe80::2", 61000), ts=t0 + offset)
        for f in frames:
            writer.tcp_data(key, f.sender == "EVCC", f.data, ts=f.ts + offset)
        writer.tcp_close(key, True, ts=frames[-1].ts + offset)
    writer.close()


def test_two_sessions_are_timed_apart(tmp_path: Path) -> None:
    path = tmp_path / "two.pcapng"
    _two_sessions(path, pause=65.0)
    capture = read(str(path))
    assert len(capture.sessions) == 2
    assert all("Sequence_Timeout" not in str(v) for s in capture.sessions for v in s.timing)
    assert [s.summary()["messages"] for s in capture.sessions] == [18, 18]
    first = capture.sessions[0].summary()
    assert first["evccid"] == "007DFA06AB91" and first["evseid"] == "DE*PNX*E12345*1" and first["session_id"] == "AD29EFADF5FFFFFF"
    assert "FAILED_SequenceError" in first["ended"] and "closed by the EVCC (FIN)" in first["ended"]


def test_trailing_zero_byte_decodes_and_is_a_deviation(tmp_path: Path) -> None:
    frames = [f for f in read(str(SHARED / "hyundai-kona1-din.pcap")).frames if f.kind == "v2gtp"]
    path = tmp_path / "zero.pcapng"
    writer = PcapWriter(str(path))
    writer.tcp_open("c", ("fe80::1", 50000), ("fe80::2", 61000), ts=frames[0].ts)
    for f in frames[:12]:
        data = f.data
        if f.name == "ContractAuthenticationReq":  # as one maker's cars send it
            payload = data[8:] + b"\x00"
            data = data[:4] + len(payload).to_bytes(4, "big") + payload
        writer.tcp_data("c", f.sender == "EVCC", data, ts=f.ts)
    writer.close()
    capture = read(str(path))
    padded_all = [f for f in capture.frames if f.name == "ContractAuthenticationReq"]
    assert padded_all and all(f.message is not None for f in padded_all)
    assert all(len(f.deviations) == 1 and "1 zero byte(s) (00) after the end of the EXI document" in f.deviations[0] for f in padded_all)
    padded = padded_all[0]
    (session,) = capture.sessions
    assert any("ContractAuthenticationReq from the EVCC: 1 zero byte(s) (00)" in v for v in session.violations)
    with pytest.raises(exi.EXIDecodeError):  # strict by default, as the engines decode
        exi.decode(padded.data[8:], "din70121")


def test_json_and_junit_formats(tmp_path: Path) -> None:
    path = tmp_path / "two.pcapng"
    _two_sessions(path, pause=5.0)
    result = cli("pcap", "show", "--format", "json", "--no-xml", str(path))
    doc = json.loads(result.stdout)
    assert [s["session"] for s in doc["sessions"]] == [1, 2] and doc["sessions"][0]["protocol"] == "ISO 15118-2"
    assert sum(1 for f in doc["frames"] if f["kind"] == "v2gtp") == 36 and "xml" not in doc["frames"][0]
    junit = tmp_path / "r.xml"
    assert cli("pcap", "show", "--format", "junit", "-o", str(junit), str(SHARED / "ISO-2_DC_DS5366.pcapng")).returncode == 0
    xml = JUnitXml.fromfile(str(junit))
    cases = [c for suite in xml for c in suite]
    assert [c.name for c in cases] == ["session 1: ISO 15118-2"]
    (failure,) = [r for r in cases[0].result if isinstance(r, Failure)]
    assert "CurrentDemandRes came after" in failure.message  # the capture's one late answer
    assert cli("pcap", "show", "--format", "junit", "-o", str(junit), str(path)).returncode == 0
    assert all(not c.result for suite in JUnitXml.fromfile(str(junit)) for c in suite)


def test_junit_validates_against_the_usual_schema(tmp_path: Path) -> None:
    """Jenkins' junit-10.xsd, which .ci/run fetches from pytest's sdist."""
    schema_path = Path(__file__).resolve().parents[2] / ".cache" / "junit-10.xsd"
    if not schema_path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("junit-10.xsd is missing in CI (.ci/run fetches it)")
        pytest.skip("junit-10.xsd not fetched (see .ci/run)")
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    junit = tmp_path / "r.xml"
    assert cli("pcap", "show", "--format", "junit", "-o", str(junit), str(SHARED / "ISO-2_DC_DS5366.pcapng")).returncode == 0
    assert schema.validate(etree.parse(str(junit))), schema.error_log


def test_unknown_payload_type_and_a_non_v2gtp_stream_are_reported_and_skipped(tmp_path: Path) -> None:
    frames = [f for f in read(str(SHARED / "vw-ac-iso2.pcap")).frames if f.kind == "v2gtp"][:6]
    path = tmp_path / "mixed.pcapng"
    writer = PcapWriter(str(path))
    writer.tcp_open("v2g", ("fe80::1", 50000), ("fe80::2", 61000), ts=frames[0].ts)
    for i, f in enumerate(frames):
        writer.tcp_data("v2g", f.sender == "EVCC", f.data, ts=f.ts)
        if i == 2:  # a payload type no standard assigns (a logger's record, say)
            writer.tcp_data("v2g", True, bytes.fromhex("01FE8201000000058000000000"), ts=f.ts + 0.001)
    writer.tcp_open("web", ("fe80::1", 50001), ("fe80::3", 80), ts=frames[0].ts)
    writer.tcp_data("web", True, b"GET / HTTP/1.1\r\nHost: charger\r\n\r\n", ts=frames[0].ts + 0.5)
    writer.close()
    capture = read(str(path))
    assert [f.data for f in capture.frames if f.kind == "v2gtp"] == [f.data for f in frames]
    (session,) = capture.sessions
    assert session.notes == ["unknown V2GTP payload type 0x8201: frame of 5 payload bytes skipped"]
    web = [f.error for f in capture.frames if f.kind == "note" and f.session is None]
    assert web == ["[fe80::1]:50001: 33 byte(s) skipped: bad V2GTP header (V2GTP protocol version 0x47, inverse 0x45)"]
