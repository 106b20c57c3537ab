"""Certificate chain checks: every fault gives its ISO 15118-2 response code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from v2glab.pki import init_pki, load_pki
from v2glab.pki.build import issue, name
from v2glab.pnc import PnCError, Revocations, check_chain

NOW = dt.datetime.now(dt.timezone.utc)
CONTRACT_USAGE = ("digital_signature", "content_commitment", "key_encipherment", "key_agreement")


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def pki(v2glab_pki: Path):
    return load_pki(v2glab_pki)


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("other-pki")
    init_pki(path)
    return load_pki(path)


def contract(pki, cn: str = "DEV2GC000000001", *, start: dt.datetime | None = None, days: int = 730, ca: bool = False,
             dc: str = "MO", signer: ec.EllipticCurvePrivateKey | None = None) -> x509.Certificate:
    start = start or NOW - dt.timedelta(days=1)
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = pki.mo_sub_ca2
    return issue(name(cn, dc), key.public_key(), issuer.certificate.subject, signer or issuer.key, ca=ca, path_length=0 if ca else None,
                 usage=("key_cert_sign",) if ca else CONTRACT_USAGE, not_before=start, not_after=start + dt.timedelta(days=days))


def subs(pki) -> list[bytes]:
    return [der(pki.mo_sub_ca2.certificate), *(der(c) for c in pki.mo_sub_ca2.sub_cas)]


def code_of(fn) -> str:
    with pytest.raises(PnCError) as caught:
        fn()
    return caught.value.response_code


def test_good_contract_chain(pki) -> None:
    result = check_chain(der(pki.contract.certificate), subs(pki), [pki.mo_root], emaid="DEV2GC000000001")
    assert result.response_code == "OK" and result.root == pki.mo_root
    assert result.sub_cas == (pki.mo_sub_ca2.certificate, *pki.mo_sub_ca2.sub_cas)
    # Sub-CAs in the other order are accepted too; eMAID comparison ignores case and '-'
    assert check_chain(der(pki.contract.certificate), subs(pki)[::-1], [pki.mo_root], emaid="dev2gc000000001").response_code == "OK"


def test_expires_soon(pki) -> None:
    leaf = contract(pki, days=15)
    assert check_chain(der(leaf), subs(pki), [pki.mo_root]).response_code == "OK_CertificateExpiresSoon"


@pytest.mark.parametrize("fault", ["garbage", "no_sub_ca", "three_sub_cas", "foreign_sub_ca", "bad_signature", "untrusted_root",
                                   "leaf_is_ca", "wrong_emaid", "wrong_dc"])
def test_cert_chain_error(pki, other, fault: str) -> None:
    leaf, chain, roots, kw = der(pki.contract.certificate), subs(pki), [pki.mo_root], {"emaid": "DEV2GC000000001"}
    if fault == "garbage":
        leaf = b"\x30\x03\x02\x01\x00"
    elif fault == "no_sub_ca":
        chain = []
    elif fault == "three_sub_cas":
        chain = chain + [der(pki.mo_root)]
    elif fault == "foreign_sub_ca":
        chain = [der(other.mo_sub_ca2.certificate), *chain[1:]]
    elif fault == "bad_signature":
        leaf = der(contract(pki, signer=ec.generate_private_key(ec.SECP256R1())))
    elif fault == "untrusted_root":
        roots = [other.mo_root]
    elif fault == "leaf_is_ca":
        leaf = der(contract(pki, ca=True))
    elif fault == "wrong_emaid":
        kw = {"emaid": "DEV2GC000000002"}
    elif fault == "wrong_dc":
        kw = {"leaf_dc": "CPS"}
    assert code_of(lambda: check_chain(leaf, chain, roots, **kw)) == "FAILED_CertChainError"


def test_pathlen_is_enforced(pki, v2glab_pki: Path) -> None:
    # Sub-CA 1 with pathlen 0 under the MO root, yet it issues Sub-CA 2, which issues the leaf
    root_key = serialization.load_pem_private_key((v2glab_pki / "mo_root.key").read_bytes(), None)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    start, end = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=30)
    sub1 = issue(name("MO Sub-CA 1b", "MO"), keys[0].public_key(), pki.mo_root.subject, root_key, ca=True, path_length=0,
                 usage=("key_cert_sign",), not_before=start, not_after=end)
    sub2 = issue(name("MO Sub-CA 2b", "MO"), keys[1].public_key(), sub1.subject, keys[0], ca=True, path_length=0,
                 usage=("key_cert_sign",), not_before=start, not_after=end)
    leaf = issue(name("DEV2GC000000001", "MO"), keys[2].public_key(), sub2.subject, keys[1], ca=False, path_length=None,
                 usage=CONTRACT_USAGE, not_before=start, not_after=end)
    with pytest.raises(PnCError, match="pathlen 0 but 1") as caught:
        check_chain(der(leaf), [der(sub2), der(sub1)], [pki.mo_root])
    assert caught.value.response_code == "FAILED_CertChainError"


def test_no_root_at_all(pki) -> None:
    assert code_of(lambda: check_chain(der(pki.contract.certificate), subs(pki), [])) == "FAILED_NoCertificateAvailable"


@pytest.mark.parametrize("when", ["expired", "not_yet_valid", "checked_later"])
def test_certificate_expired(pki, when: str) -> None:
    leaf, now = pki.contract.certificate, None
    if when == "expired":
        leaf = contract(pki, start=NOW - dt.timedelta(days=40), days=30)
    elif when == "not_yet_valid":  # [V2G2-824] via Josev: not yet valid is answered the same way
        leaf = contract(pki, start=NOW + dt.timedelta(days=2))
    else:  # Sub-CA 2 and the leaf are long expired at that time
        now = NOW + dt.timedelta(days=3000)
    assert code_of(lambda: check_chain(der(leaf), subs(pki), [pki.mo_root], now=now)) == "FAILED_CertificateExpired"


def test_certificate_revoked_by_crl_or_serial(pki, tmp_path: Path) -> None:
    leaf = pki.contract.certificate
    issuer = pki.mo_sub_ca2
    crl = (x509.CertificateRevocationListBuilder().issuer_name(issuer.certificate.subject).last_update(NOW).next_update(NOW + dt.timedelta(days=1))
           .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(leaf.serial_number).revocation_date(NOW).build())
           .sign(issuer.key, hashes.SHA256()))
    run = lambda rev: check_chain(der(leaf), subs(pki), [pki.mo_root], revocations=rev)  # noqa: E731
    assert code_of(lambda: run(Revocations(crls=(crl,)))) == "FAILED_CertificateRevoked"
    assert code_of(lambda: run(Revocations(serials=frozenset({issuer.certificate.serial_number})))) == "FAILED_CertificateRevoked"
    # a CRL signed by someone else is ignored
    forged = (x509.CertificateRevocationListBuilder().issuer_name(issuer.certificate.subject).last_update(NOW).next_update(NOW + dt.timedelta(days=1))
              .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(leaf.serial_number).revocation_date(NOW).build())
              .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()))
    assert run(Revocations(crls=(forged,))).response_code == "OK"


def test_contract_canceled(pki) -> None:
    bad_syntax = contract(pki, cn="not an emaid!!")
    assert code_of(lambda: check_chain(der(bad_syntax), subs(pki), [pki.mo_root], emaid="not an emaid!!")) == "FAILED_ContractCanceled"
    assert code_of(lambda: check_chain(der(pki.contract.certificate), subs(pki), [pki.mo_root], emaid="DEV2GC000000001",
                                       canceled_emaids=["dev2gc000000001"])) == "FAILED_ContractCanceled"
