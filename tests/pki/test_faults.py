"""Each faulty contract gives the answer its table promises, and nothing else is wrong with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from v2glab.errors import V2GError
from v2glab.pki import load_pki
from v2glab.pki.faults import FAULTS, contract_fault, revocation_list
from v2glab.pnc import PnCError, Revocations
from v2glab.pnc import messages as m

EXPECTED = {
    "expired": "FAILED_CertificateExpired", "not_yet_valid": "FAILED_CertificateExpired", "untrusted": "FAILED_CertChainError",
    "revoked": "FAILED_CertificateRevoked", "wrong_emaid": "FAILED_CertChainError", "wrong_signature": "FAILED_CertChainError",
    "bad_emaid_syntax": "FAILED_ContractCanceled",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_gives_its_code(v2glab_pki: Path, fault: str) -> None:
    pki = load_pki(v2glab_pki)
    bad = contract_fault(pki, fault)
    assert bad.key.public_key() == bad.certificate.public_key()
    req = m.payment_details_req(bad)
    if fault == "wrong_emaid":
        req["eMAID"] = pki.emaid  # the EV claims its real contract but presents another certificate
    revocations = Revocations(crls=(revocation_list(pki, [bad.certificate]),)) if fault == "revoked" else None
    with pytest.raises(PnCError) as caught:
        m.check_payment_details(req, [pki.mo_root], revocations=revocations)
    assert caught.value.response_code == EXPECTED[fault]
    if fault == "revoked":  # without the list the same chain is good
        assert m.check_payment_details(req, [pki.mo_root]).response_code == "OK"


def test_unknown_fault(v2glab_pki: Path) -> None:
    with pytest.raises(V2GError, match="unknown contract fault 'x'; known: expired"):
        contract_fault(load_pki(v2glab_pki), "x")


def test_a_crl_in_the_pki_folder_is_loaded(v2glab_pki: Path, tmp_path: Path) -> None:
    import shutil

    from cryptography.hazmat.primitives import serialization

    folder = shutil.copytree(v2glab_pki, tmp_path / "pki")
    pki = load_pki(folder)
    other = contract_fault(pki, "wrong_emaid")  # a good leaf of the MO, revoked by a list of our own
    (folder / "crls" / "mo.pem").write_bytes(revocation_list(pki, [other.certificate]).public_bytes(serialization.Encoding.PEM))
    reloaded = load_pki(folder)
    assert len(reloaded.crls) == 2  # pki init's and ours
    with pytest.raises(PnCError) as caught:
        m.check_payment_details(m.payment_details_req(other), [pki.mo_root], revocations=Revocations(crls=reloaded.crls))
    assert caught.value.response_code == "FAILED_CertificateRevoked"


def test_pki_init_revokes_the_revoked_fault_and_nothing_else(v2glab_pki: Path) -> None:
    """The serial of the revoked fault is fixed per MO Sub-CA 2, so a fault made later is on the CRL pki init wrote."""
    pki = load_pki(v2glab_pki)
    assert len(pki.crls) == 1 and pki.crls[0].issuer == pki.mo_sub_ca2.certificate.subject
    revocations = Revocations(crls=pki.crls)
    bad = contract_fault(pki, "revoked")
    assert bad.certificate.serial_number == contract_fault(pki, "revoked").certificate.serial_number
    with pytest.raises(PnCError) as caught:
        m.check_payment_details(m.payment_details_req(bad), [pki.mo_root], revocations=revocations)
    assert caught.value.response_code == "FAILED_CertificateRevoked"
    assert m.check_payment_details(m.payment_details_req(pki.contract), [pki.mo_root], revocations=revocations).response_code == "OK"


@pytest.mark.parametrize(("fault", "reason"), [
    ("untrusted", "is not issued by a trusted root"), ("expired", "expired"), ("not_yet_valid", "is not valid before"),
    ("wrong_dc", "domainComponent is 'CPO', not 'CPS'"),
])
def test_each_provisioning_fault_is_refused_by_the_evs_check(v2glab_pki: Path, fault: str, reason: str) -> None:
    from v2glab.pki.faults import provisioning_fault
    from v2glab.pnc import certs

    pki = load_pki(v2glab_pki)
    bad = provisioning_fault(pki, fault)
    with pytest.raises(PnCError) as caught:
        certs.check_chain(bad.der(), bad.sub_cas_der(), [pki.v2g_root], leaf_dc="CPS")
    assert reason in caught.value.reason
    good = certs.check_chain(pki.cps.der(), pki.cps.sub_cas_der(), [pki.v2g_root], leaf_dc="CPS")  # the PKI's own passes
    assert good.response_code == "OK"
    with pytest.raises(V2GError, match="unknown cps_leaf fault"):
        provisioning_fault(pki, "revoked")


@pytest.mark.parametrize(("fault", "code"), [
    ("expired", "FAILED_CertificateExpired"), ("not_yet_valid", "FAILED_CertificateExpired"), ("untrusted", "FAILED"), ("wrong_dc", "FAILED"),
])
def test_each_oem_fault_is_refused_in_certificate_installation(v2glab_pki: Path, fault: str, code: str) -> None:
    from v2glab.pki.faults import oem_fault

    pki = load_pki(v2glab_pki)
    bad = oem_fault(pki, fault)
    req, sig = m.certificate_installation_req(bad, [pki.v2g_root])  # signed with its own key: only the certificate is wrong
    provisioning = m.Provisioning(cps=pki.cps, mo_issuer=pki.mo_sub_ca2, contract=pki.contract, oem_issuers=(pki.oem.sub_cas[0],))
    with pytest.raises(PnCError) as caught:
        m.certificate_installation_res(req, sig, provisioning)
    assert caught.value.response_code == code
    good_req, good_sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    assert m.certificate_installation_res(good_req, good_sig, provisioning)[0]["ResponseCode"] == "OK"
