"""The command line, run as a user runs it: a subprocess of the installed console script's module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from v2glab import exi

from .conftest import VECTORS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "v2glab.cli", *args], capture_output=True, text=True, timeout=60)


def test_encode_prints_one_hex_line_per_file_in_order(tmp_path: Path) -> None:
    files = []
    for i, vector in enumerate(VECTORS[:4]):
        path = tmp_path / f"{i}.xml"
        path.write_text(vector["xml"])
        files.append(str(path))
    result = run("exi", "encode", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [v["exi_hex"].upper() for v in VECTORS[:4]]


def test_encode_with_v2gtp_prefixes_the_header(tmp_path: Path) -> None:
    path = tmp_path / "seed.xml"
    path.write_text(VECTORS[0]["xml"])
    result = run("exi", "encode", str(path), "--v2gtp")
    assert result.stdout.strip() == "01FE800100000027" + VECTORS[0]["exi_hex"].upper()


def test_decode_detects_the_schema_and_prints_vendor_xml() -> None:
    for vector in (VECTORS[0], next(v for v in VECTORS if v["schema"] == "din70121"), next(v for v in VECTORS if v["name"].startswith("supportedAppProtocol"))):
        result = run("exi", "decode", vector["exi_hex"])
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith('<?xml version="1.0" ?>')
        assert exi.from_xml(result.stdout) == exi.from_xml(vector["xml"])


def test_decode_accepts_a_v2gtp_frame_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "frame.bin"
    path.write_bytes(bytes.fromhex("01FE800100000027" + VECTORS[0]["exi_hex"]))
    result = run("exi", "decode", "--file", str(path))
    assert "<s1:EVSEID>KR*TC1*ISO1*CHG</s1:EVSEID>" in result.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    bad = run("exi", "decode", "8098ff")
    assert bad.returncode == 2
    assert bad.stderr.startswith("v2glab: error: ") and "at bit" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    missing = run("exi", "encode", str(tmp_path / "nope.xml"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nope.xml" in missing.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text("<a>")
    result = run("exi", "encode", str(broken))
    assert result.returncode == 2 and "not well formed" in result.stderr


def test_demo_round_trips_the_seed() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "Payload Length    0x00000027" in result.stdout
    assert "round trip OK: 39-byte payload" in result.stdout
