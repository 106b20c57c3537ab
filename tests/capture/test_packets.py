"""Bad capture files: one line, exit 2, never a traceback; a cut file shows what came before the cut (issue 12, item 6)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from dpkt import pcapng

from v2glab.capture.packets import CaptureError, read_packets
from v2glab.capture.show import read

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"
PCAP = SHARED / "vw-ac-iso2.pcap"
PCAPNG = SHARED / "ISO-2_DC_DS5366.pcapng"


def show(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", "--no-xml", str(path)], capture_output=True, text=True, timeout=60)


def one_line_exit_2(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pcap"
    path.write_bytes(b"")
    assert "empty file" in one_line_exit_2(show(path))


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.pcapng"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "not a pcap or pcapng capture" in one_line_exit_2(show(path))


def test_timestamp_past_year_9999(tmp_path: Path) -> None:
    path = tmp_path / "future.pcapng"
    with open(path, "wb") as f:
        writer = pcapng.Writer(f, linktype=1)
        writer.writepkt(b"\x00" * 60, ts=1.7e9)
        writer.writepkt(b"\x00" * 60, ts=3e11)  # year 11,476
    line = one_line_exit_2(show(path))
    assert "timestamp" in line and "9999" in line and "packet 2" in line


def test_a_cut_file_shows_the_frames_before_the_cut(tmp_path: Path) -> None:
    whole = read(str(PCAP))
    path = tmp_path / "cut.pcap"
    path.write_bytes(PCAP.read_bytes()[:5000])
    result = show(path)
    line = one_line_exit_2(result)
    assert "cut short after packet" in line
    cut = read(str(path))
    shown = [f.data for f in cut.frames if f.kind == "v2gtp"]
    assert shown and shown == [f.data for f in whole.frames if f.kind == "v2gtp"][:len(shown)]
    assert result.stdout.count("V2GTP  Protocol Version") == len(shown)


@pytest.mark.parametrize("source", [PCAP, PCAPNG], ids=["pcap", "pcapng"])
def test_cut_and_bit_flipped_files_never_raise_anything_else(source: Path, tmp_path: Path) -> None:
    """50 cuts and 200 bit-flipped copies: read() returns (perhaps with damage) or raises CaptureError, nothing else."""
    rng = random.Random(source.name)
    original = source.read_bytes()[:60000]
    path = tmp_path / "fuzzed"
    damaged = 0
    for i in range(250):
        data = bytearray(original)
        if i < 50:
            data = data[:rng.randrange(1, len(data))]
        else:
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                data[at] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        try:
            capture = read(str(path))
        except CaptureError as exc:
            assert "\n" not in str(exc)
            damaged += 1
            continue
        damaged += capture.damage is not None
    assert damaged >= 50  # every cut is noticed, as are many flips


def test_cli_on_a_bit_flipped_file_is_one_line_at_most(tmp_path: Path) -> None:
    data = bytearray(PCAPNG.read_bytes()[:20000])
    data[30] ^= 0xFF  # inside the section header block's length
    path = tmp_path / "flipped.pcapng"
    path.write_bytes(bytes(data))
    result = show(path)
    assert "Traceback" not in result.stderr and result.returncode in (0, 2)
    if result.returncode == 2:
        one_line_exit_2(result)


def test_missing_file_is_one_line() -> None:
    with pytest.raises(CaptureError, match="No such file"):
        read_packets("/nonexistent/capture.pcap")


@pytest.mark.parametrize("name", sorted(p.name for p in SHARED.glob("*.pcap*")))
def test_the_fixed_offset_path_reads_what_dpkt_reads(name: str) -> None:
    """The fast path for plain Ethernet/IP/TCP|UDP packets agrees with dpkt's parse on every packet of every shared capture."""
    fast, slow = read_packets(str(SHARED / name)), read_packets(str(SHARED / name), fast=False)
    assert fast.items == slow.items and fast.not_ip == slow.not_ip and fast.total == slow.total


def test_pcapng_cut_inside_the_last_block_header(tmp_path: Path) -> None:
    """dpkt stops quietly on a block header of fewer than 8 bytes; that is a cut too."""
    path = tmp_path / "tail.pcapng"
    path.write_bytes(PCAPNG.read_bytes() + b"\x06\x00\x00\x00\x40")
    capture = read(str(path))
    assert capture.damage and "cut short" in capture.damage
    assert len([f for f in capture.frames if f.kind == "v2gtp"]) == len([f for f in read(str(PCAPNG)).frames if f.kind == "v2gtp"])
