"""Signatures made by independent implementations, read from a real capture.

``ISO-2_DC_PnC_TLS_CertInstallation_DS5366_RiseV2G.pcapng`` (a dSPACE DS5366 as SECC,
RISE V2G as EV) carries its TLS secret in a UDP datagram (port 52345). tshark decrypts
the session; v2glab then verifies the CertificateInstallationReq signature (OEM key),
the four-reference CertificateInstallationRes signature (CPS key, the eMAID fragment
among them) and the AuthorizationReq signature (contract key) with the certificates
that travel in the session itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from v2glab import exi
from v2glab.pnc import PnCError, messages, signature

CAPTURE = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures" / "ISO-2_DC_PnC_TLS_CertInstallation_DS5366_RiseV2G.pcapng"


def _tshark(*args: str) -> str:
    return subprocess.run(["tshark", *args], capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    if shutil.which("tshark") is None or not CAPTURE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("tshark or the shared capture is missing in CI")
        pytest.skip("tshark (Debian package) or ../shared/captures is missing")
    keylog = tmp_path_factory.mktemp("rise") / "keylog.txt"
    keylog.write_bytes(bytes.fromhex(_tshark("-r", str(CAPTURE), "-Y", "udp.port == 52345", "-T", "fields", "-e", "data.data").strip()))
    assert keylog.read_text().startswith("CLIENT_RANDOM ")
    follow = _tshark("-r", str(CAPTURE), "-o", f"tls.keylog_file:{keylog}", "-q", "-z", "follow,tls,raw,0")
    streams = {"ev": bytearray(), "secc": bytearray()}
    for line in follow.splitlines():
        text = line.strip()
        if text and all(c in "0123456789abcdef" for c in text):
            streams["secc" if line.startswith("\t") else "ev"] += bytes.fromhex(text)
    first: dict[str, dict] = {}
    for data in streams.values():
        at = 0
        while at + 8 <= len(data):
            length = int.from_bytes(data[at + 4:at + 8], "big")
            payload = bytes(data[at + 8:at + 8 + length])
            at += 8 + length
            if exi.detect_schema(payload) == "iso15118-2":
                content = exi.decode(payload, "iso15118-2").content
                first.setdefault(next(iter(content["Body"])), content)
    return first


def test_the_capture_holds_a_plug_and_charge_session(session: dict[str, dict]) -> None:
    assert {"CertificateInstallationReq", "CertificateInstallationRes", "PaymentDetailsReq", "AuthorizationReq"} <= set(session)


def test_certificate_installation_req_signature(session: dict[str, dict]) -> None:
    msg = session["CertificateInstallationReq"]
    body = msg["Body"]["CertificateInstallationReq"]
    oem = x509.load_der_x509_certificate(body["OEMProvisioningCert"])
    signature.verify(msg["Header"]["Signature"], [("CertificateInstallationReq", body)], oem.public_key())
    changed = dict(body, ListOfRootCertificateIDs={"RootCertificateID": [{"X509IssuerName": "CN=x", "X509SerialNumber": 1}]})
    with pytest.raises(PnCError, match="digest"):
        signature.verify(msg["Header"]["Signature"], [("CertificateInstallationReq", changed)], oem.public_key())


def test_certificate_installation_res_signature_with_the_emaid_fragment(session: dict[str, dict]) -> None:
    msg = session["CertificateInstallationRes"]
    body = msg["Body"]["CertificateInstallationRes"]
    assert body["eMAID"]["@Id"] and [r["@URI"] for r in msg["Header"]["Signature"]["SignedInfo"]["Reference"]] == ["#ID1", "#ID2", "#ID3", "#ID4"]
    cps = x509.load_der_x509_certificate(body["SAProvisioningCertificateChain"]["Certificate"])
    signature.verify(msg["Header"]["Signature"], messages.signed_parts(body), cps.public_key())


def test_authorization_req_signature_and_challenge(session: dict[str, dict]) -> None:
    contract = x509.load_der_x509_certificate(session["PaymentDetailsReq"]["Body"]["PaymentDetailsReq"]["ContractSignatureCertChain"]["Certificate"])
    challenge = session["PaymentDetailsRes"]["Body"]["PaymentDetailsRes"]["GenChallenge"]
    msg = session["AuthorizationReq"]
    messages.check_authorization(msg["Body"]["AuthorizationReq"], msg["Header"]["Signature"], challenge, contract.public_key())


def test_pcap_show_verifies_the_captured_signatures(session: dict[str, dict], tmp_path: Path) -> None:
    import sys

    keylog = tmp_path / "keylog.txt"
    keylog.write_bytes(bytes.fromhex(_tshark("-r", str(CAPTURE), "-Y", "udp.port == 52345", "-T", "fields", "-e", "data.data").strip()))
    shown = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", str(CAPTURE), "--keylog", str(keylog), "--no-xml"],
                           capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    for line in ("CertificateInstallationReq: signature verified with OEMProvisioningCert",
                 "CertificateInstallationRes: signature verified with the CPS leaf",
                 "AuthorizationReq: signature verified with the contract certificate"):
        assert line in shown.stdout
    assert "INVALID" not in shown.stdout
