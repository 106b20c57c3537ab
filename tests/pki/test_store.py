"""Reading a PKI: v2glab's layout and the one Josev's create_certs.sh writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from v2glab.pki import PKIError, load_pki
from v2glab.transport.tls import evcc_context, secc_context


def test_v2glab_layout(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    assert pki.layout == "v2glab" and pki.emaid == "DEV2GC000000001"
    for cred in (pki.secc, pki.cps, pki.oem, pki.contract):
        assert cred.key is not None and cred.key.public_key() == cred.certificate.public_key()
        assert len(cred.sub_cas) == 2
    assert pki.mo_sub_ca2.key is not None and pki.mo_sub_ca2.sub_cas == (pki.contract.sub_cas[1],)
    assert pki.roots() == [pki.v2g_root, pki.oem_root, pki.mo_root]
    assert pki.trust_store == v2glab_pki / "ev_trust"
    assert pki.vehicle_tls.chain == v2glab_pki / "vehicle_chain.pem" and pki.vehicle_trust == v2glab_pki / "secc_trust"


def test_josev_layout(josev_pki: Path) -> None:
    pki = load_pki(josev_pki)
    assert pki.layout == "josev" and pki.emaid == "UKSWI123456791A"
    for cred in (pki.secc, pki.cps, pki.oem, pki.contract):
        assert cred.key is not None and cred.key.public_key() == cred.certificate.public_key()
        cred.certificate.verify_directly_issued_by(cred.sub_cas[0])
        cred.sub_cas[-1].verify_directly_issued_by(pki.oem_root if cred is pki.oem else pki.mo_root if cred is pki.contract else pki.v2g_root)
    assert pki.tls is not None and pki.tls.password == b"12345"
    # pointing at iso15118_2/ itself works too
    assert load_pki(josev_pki / "iso15118_2").contract.certificate == pki.contract.certificate
    # the TLS contexts load from it: the SECC's encrypted key, the EV's V2G root
    secc_context(josev_pki)
    assert evcc_context(pki.trust_store).get_ca_certs()
    # mutual TLS as Josev does it: the EV presents the OEM provisioning chain, the SECC trusts the OEM root
    assert pki.vehicle_tls.chain.name == "oemCertChain.pem" and pki.vehicle_tls.password == b"12345"
    vehicle = evcc_context(pki.trust_store, "1.3", "1.3", (pki.vehicle_tls.chain, pki.vehicle_tls.key, pki.vehicle_tls.password))
    assert vehicle.get_ca_certs()
    anchors = secc_context(josev_pki, verify_vehicle=True).get_ca_certs(binary_form=True)
    assert anchors == [pki.oem_root.public_bytes(serialization.Encoding.DER)]


def test_josev_layout_with_another_password(josev_pki: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(josev_pki / "iso15118_2", tmp_path / "iso15118_2")
    (copy / "private_keys" / "contractLeafPassword.txt").write_text("wrong\n")
    with pytest.raises(PKIError, match="contractLeaf.key: cannot read the private key"):
        load_pki(tmp_path)


def test_not_a_pki(tmp_path: Path) -> None:
    with pytest.raises(PKIError, match="no PKI here"):
        load_pki(tmp_path)
    with pytest.raises(PKIError, match="no such folder"):
        load_pki(tmp_path / "missing")
    (tmp_path / "v2g_root.pem").write_text("not a certificate")
    with pytest.raises(PKIError, match="not an X.509 certificate"):
        load_pki(tmp_path)
