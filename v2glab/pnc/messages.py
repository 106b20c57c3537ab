"""Plug & Charge steps of ISO 15118-2, both sides, as pure functions over message contents.

Contents are the codec's trees (``exi`` dicts) of a message body element; signatures
are the header's ``Signature`` tree. Every check raises ``PnCError`` carrying the
response code the SECC answers with; the EV side raises it too (the EV then stops).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..pki import Credential
from ..pki.build import issue, name
from . import certs, keys, signature
from .errors import (
    FAILED, FAILED_CERT_CHAIN_ERROR, FAILED_CERTIFICATE_EXPIRED, FAILED_CHALLENGE_INVALID, FAILED_METERING_SIGNATURE_NOT_VALID,
    FAILED_NO_CERTIFICATE_AVAILABLE, OK, OK_CERTIFICATE_EXPIRES_SOON, PnCError,
)

GEN_CHALLENGE_LENGTH = 16  # genChallengeType [V2G2-475]
# Josev's short Ids for the four signed parts of Certificate*Res (ISO 15118-2 Annex J uses short Ids too)
RES_IDS = ("id1", "id2", "id3", "id4")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def chain_tree(leaf: x509.Certificate, sub_cas: Sequence[x509.Certificate], element_id: str | None = None) -> dict[str, Any]:
    """A CertificateChainType content: Certificate, SubCertificates (closest first)."""
    tree: dict[str, Any] = {}
    if element_id is not None:
        tree["@Id"] = element_id
    tree["Certificate"] = _der(leaf)
    if sub_cas:
        tree["SubCertificates"] = {"Certificate": [_der(c) for c in sub_cas]}
    return tree


def chain_ders(tree: Any) -> tuple[bytes, list[bytes]]:
    """(leaf, Sub-CAs) of a received CertificateChainType content."""
    if not isinstance(tree, dict) or "Certificate" not in tree:
        raise PnCError(FAILED_CERT_CHAIN_ERROR, "no certificate chain in the message")
    subs = tree.get("SubCertificates", {}).get("Certificate", [])
    return tree["Certificate"], list(subs if isinstance(subs, list) else [subs])


def _text(value: Any) -> Any:
    return value.get("#text") if isinstance(value, dict) else value


def root_certificate_ids(roots: Iterable[x509.Certificate]) -> dict[str, Any]:
    """ListOfRootCertificateIDs: issuer name and serial of each root the EV trusts."""
    return {"RootCertificateID": [{"X509IssuerName": r.issuer.rfc4514_string(), "X509SerialNumber": r.serial_number} for r in roots]}


# ---------------------------------------------------------------------------------- SECC side
def new_gen_challenge() -> bytes:
    """A fresh random GenChallenge: PaymentDetailsRes [V2G2-475], and -20's AuthorizationSetupRes (same 16-byte type)."""
    return os.urandom(GEN_CHALLENGE_LENGTH)


def check_payment_details(req: dict[str, Any], roots: Iterable[x509.Certificate], *, now: dt.datetime | None = None,
                          revocations: certs.Revocations | None = None, canceled_emaids: Iterable[str] = ()) -> certs.ChainResult:
    """PaymentDetailsReq: the contract chain to a trusted root (MO or V2G), its eMAID = the request's."""
    leaf, subs = chain_ders(req.get("ContractSignatureCertChain"))
    return certs.check_chain(leaf, subs, roots, now=now, emaid=_text(req.get("eMAID", "")), revocations=revocations,
                             canceled_emaids=canceled_emaids)


def check_authorization(req: dict[str, Any], sig: Any, challenge: bytes | None, contract_key: ec.EllipticCurvePublicKey) -> None:
    """AuthorizationReq (PnC): the GenChallenge sent in PaymentDetailsRes [V2G2-697], signed by the contract key."""
    received = req.get("GenChallenge")
    if challenge is None or received is None or len(received) != GEN_CHALLENGE_LENGTH or received != challenge:
        raise PnCError(FAILED_CHALLENGE_INVALID, "GenChallenge missing or not the one sent in PaymentDetailsRes")
    signature.verify(sig, [("AuthorizationReq", req)], contract_key)


def check_metering_receipt(req: dict[str, Any], sig: Any, contract_key: ec.EllipticCurvePublicKey,
                           meter_reading: int | None = None) -> None:
    """MeteringReceiptReq: signed by the contract key; with ``meter_reading``, it must be the value the SECC sent."""
    signature.verify(sig, [("MeteringReceiptReq", req)], contract_key, failure=FAILED_METERING_SIGNATURE_NOT_VALID)
    if meter_reading is not None and req.get("MeterInfo", {}).get("MeterReading") != meter_reading:
        raise PnCError(FAILED_METERING_SIGNATURE_NOT_VALID, "MeterInfo.MeterReading is not the value the SECC sent")


