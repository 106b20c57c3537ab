"""ISO 15118-20 over TLS 1.3 with mutual authentication, against Josev both ways, with one PKI:
the one Josev's create_certs.sh -v iso-2 writes (Josev reads its TLS certificates from
``iso15118_2/`` for -20 too).

With ``ENABLE_TLS_1_3`` Josev's SECC asks for the vehicle's certificate and checks it against
the OEM root; its EV presents the OEM provisioning chain. v2glab's ``--mtls`` does the same with
that PKI (``--pki`` in Josev's layout: the OEM chain and the OEM root).

Same namespace harness as test_josev.py (root and .venv-josev; in CI their absence fails).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import start_server
from tests.josev import josev_secc
from tests.interop.test_josev import (JOSEV_PYTHON, _installed_josev_file, _iso20_schemas, _josev_env, _messages,  # noqa: F401
                                      _tolerant_dc_profile, link)


def _tls13_env(iface: str, pki: Path) -> dict[str, str]:
    return {**_josev_env(iface), "PROTOCOLS": "ISO_15118_20_DC", "ENABLE_TLS_1_3": "true", "PKI_PATH": f"{pki}/"}


def _tls_notes(records: list[dict]) -> list[str]:
    return [r.get("note", "") for r in records if "TLS" in r.get("note", "")]


def _cn(pki: Path, role: str) -> str:
    from v2glab.pki import load_pki
    from v2glab.pki.store import common_name

    return common_name(getattr(load_pki(pki), role).certificate)


def test_josev_iso20_evcc_over_tls13_with_v2glab_secc(link: dict, josev_pki: Path, tmp_path: Path) -> None:  # noqa: F811
    log = tmp_path / "secc.jsonl"
    secc, _port = start_server(["ip", "netns", "exec", link["secc_ns"], sys.executable, "-m", "v2glab.cli", "secc", "--interface", link["secc_if"],
                                "--tls", "--mtls", "--pki", str(josev_pki), "--profile", "dc", "--once", "--quiet", "--log", str(log)],
                               any_port=False)
    config = json.loads(Path(_installed_josev_file("iso15118/shared/examples/evcc/iso15118_20/evcc_config_dc.json")).read_text())
    config["useTls"] = True
    (tmp_path / "ev.json").write_text(json.dumps(config))
    try:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], str(JOSEV_PYTHON), "-m", "iso15118.evcc.main", str(tmp_path / "ev.json")],
                            env=_tls13_env(link["ev_if"], josev_pki), cwd=tmp_path, capture_output=True, text=True, timeout=180)
        secc_rc = secc.wait(timeout=30)
    finally:
        secc.kill()
    output = ev.stdout + ev.stderr
    assert ev.returncode == 0 and secc_rc == 0, output[-4000:]
    assert "SessionStopRes received" in output
    records = [json.loads(line) for line in log.read_text().splitlines()]
    # mutual TLS 1.3: Josev's EV presented its OEM provisioning certificate
    assert any("over TLSv1.3" in note and f"peer certificate CN={_cn(josev_pki, 'oem')}" in note for note in _tls_notes(records)), _tls_notes(records)
    assert _iso20_schemas(records) == {"app", "iso15118-20-CommonMessages", "iso15118-20-DC"}
    received = _messages(log)
    assert received[0] == "supportedAppProtocolReq" and received[-1] == "SessionStopReq"
    assert "DC_ChargeLoopReq" in received


def test_v2glab_iso20_evcc_over_tls13_with_josev_secc(link: dict, josev_pki: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {**_tls13_env(link["secc_if"], josev_pki), "SECC_ENFORCE_TLS": "true"}
    log = tmp_path / "ev.jsonl"
    with josev_secc(link["secc_ns"], env, tmp_path) as josev_log:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], sys.executable, "-m", "v2glab.cli", "evcc", "--interface", link["ev_if"],
                             "--protocol", "iso15118-20", "--profile", _tolerant_dc_profile(tmp_path), "--tls", "--mtls",
                             "--pki", str(josev_pki), "--quiet", "--log", str(log)],
                            capture_output=True, text=True, timeout=180)
    assert ev.returncode == 0, ev.stderr + josev_log.read_text()[-3000:]
    assert "session complete" in ev.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert any("over TLSv1.3" in note and f"peer certificate CN={_cn(josev_pki, 'secc')}" in note for note in _tls_notes(records)), _tls_notes(records)
    assert _iso20_schemas(records) == {"app", "iso15118-20-CommonMessages", "iso15118-20-DC"}
    received = _messages(log)
    assert received[0] == "supportedAppProtocolRes" and received[-1] == "SessionStopRes"
    assert received.count("DC_ChargeLoopRes") == 3
