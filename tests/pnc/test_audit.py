"""Signature checks of a recorded session, with the certificates the session carries (pcap show)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

from tests.helpers import run_pair
from tests.pnc_profiles import evcc_profile, secc_profile
from v2glab.pnc.audit import SignatureAudit


def _session(pki: Path) -> list:
    messages, secc, evcc = run_pair(secc_profile(pki), evcc_profile(pki, cert_install=True))
    assert secc.ok and evcc.ok
    return messages


def test_every_signature_of_a_session_is_checked(v2glab_pki: Path) -> None:
    audit = SignatureAudit()
    lines = [line for line in map(audit.observe, _session(v2glab_pki)) if line]
    assert lines[:3] == [
        "CertificateInstallationReq: signature verified with OEMProvisioningCert",
        "CertificateInstallationRes: signature verified with the CPS leaf",
        "AuthorizationReq: signature verified with the contract certificate",
    ]
    assert "MeteringReceiptReq: signature verified with the contract certificate" in lines
    assert not any("INVALID" in line for line in lines)


def test_a_tampered_message_is_reported(v2glab_pki: Path) -> None:
    messages = _session(v2glab_pki)
    audit = SignatureAudit()
    lines = []
    for message in messages:
        if message.body_name == "AuthorizationReq":
            message = copy.deepcopy(message)
            message.body["GenChallenge"] = bytes(16)
        lines.append(audit.observe(message))
    auth = [line for line in lines if line and line.startswith("AuthorizationReq")][0]
    assert "signature INVALID (digest of AuthorizationReq" in auth and "not the one of PaymentDetailsRes" in auth


def test_without_the_contract_certificate_it_says_so(v2glab_pki: Path) -> None:
    auth = next(m for m in _session(v2glab_pki) if m.body_name == "AuthorizationReq")
    assert "holds no contract certificate" in SignatureAudit().observe(auth)


def test_pcap_show_prints_the_checks(tmp_path: Path) -> None:
    capture = tmp_path / "pnc.pcapng"
    demo = subprocess.run([sys.executable, "-m", "v2glab.cli", "demo", "--pnc", "--quiet", "--pcap", str(capture)], capture_output=True, text=True, timeout=60)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    shown = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(capture)], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "session 1: CertificateInstallationReq: signature verified with OEMProvisioningCert" in shown.stdout
    assert "session 1: CertificateInstallationRes: signature verified with the CPS leaf" in shown.stdout
    assert "session 1: AuthorizationReq: signature verified with the contract certificate" in shown.stdout


def test_iso20_pnc_authorization_is_checked(v2glab_pki: Path) -> None:
    """-20: PnC_AReqAuthorizationMode (CommonMessages fragment) with the contract leaf it carries,
    and its GenChallenge against AuthorizationSetupRes's."""
    ev = evcc_profile(v2glab_pki, "dc")
    ev["protocols"] = ["iso15118-20"]
    messages, secc, evcc = run_pair(secc_profile(v2glab_pki, "dc"), ev)
    assert secc.ok and evcc.ok
    lines = [line for line in map(SignatureAudit().observe, messages) if line]
    assert lines and set(lines) == {"AuthorizationReq: signature verified with the contract certificate"}
    audit, tampered = SignatureAudit(), []
    for message in messages:
        if message.body_name == "AuthorizationReq":
            message = copy.deepcopy(message)
            message.body["PnC_AReqAuthorizationMode"]["GenChallenge"] = bytes(16)
        tampered.append(audit.observe(message))
    auth = next(line for line in tampered if line and line.startswith("AuthorizationReq"))
    assert "signature INVALID (digest of PnC_AReqAuthorizationMode" in auth and "not the one of AuthorizationSetupRes" in auth


def test_pcap_show_checks_an_iso20_pnc_demo(tmp_path: Path) -> None:
    capture = tmp_path / "pnc20.pcapng"
    demo = subprocess.run([sys.executable, "-m", "v2glab.cli", "demo", "--pnc", "--dc", "--protocol", "iso15118-20", "--quiet", "--pcap", str(capture)],
                          capture_output=True, text=True, timeout=60)
    assert demo.returncode == 0 and "(DC, TLS, Plug & Charge): PASS" in demo.stdout, demo.stdout + demo.stderr
    shown = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(capture)], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "session 1: AuthorizationReq: signature verified with the contract certificate" in shown.stdout
    assert "PnC_ASResAuthorizationMode" in shown.stdout