@dataclass(frozen=True)
class Provisioning:
    """What the SECC needs to answer CertificateInstallation/Update (standing in for the CPS and MO backends)."""

    cps: Credential | None  # CPS leaf with its key and Sub-CAs: signs the response
    mo_issuer: Credential | None  # MO Sub-CA 2 with its key: issues the new contract certificate
    contract: Credential | None = None  # fallback when no issuer key: hand out this contract (cert + key)
    emaid: str | None = None  # eMAID of a newly issued contract (default: the fallback contract's)
    oem_issuers: tuple[x509.Certificate, ...] = ()  # OEM Sub-CAs 2 the SECC knows: OEMProvisioningCert must come from one
    mo_roots: tuple[x509.Certificate, ...] = ()  # CertificateUpdateReq: the current contract chain's roots
    contract_days: int = 730


def _new_contract(p: Provisioning, emaid: str | None, now: dt.datetime) -> Credential:
    if p.mo_issuer is not None and p.mo_issuer.key is not None:
        emaid = emaid or p.emaid or (certs.common_name(p.contract.certificate) if p.contract else None)
        if not emaid:
            raise PnCError(FAILED_NO_CERTIFICATE_AVAILABLE, "no eMAID to issue a contract certificate for")
        key = ec.generate_private_key(ec.SECP256R1())
        issuer = p.mo_issuer.certificate
        dc = certs.domain_component(issuer) or "MO"
        cert = issue(name(emaid, dc), key.public_key(), issuer.subject, p.mo_issuer.key, ca=False, path_length=None,
                     usage=("digital_signature", "content_commitment", "key_encipherment", "key_agreement"),
                     not_before=now - dt.timedelta(minutes=5), not_after=now + dt.timedelta(days=p.contract_days))
        return Credential(cert, key, (issuer, *p.mo_issuer.sub_cas))
    if p.contract is not None and p.contract.key is not None:
        return p.contract
    raise PnCError(FAILED_NO_CERTIFICATE_AVAILABLE, "no contract certificate to provision (no MO Sub-CA 2 key, no contract)")


def _provisioning_res(p: Provisioning, recipient: ec.EllipticCurvePublicKey, emaid: str | None, now: dt.datetime) -> tuple[dict, dict, Credential]:
    if p.cps is None or p.cps.key is None:
        raise PnCError(FAILED_NO_CERTIFICATE_AVAILABLE, "no CPS certificate and key to sign the response")
    contract = _new_contract(p, emaid, now)
    assert contract.key is not None
    encrypted, dh_public = keys.encrypt_contract_key(contract.key, recipient)
    body = {
        "ResponseCode": OK,
        "SAProvisioningCertificateChain": chain_tree(p.cps.certificate, p.cps.sub_cas),
        "ContractSignatureCertChain": chain_tree(contract.certificate, contract.sub_cas, RES_IDS[0]),
        "ContractSignatureEncryptedPrivateKey": {"@Id": RES_IDS[1], "#text": encrypted},
        "DHpublickey": {"@Id": RES_IDS[2], "#text": dh_public},
        "eMAID": {"@Id": RES_IDS[3], "#text": certs.common_name(contract.certificate)},
    }
    return body, signature.sign(signed_parts(body), p.cps.key), contract


def signed_parts(res: dict[str, Any]) -> list[signature.SignedElement]:
    """The four elements a CertificateInstallationRes / CertificateUpdateRes signature covers."""
    return [(name, res[name]) for name in ("ContractSignatureCertChain", "ContractSignatureEncryptedPrivateKey", "DHpublickey", "eMAID")]


def certificate_installation_res(req: dict[str, Any], sig: Any, p: Provisioning, *, now: dt.datetime | None = None) -> tuple[dict, dict, Credential]:
    """Answer a CertificateInstallationReq: (body, header Signature, the contract handed out).

    Checks: OEMProvisioningCert parses and is valid (FAILED_CertificateExpired), is an OEM
    certificate (DC=OEM; FAILED, as RISE: no CertChainError for this message), is issued by
    one of ``oem_issuers`` when the SECC knows any (FAILED), and signed the request
    (FAILED_SignatureError). The new contract key is encrypted for its public key.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    oem = certs.parse(req.get("OEMProvisioningCert", b""), "OEMProvisioningCert")
    if not (oem.not_valid_before_utc <= now <= oem.not_valid_after_utc):
        raise PnCError(FAILED_CERTIFICATE_EXPIRED, "OEMProvisioningCert is outside its validity period")
    if (certs.domain_component(oem) or "OEM").upper() != "OEM":
        raise PnCError(FAILED, f"OEMProvisioningCert has domainComponent {certs.domain_component(oem)!r}, not OEM")
    public = oem.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise PnCError(FAILED, "OEMProvisioningCert has no EC public key")
    if p.oem_issuers and not any(certs.issued_by(oem, issuer) for issuer in p.oem_issuers):
        raise PnCError(FAILED, f"OEMProvisioningCert is not issued by a known OEM Sub-CA ({oem.issuer.rfc4514_string()})")
    signature.verify(sig, [("CertificateInstallationReq", req)], public)
    return _provisioning_res(p, public, None, now)


def certificate_update_res(req: dict[str, Any], sig: Any, p: Provisioning, *, now: dt.datetime | None = None,
                           revocations: certs.Revocations | None = None) -> tuple[dict, dict, Credential]:
    """Answer a CertificateUpdateReq: the current contract chain is checked (chain codes, eMAID),
    the request's signature verified with it, the new key encrypted for the current contract key."""
    now = now or dt.datetime.now(dt.timezone.utc)
    leaf, subs = chain_ders(req.get("ContractSignatureCertChain"))
    chain = certs.check_chain(leaf, subs, p.mo_roots, now=now, emaid=_text(req.get("eMAID", "")), revocations=revocations)
    signature.verify(sig, [("CertificateUpdateReq", req)], chain.public_key)
    return _provisioning_res(p, chain.public_key, _text(req.get("eMAID")), now)


