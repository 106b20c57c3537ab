"""The command line, run as a user runs it: a subprocess of the installed console script's module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from v2glab import exi

from .conftest import VECTORS, start_server


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


def test_exi_demo_round_trips_the_seed() -> None:
    result = run("exi", "demo")
    assert result.returncode == 0, result.stderr
    assert "Payload Length    0x00000027" in result.stdout
    assert "round trip OK: 39-byte payload" in result.stdout


def test_demo_runs_a_full_ac_session_with_a_readable_trace(tmp_path: Path) -> None:
    log = tmp_path / "trace.jsonl"
    result = run("demo", "--log", str(log))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "v2glab demo (AC): PASS" in result.stdout
    assert "SECC <- EVCC  ChargingStatusReq" in result.stdout
    assert "Payload Type 0x8001" in result.stdout and "<s1:ChargingStatusRes>" in result.stdout
    records = [json.loads(line) for line in log.read_text().splitlines()]
    messages = [r for r in records if "message" in r]
    assert messages[0]["message"] == "supportedAppProtocolReq" and messages[-1]["message"] == "SessionStopRes"
    first_res = next(r for r in messages if r["message"] == "SessionSetupRes")
    assert first_res["hex"].startswith("01FE8001") and first_res["v2gtp"]["payload_type"] == "0x8001"
    assert exi.decode(bytes.fromhex(first_res["hex"])[8:], "iso15118-2") == exi.from_xml(first_res["xml"])


def test_demo_dc_over_tls() -> None:
    result = run("demo", "--dc", "--tls", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "v2glab demo (DC, TLS): PASS" in result.stdout


def test_secc_and_evcc_as_two_processes(tmp_path: Path) -> None:
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--once", "--quiet", "--profile", "dc"])
    try:
        ev = run("evcc", "--host", "::1", "--port", str(port), "--profile", "dc", "--quiet", "--loops", "2")
        assert ev.returncode == 0, ev.stderr
        assert "session complete" in ev.stderr
        assert secc.wait(timeout=10) == 0
    finally:
        secc.kill()


def test_evcc_without_an_secc_fails_with_the_reason() -> None:
    result = run("evcc", "--host", "::1", "--port", "1", "--quiet")
    assert result.returncode == 1
    assert "session FAILED: cannot connect to [::1]:1" in result.stderr


def test_missing_profile_and_bad_keys_are_named(tmp_path: Path) -> None:
    missing = run("secc", "--profile", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "profile file not found" in missing.stderr and "Traceback" not in missing.stderr
    typo = tmp_path / "typo.toml"
    typo.write_text("[secc]\nevse_idd = 'x'\n")
    bad = run("secc", "--profile", str(typo))
    assert bad.returncode == 2 and "unknown profile key 'secc.evse_idd'" in bad.stderr


def test_pki_init_writes_the_chain(tmp_path: Path) -> None:
    result = run("pki", "init", str(tmp_path / "pki"))
    assert result.returncode == 0, result.stderr
    chain = (tmp_path / "pki" / "secc_chain.pem").read_text()
    assert chain.count("BEGIN CERTIFICATE") == 3
    assert (tmp_path / "pki" / "ev_trust" / "v2g_root.pem").exists()


LONE_SURROGATE = "8000f3ab9371d34b9b79d189a98989c1d191d191818999d26b9b3a232b34058018020000040040"


def test_decode_of_a_lone_surrogate_prints_it_escaped() -> None:
    # the reproduction: a ProtocolNamespace ending in U+D800 gave a traceback and exit 1
    result = run("exi", "decode", LONE_SURROGATE)
    assert result.returncode == 0, result.stderr
    assert "<ProtocolNamespace>urn:iso:15118:2:2013:MsgDef&#xD800;</ProtocolNamespace>" in result.stdout
    assert len(result.stderr.splitlines()) == 1 and "character references" in result.stderr


def test_encode_of_such_xml_is_one_line_and_exit_2(tmp_path: Path) -> None:
    xml = tmp_path / "sap.xml"
    xml.write_text(run("exi", "decode", LONE_SURROGATE).stdout)
    result = run("exi", "encode", str(xml))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "not well formed" in result.stderr


def test_profile_values_out_of_range_are_one_line_and_exit_2(tmp_path: Path) -> None:
    # the issue: max_current = 1e300 made the SECC say "listening", then drop every connection
    for text, key in [("[secc.dc]\nmax_current = 1e300\n", "secc.dc.max_current"), ("[secc.transport]\nmax_payload = -1\n", "secc.transport.max_payload")]:
        path = tmp_path / "bad.toml"
        path.write_text(text)
        result = run("secc", "--profile", str(path), "--host", "::1", "--port", "0", "--no-sdp")
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and f"'{key}'" in result.stderr, result.stderr
        assert "listening" not in result.stdout + result.stderr
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes("[evcc]\nevcc_id = 'é'\n".encode("latin-1"))
    result = run("evcc", "--profile", str(latin1), "--host", "::1", "--port", "1")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "not UTF-8" in result.stderr, result.stderr


def test_iso15118_20_encodes_with_its_payload_type_and_decodes_from_the_frame(tmp_path: Path) -> None:
    vector = next(v for v in VECTORS if v.get("root") == "DC_ChargeLoopReq")
    path = tmp_path / "loop.xml"
    path.write_text(vector["xml"])
    result = run("exi", "encode", str(path), "--v2gtp")
    assert result.returncode == 0, result.stderr
    frame = result.stdout.strip()
    assert frame[:8] == "01FE8004"  # the DC namespace's payload type
    assert frame[16:] == vector["exi_hex"].upper()
    framed = tmp_path / "loop.bin"
    framed.write_bytes(bytes.fromhex(frame))
    decoded = run("exi", "decode", "--file", str(framed))
    assert decoded.returncode == 0, decoded.stderr
    assert exi.from_xml(decoded.stdout) == exi.from_xml(vector["xml"])
    assert 'xmlns:s2="urn:iso:std:iso:15118:-20:DC"' in decoded.stdout


def test_pki_init_writes_every_chain_and_checks_the_emaid(tmp_path: Path) -> None:
    from v2glab.pki import load_pki

    result = run("pki", "init", str(tmp_path / "pki"), "--emaid", "NLABC123456789X")
    assert result.returncode == 0, result.stderr
    for name in ("cps_chain.pem", "oem_chain.pem", "contract_chain.pem", "mo_sub_ca2.key", "oem_leaf.key"):
        assert str(tmp_path / "pki" / name) in result.stdout.splitlines()
    assert load_pki(tmp_path / "pki").emaid == "NLABC123456789X"
    bad = run("pki", "init", str(tmp_path / "bad"), "--emaid", "DE-1")
    assert bad.returncode == 2 and "eMAID 'DE-1' is not" in bad.stderr and "Traceback" not in bad.stderr


def test_demo_with_plug_and_charge(tmp_path: Path) -> None:
    result = run("demo", "--pnc", "--dc", "--quiet", "--log", str(tmp_path / "t.jsonl"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(DC, TLS, Plug & Charge): PASS" in result.stdout
    received = [json.loads(line).get("message") for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert "CertificateInstallationReq" in received and "PaymentDetailsReq" in received and "AuthorizationReq" in received


def test_pnc_flags_are_checked() -> None:
    no_tls = run("secc", "--pnc")
    assert no_tls.returncode == 2 and "--pnc needs --tls" in no_tls.stderr
    alone = run("evcc", "--cert-update")
    assert alone.returncode == 2 and "need --pnc" in alone.stderr
    both = run("evcc", "--tls", "--pnc", "--cert-install", "--cert-update")
    assert both.returncode == 2 and "exclude each other" in both.stderr


def test_a_reader_that_goes_away_ends_the_output_quietly() -> None:
    """`v2glab api | head -1`: no error line when the pipe closes, and the SIGPIPE exit status shells use.

    The API listing (about 2 MB) is far more than a pipe holds, so the writer meets the closed pipe."""
    listing = subprocess.Popen([sys.executable, "-m", "v2glab.cli", "api"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = listing.stdout.readline()
    listing.stdout.close()  # the reader goes away with the rest of the listing unread
    _, err = listing.communicate(timeout=60)
    assert first.startswith(b"Secc.")
    assert listing.returncode == 141, err
    assert err == b""
