"""ISO 15118-20 Plug & Charge against Josev, over TLS 1.3 with mutual TLS, with one PKI (the one
Josev's create_certs.sh -v iso-2 writes; Josev reads it for -20 too):

* Josev's -20 EVCC (it selects PnC whenever the SECC lists it) against
  ``v2glab secc --tls --mtls --pnc --pki <Josev's PKI>``: the SECC verifies the signature Josev
  made over PnC_AReqAuthorizationMode, the GenChallenge and the contract chain;
* ``v2glab evcc --protocol iso15118-20 --tls --mtls --pnc`` against Josev's SECC with AUTH_MODES=PNC.

Same namespace harness as test_josev.py (root and .venv-josev; in CI their absence fails).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import start_server
from tests.interop.test_josev import (JOSEV_PYTHON, _installed_josev_file, _josev_env, _messages,  # noqa: F401
                                      _tolerant_dc_profile, link)
from tests.josev import josev_secc


def _env(iface: str, pki: Path) -> dict[str, str]:
    return {**_josev_env(iface), "PROTOCOLS": "ISO_15118_20_DC", "ENABLE_TLS_1_3": "true", "AUTH_MODES": "PNC", "PKI_PATH": f"{pki}/"}


def _records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_josev_iso20_evcc_pnc_with_v2glab_secc(link: dict, josev_pki: Path, tmp_path: Path) -> None:  # noqa: F811
    log = tmp_path / "secc.jsonl"
    secc, _port = start_server(["ip", "netns", "exec", link["secc_ns"], sys.executable, "-m", "v2glab.cli", "secc", "--interface", link["secc_if"],
                                "--tls", "--mtls", "--pnc", "--pki", str(josev_pki), "--profile", "dc", "--once", "--quiet", "--log", str(log)],
                               any_port=False)
    config = json.loads(Path(_installed_josev_file("iso15118/shared/examples/evcc/iso15118_20/evcc_config_dc.json")).read_text())
    config.update(useTls=True, isCertInstallNeeded=False)
    (tmp_path / "ev.json").write_text(json.dumps(config))
    try:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], str(JOSEV_PYTHON), "-m", "iso15118.evcc.main", str(tmp_path / "ev.json")],
                            env=_env(link["ev_if"], josev_pki), cwd=tmp_path, capture_output=True, text=True, timeout=180)
        secc_rc = secc.wait(timeout=30)
    finally:
        secc.kill()
    output = ev.stdout + ev.stderr
    records = _records(log)
    notes = [r.get("note", "") for r in records]
    assert ev.returncode == 0 and secc_rc == 0, output[-4000:] + "\n".join(notes)[-3000:]
    assert "SessionStopRes received" in output
    # the SECC checked what Josev's EV signed, and said so in its trace
    assert any("Plug & Charge: AuthorizationReq signature over PnC_AReqAuthorizationMode" in n for n in notes), notes
    received = _messages(log)
    start = received.index("AuthorizationSetupReq")
    assert received[start:start + 2] == ["AuthorizationSetupReq", "AuthorizationReq"]
    answers = [r.get("xml") or "" for r in records if r.get("direction") == "tx" and r.get("message") == "AuthorizationRes"]
    assert answers and all(re.search(r":ResponseCode>OK<", a) for a in answers), answers
    offer = next(r.get("xml") or "" for r in records if r.get("direction") == "tx" and r.get("message") == "AuthorizationSetupRes")
    assert "PnC_ASResAuthorizationMode" in offer
    assert "DC_ChargeLoopReq" in received and received[-1] == "SessionStopReq"
    assert any("over TLSv1.3" in n for n in notes)


def test_v2glab_iso20_evcc_pnc_with_josev_secc(link: dict, josev_pki: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {**_env(link["secc_if"], josev_pki), "SECC_ENFORCE_TLS": "true"}
    log = tmp_path / "ev.jsonl"
    with josev_secc(link["secc_ns"], env, tmp_path) as josev_log:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], sys.executable, "-m", "v2glab.cli", "evcc", "--interface", link["ev_if"],
                             "--protocol", "iso15118-20", "--profile", _tolerant_dc_profile(tmp_path), "--tls", "--mtls", "--pnc",
                             "--pki", str(josev_pki), "--quiet", "--log", str(log)],
                            capture_output=True, text=True, timeout=180)
        josev_text = josev_log.read_text()
    assert ev.returncode == 0, ev.stderr + josev_text[-3000:]
    assert "session complete" in ev.stderr
    records = _records(log)
    sent = [r for r in records if r.get("direction") == "tx" and r.get("message") == "AuthorizationReq"]
    assert sent and all("PnC_AReqAuthorizationMode" in (r.get("xml") or "") for r in sent), sent
    received = _messages(log)
    assert "AuthorizationRes" in received and received[-1] == "SessionStopRes"
    xml = {r["message"]: r.get("xml") or "" for r in records if r.get("direction") == "rx" and "message" in r}
    assert "PnC_ASResAuthorizationMode" in xml["AuthorizationSetupRes"] and re.search(r":ResponseCode>OK<", xml["AuthorizationRes"])
    # Josev verified the signature (else FAILED_SignatureError would have ended the session)
    assert "Unable to verify signature" not in josev_text
