"""Faults in signed messages: each breaks the signature check at exactly one step, and re-signing finds the signed elements."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import v2g_message
from v2glab import exi
from v2glab.pki import load_pki
from v2glab.pnc import PnCError, faults, signature
from v2glab.pnc import messages as m


@pytest.fixture()
def installation_res(v2glab_pki: Path) -> tuple[exi.Message, object]:
    """A CertificateInstallationRes as v2glab's charger signs it (four References), and the CPS public key."""
    pki = load_pki(v2glab_pki)
    req, req_sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    body, sig, _contract = m.certificate_installation_res(req, req_sig, m.Provisioning(cps=pki.cps, mo_issuer=pki.mo_sub_ca2, contract=pki.contract))
    message = v2g_message(bytes(8), "CertificateInstallationRes", body)
    message.content["Header"]["Signature"] = sig
    return message, pki


def _verify(message: exi.Message, key: object) -> None:
    signature.verify(faults.header_signature(message), m.signed_parts(message.body), key)


def test_signed_elements_are_found_by_their_ids(installation_res: tuple) -> None:
    message, pki = installation_res
    paths = faults.signed_paths(message)
    assert paths == [("ContractSignatureCertChain",), ("ContractSignatureEncryptedPrivateKey",), ("DHpublickey",), ("eMAID",)]
    assert [name for name, _ in faults.elements_at(message, paths)] == [name for name, _ in m.signed_parts(message.body)]
    _verify(message, pki.cps.certificate.public_key())


@pytest.mark.parametrize(("fault", "reason"), [
    (faults.corrupt_signature, "SignatureValue does not verify"),
    (lambda msg: faults.corrupt_digest(msg, None), "digest of ContractSignatureCertChain (#id1) does not match"),
    (faults.omit_signature, "no Signature"),
    (lambda msg: faults.resign(msg, faults.other_key()), "SignatureValue does not verify"),
])
def test_each_fault_fails_the_check(installation_res: tuple, fault: object, reason: str) -> None:
    message, pki = installation_res
    assert fault(message)
    with pytest.raises(PnCError) as caught:
        _verify(message, pki.cps.certificate.public_key())
    assert caught.value.response_code == "FAILED_SignatureError" and reason in caught.value.reason


def test_corrupt_digest_with_the_key_leaves_only_the_digest_wrong(installation_res: tuple) -> None:
    message, pki = installation_res
    info_before = exi.encode_fragment("SignedInfo", faults.header_signature(message)["SignedInfo"], schema="xmldsig")
    assert faults.corrupt_digest(message, pki.cps.key)
    sig = faults.header_signature(message)
    # SignatureValue verifies over the changed SignedInfo: only the digest comparison fails
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    value = sig["SignatureValue"]
    canonical = exi.encode_fragment("SignedInfo", sig["SignedInfo"], schema="xmldsig")
    assert canonical != info_before
    pki.cps.certificate.public_key().verify(encode_dss_signature(int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")),
                                            canonical, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(PnCError, match="digest of ContractSignatureCertChain"):
        _verify(message, pki.cps.certificate.public_key())


def test_resign_follows_a_changed_element_and_breaks_no_facet_check(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    body, sig = m.authorization_req(bytes(16), pki.contract.key)
    message = v2g_message(bytes(8), "AuthorizationReq", body)
    message.content["Header"]["Signature"] = sig
    paths = faults.signed_paths(message)
    assert paths == [()]
    body["@Id"], body["GenChallenge"] = "X9", bytes(15)  # a new Id, and 15 bytes: genChallengeType wants 16
    assert faults.signed_paths(message) is None  # the old Reference points nowhere now
    assert faults.resign(message, pki.contract.key, paths)  # digested as it is, without the facet checks
    reference = faults.header_signature(message)["SignedInfo"]["Reference"][0]
    assert reference["@URI"] == "#X9" and reference["DigestValue"] == signature.digest("AuthorizationReq", body, validate=False)
    body["GenChallenge"] = bytes(range(16))
    assert faults.resign(message, pki.contract.key)  # now by the Reference's Id
    signature.verify(faults.header_signature(message), [("AuthorizationReq", body)], pki.contract.certificate.public_key())


def test_replace_chain_keeps_the_id(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    from v2glab.pki.faults import contract_fault

    body = {"ContractSignatureCertChain": m.chain_tree(pki.contract.certificate, pki.contract.sub_cas, "ID2")}
    bad = contract_fault(pki, "expired")
    assert faults.replace_chain(body, "ContractSignatureCertChain", bad) == pki.contract.der()
    assert body["ContractSignatureCertChain"]["@Id"] == "ID2" and body["ContractSignatureCertChain"]["Certificate"] == bad.der()


def test_gen_challenge_faults() -> None:
    received = bytes(range(16))
    assert faults.gen_challenge("wrong", received, None) not in (received, None)
    assert len(faults.gen_challenge("wrong", received, None)) == 16
    assert faults.gen_challenge("stale", received, b"E" * 16) == b"E" * 16
    assert faults.gen_challenge("short", received, None) == received[:15]
    assert faults.gen_challenge("zero", received, None) == bytes(16)
    assert faults.gen_challenge("missing", received, None) is None
    with pytest.raises(ValueError, match="earlier session"):
        faults.gen_challenge("stale", received, None)
    with pytest.raises(ValueError, match="unknown"):
        faults.gen_challenge("late", received, None)


def test_unsigned_messages_are_left_alone() -> None:
    message = v2g_message(bytes(8), "PaymentDetailsReq", {"eMAID": "DEV2GC000000001"})
    assert not faults.corrupt_signature(message) and not faults.omit_signature(message)
    assert not faults.corrupt_digest(message, None) and not faults.resign(message, faults.other_key())
