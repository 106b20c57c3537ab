"""Plug & Charge interop with Josev, both ways, over TLS, with one PKI: the one Josev's own
create_certs.sh writes (v2glab reads its layout with --pki).

* Josev's EVCC (its evcc_config_pnc_ac.json, with and without certificate installation)
  against ``v2glab secc --tls --pnc --pki <Josev's PKI>``;
* ``v2glab evcc --tls --pnc --cert-install --pki <Josev's PKI>`` against Josev's SECC with
  AUTH_MODES=PNC, SECC_ENFORCE_TLS=true, PKI_PATH=<that PKI>.

Same namespace harness as test_josev.py (root and .venv-josev; in CI their absence fails).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import start_server
from tests.interop.test_josev import JOSEV_PYTHON, _josev_env, _messages, link  # noqa: F401  (link is a fixture)
from tests.josev import josev_package_dir, josev_secc


def _pnc_env(iface: str, pki: Path) -> dict[str, str]:
    return {**_josev_env(iface), "AUTH_MODES": "PNC", "PKI_PATH": f"{pki}/"}


@pytest.mark.parametrize("install", [False, True], ids=["contract", "cert-install"])
def test_josev_evcc_plug_and_charge_with_v2glab_secc(link: dict, josev_pki: Path, install: bool, tmp_path: Path) -> None:  # noqa: F811
    # No ReceiptRequired here: Josev's EV then never leaves the ChargingStatus/MeteringReceipt loop
    # (its receipts do verify; see tests/pnc for a receipt Josev signs).
    log = tmp_path / "secc.jsonl"
    # the SECC says when TCP and SDP answer (Josev's EVCC tries SDP only briefly); Josev wants a port in 49152-65535
    secc, _port = start_server(["ip", "netns", "exec", link["secc_ns"], sys.executable, "-m", "v2glab.cli", "secc", "--interface", link["secc_if"],
                                "--tls", "--pnc", "--pki", str(josev_pki), "--once", "--quiet", "--log", str(log)], any_port=False)
    config = json.loads((josev_package_dir() / "shared" / "examples" / "evcc" / "iso15118_2" / "evcc_config_pnc_ac.json").read_text())
    config.update(isCertInstallNeeded=install, chargeLoopCycle=3)
    (tmp_path / "ev.json").write_text(json.dumps(config))
    try:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], str(JOSEV_PYTHON), "-m", "iso15118.evcc.main", str(tmp_path / "ev.json")],
                            env=_pnc_env(link["ev_if"], josev_pki), cwd=tmp_path, capture_output=True, text=True, timeout=180)
        secc_rc = secc.wait(timeout=30)
    finally:
        secc.kill()
    output = ev.stdout + ev.stderr
    assert ev.returncode == 0 and secc_rc == 0, output[-4000:]
    received = _messages(log)
    expected = ["PaymentServiceSelectionReq", *(["CertificateInstallationReq"] if install else []), "PaymentDetailsReq", "AuthorizationReq"]
    start = received.index("PaymentServiceSelectionReq")
    assert received[start:start + len(expected)] == expected
    assert "ChargingStatusReq" in received and received[-1] == "SessionStopReq"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    failed = [r["message"] for r in records if r.get("direction") == "tx" and "FAILED" in (r.get("xml") or "")]
    assert not failed, failed
    assert any("closed: session terminated by the EV" in r.get("note", "") for r in records)


def test_v2glab_evcc_plug_and_charge_with_josev_secc(link: dict, josev_pki: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {**_pnc_env(link["secc_if"], josev_pki), "SECC_ENFORCE_TLS": "true"}
    log = tmp_path / "ev.jsonl"
    # Josev's SECC answers in 80-700 ms (its first answers after start-up slower still): the tolerant
    # car of test_josev.py, which waits 8 times the standard's message timeouts
    profile = tmp_path / "ev.toml"
    profile.write_text("[evcc.timers]\nmsg_timeout_scale = 8.0\n")
    with josev_secc(link["secc_ns"], env, tmp_path) as josev_log:
        ev = subprocess.run(["ip", "netns", "exec", link["ev_ns"], sys.executable, "-m", "v2glab.cli", "evcc", "--interface", link["ev_if"],
                             "--profile", str(profile), "--tls", "--pnc", "--cert-install", "--pki", str(josev_pki), "--quiet", "--log", str(log)],
                            capture_output=True, text=True, timeout=180)
    assert ev.returncode == 0, ev.stderr + josev_log.read_text()[-4000:]
    assert "session complete" in ev.stderr
    received = _messages(log)
    for name in ("CertificateInstallationRes", "PaymentDetailsRes", "AuthorizationRes", "ChargingStatusRes", "SessionStopRes"):
        assert name in received, received