# ---------------------------------------------------------------------------------- EV side
def certificate_installation_req(oem: Credential, roots: Iterable[x509.Certificate], element_id: str = "ID1") -> tuple[dict, dict]:
    """CertificateInstallationReq and its Signature (OEM provisioning key)."""
    if oem.key is None:
        raise PnCError(FAILED, "no OEM provisioning key to sign CertificateInstallationReq")
    body = {"@Id": element_id, "OEMProvisioningCert": _der(oem.certificate), "ListOfRootCertificateIDs": root_certificate_ids(roots)}
    return body, signature.sign([("CertificateInstallationReq", body)], oem.key)


def certificate_update_req(contract: Credential, roots: Iterable[x509.Certificate], element_id: str = "ID1") -> tuple[dict, dict]:
    """CertificateUpdateReq and its Signature (the current contract key)."""
    if contract.key is None:
        raise PnCError(FAILED, "no contract key to sign CertificateUpdateReq")
    body = {"@Id": element_id, "ContractSignatureCertChain": chain_tree(contract.certificate, contract.sub_cas, "ID2"),
            "eMAID": certs.common_name(contract.certificate), "ListOfRootCertificateIDs": root_certificate_ids(roots)}
    return body, signature.sign([("CertificateUpdateReq", body)], contract.key)


def accept_provisioning_res(res: dict[str, Any], sig: Any, v2g_roots: Iterable[x509.Certificate], own_key: ec.EllipticCurvePrivateKey, *,
                            now: dt.datetime | None = None) -> Credential:
    """The EV checks a CertificateInstallationRes / CertificateUpdateRes and returns the new contract.

    The CPS chain must lead to a V2G root (DC=CPS on its leaf), the signature over the four
    parts must verify with the CPS leaf, and the key (decrypted with ``own_key``: the OEM
    provisioning key for an installation, the current contract key for an update) must
    belong to the new contract certificate.
    """
    if res.get("ResponseCode") not in (OK, OK_CERTIFICATE_EXPIRES_SOON):
        raise PnCError(res.get("ResponseCode", FAILED), "the SECC did not provision a contract")
    leaf, subs = chain_ders(res.get("SAProvisioningCertificateChain"))
    cps = certs.check_chain(leaf, subs, v2g_roots, now=now, leaf_dc="CPS")
    signature.verify(sig, signed_parts(res), cps.public_key)
    contract_leaf, contract_subs = chain_ders(res["ContractSignatureCertChain"])
    contract = certs.parse(contract_leaf, "the new contract certificate")
    if _text(res["eMAID"]) != certs.common_name(contract):
        raise PnCError(FAILED, "the eMAID of the response is not the new contract certificate's")
    public = contract.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    key = keys.decrypt_contract_key(_text(res["ContractSignatureEncryptedPrivateKey"]), _text(res["DHpublickey"]), own_key, expected=public)
    return Credential(contract, key, tuple(certs.parse(d, "a contract Sub-CA") for d in contract_subs))


def payment_details_req(contract: Credential) -> dict[str, Any]:
    return {"eMAID": certs.common_name(contract.certificate), "ContractSignatureCertChain": chain_tree(contract.certificate, contract.sub_cas)}


def authorization_req(challenge: bytes, contract_key: ec.EllipticCurvePrivateKey, element_id: str = "ID1") -> tuple[dict, dict]:
    """AuthorizationReq (PnC) with the challenge of PaymentDetailsRes, and its Signature (contract key)."""
    body = {"@Id": element_id, "GenChallenge": challenge}
    return body, signature.sign([("AuthorizationReq", body)], contract_key)


def sign_metering_receipt(req: dict[str, Any], contract_key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    """The Signature of a MeteringReceiptReq (which needs its @Id)."""
    return signature.sign([("MeteringReceiptReq", req)], contract_key)
