"""`v2glab pki init`: the four chains with the profiles of the public test PKIs."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from v2glab.pki import PROFILES, init_pki, load_pki
from v2glab.pki.build import BY_STEM
from v2glab.pnc import check_chain
from v2glab.pnc.certs import common_name, domain_component


def test_every_certificate_follows_its_profile(v2glab_pki: Path) -> None:
    certs = {p.stem: x509.load_pem_x509_certificate((v2glab_pki / f"{p.stem}.pem").read_bytes()) for p in PROFILES}
    for p in PROFILES:
        cert = certs[p.stem]
        key = serialization.load_pem_private_key((v2glab_pki / f"{p.stem}.key").read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
        assert cert.public_key() == key.public_key()
        assert cert.signature_hash_algorithm.name == "sha256"
        assert domain_component(cert) == p.dc
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert bc.ca == p.ca and (not p.ca or bc.path_length == p.path_length)
        assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == p.days
        assert len(cert.public_bytes(serialization.Encoding.DER)) <= 800  # certificateType maxLength
        issuer = certs[p.issuer] if p.issuer else cert
        cert.verify_directly_issued_by(issuer)
    assert common_name(certs["contract_leaf"]) == "DEV2GC000000001"
    assert (v2glab_pki / "secc_leaf.key").stat().st_mode & 0o777 == 0o600
    # random serials of RFC 5280's 20 octets (positive, below 2^159), not 63-bit ones
    serials = [c.serial_number for c in certs.values()]
    assert all(0 < s < 2**159 for s in serials) and len(set(serials)) == len(serials)
    assert sum(s.bit_length() > 64 for s in serials) >= len(serials) - 1


def test_chains_check_out_and_the_tls_files_exist(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    for cred, root, dc in ((pki.secc, pki.v2g_root, "CPO"), (pki.cps, pki.v2g_root, "CPS"), (pki.oem, pki.oem_root, "OEM"),
                           (pki.contract, pki.mo_root, "MO")):
        assert check_chain(cred.der(), cred.sub_cas_der(), [root], leaf_dc=dc).response_code == "OK"
    chain = x509.load_pem_x509_certificates((v2glab_pki / "secc_chain.pem").read_bytes())
    assert [common_name(c) for c in chain] == ["DEV2GE12345", "CPO Sub-CA 2", "CPO Sub-CA 1"]
    assert (v2glab_pki / "ev_trust" / "v2g_root.pem").read_bytes() == (v2glab_pki / "v2g_root.pem").read_bytes()


def test_emaid_and_secc_id_are_chosen(tmp_path: Path) -> None:
    init_pki(tmp_path, secc_id="DEXYZE0001", emaid="NLABC123456789X")
    pki = load_pki(tmp_path)
    assert pki.emaid == "NLABC123456789X" and common_name(pki.secc.certificate) == "DEXYZE0001"
    assert BY_STEM["secc_leaf"].days == 60  # the SECC leaf is short-lived, as in the public test PKIs
