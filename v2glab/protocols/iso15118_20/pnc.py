"""Plug & Charge authorization of ISO 15118-20, both sides, as pure functions over message contents.

-20 has no PaymentDetails: AuthorizationSetupRes carries the GenChallenge in
``PnC_ASResAuthorizationMode``, and AuthorizationReq carries ``PnC_AReqAuthorizationMode``
(@Id, GenChallenge, ContractCertificateChain), the element the Header's Signature
references. Its digest is the SHA-256 of its EXI fragment in the CommonMessages grammar,
signed with ECDSA P-256 / SHA-256 as in ISO 15118-2 (what Josev does;
``../shared/docs/iso15118-20-behaviour.md`` §1, §8). The xmldsig and chain primitives are
``v2glab.pnc``'s.

The SECC's checks, in this order, and its AuthorizationRes code when one fails (the values of
``responseCodeType`` in ``V2G_CI_CommonTypes.xsd``; -20 has no FAILED_CertChainError,
FAILED_CertificateExpired or FAILED_ChallengeInvalid):

=======================================================  ====================================
the leaf certificate parses, the element has an @Id       WARNING_CertificateValidationError
Signature over PnC_AReqAuthorizationMode, contract key    FAILED_SignatureError (as Josev)
GenChallenge = the one of AuthorizationSetupRes           WARNING_ChallengeInvalid (as Josev)
there is an MO (or V2G) root to check the chain against   WARNING_GeneralPnCAuthorizationError
chain structure, issuers, CA rules, trusted root          WARNING_CertificateValidationError
a certificate is not yet valid / has expired              WARNING_CertificateNotYetValid /
                                                          WARNING_CertificateExpired
a certificate is on a revocation list                     WARNING_CertificateRevoked
good, but a certificate expires within 21 days            OK_CertificateExpiresSoon
=======================================================  ====================================

A WARNING ends the authorization, not the session (stop only on FAILED, §4): the EV may try
again or stop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from ...pki import Credential
from ...pnc import PnCError, Revocations, certs, signature
from ...pnc.errors import (
    FAILED_CERT_CHAIN_ERROR, FAILED_CERTIFICATE_EXPIRED, FAILED_CERTIFICATE_REVOKED, FAILED_NO_CERTIFICATE_AVAILABLE,
    FAILED_SIGNATURE_ERROR,
)
from ...pnc.messages import chain_ders, chain_tree, new_gen_challenge  # 16 random bytes, as -2's genChallengeType

SCHEMA = "iso15118-20-CommonMessages"  # the grammar of every signed -20 element's fragment (Josev)
ELEMENT = "PnC_AReqAuthorizationMode"
MAX_SUB_CAS = 3  # SubCertificatesType: Certificate maxOccurs 3

# responseCodeType (V2G_CI_CommonTypes.xsd) values of AuthorizationRes under PnC
OK = "OK"
OK_CERTIFICATE_EXPIRES_SOON = "OK_CertificateExpiresSoon"
WARNING_CERTIFICATE_EXPIRED = "WARNING_CertificateExpired"
WARNING_CERTIFICATE_NOT_YET_VALID = "WARNING_CertificateNotYetValid"
WARNING_CERTIFICATE_REVOKED = "WARNING_CertificateRevoked"
WARNING_CERTIFICATE_VALIDATION_ERROR = "WARNING_CertificateValidationError"
WARNING_CHALLENGE_INVALID = "WARNING_ChallengeInvalid"
WARNING_GENERAL_PNC_AUTHORIZATION_ERROR = "WARNING_GeneralPnCAuthorizationError"
# the codes that refuse a PnC authorization without ending the session (the sequence table's row)
REFUSALS = (WARNING_CERTIFICATE_EXPIRED, WARNING_CERTIFICATE_NOT_YET_VALID, WARNING_CERTIFICATE_REVOKED,
            WARNING_CERTIFICATE_VALIDATION_ERROR, WARNING_CHALLENGE_INVALID, WARNING_GENERAL_PNC_AUTHORIZATION_ERROR,
            "WARNING_eMSPUnknown", "WARNING_AuthorizationSelectionInvalid", "WARNING_EIMAuthorizationFailure")

# the -2 chain codes of v2glab.pnc.certs, as -20 names them (FAILED_CertificateExpired is split below)
_CHAIN_CODES = {
    FAILED_CERT_CHAIN_ERROR: WARNING_CERTIFICATE_VALIDATION_ERROR,
    FAILED_CERTIFICATE_REVOKED: WARNING_CERTIFICATE_REVOKED,
    FAILED_NO_CERTIFICATE_AVAILABLE: WARNING_GENERAL_PNC_AUTHORIZATION_ERROR,
}


def setup_mode(challenge: bytes) -> dict[str, Any]:
    """PnC_ASResAuthorizationMode of AuthorizationSetupRes."""
    return {"GenChallenge": challenge}


# ---------------------------------------------------------------------------------- EV side
def authorization_mode(contract: Credential, challenge: bytes, element_id: str = "id1") -> tuple[dict[str, Any], dict[str, Any]]:
    """PnC_AReqAuthorizationMode with the SECC's challenge and the contract chain, and the Header's
    Signature over it (the contract key)."""
    if contract.key is None:
        raise PnCError(FAILED_SIGNATURE_ERROR, "no contract key to sign PnC_AReqAuthorizationMode")
    mode = {"@Id": element_id, "GenChallenge": challenge,
            "ContractCertificateChain": chain_tree(contract.certificate, contract.sub_cas)}
    return mode, signature.sign([(ELEMENT, mode)], contract.key, schema=SCHEMA)


# ---------------------------------------------------------------------------------- SECC side
def verify_signature(mode: dict[str, Any], sig: Any, public_key: ec.EllipticCurvePublicKey) -> None:
    """The Header's Signature over PnC_AReqAuthorizationMode; PnCError(FAILED_SignatureError)."""
    signature.verify(sig, [(ELEMENT, mode)], public_key, schema=SCHEMA)


def _chain_code(exc: PnCError, ders: list[bytes], now: dt.datetime) -> str:
    if exc.response_code != FAILED_CERTIFICATE_EXPIRED:
        return _CHAIN_CODES.get(exc.response_code, WARNING_GENERAL_PNC_AUTHORIZATION_ERROR)
    early = any(now < x509.load_der_x509_certificate(bytes(d)).not_valid_before_utc for d in ders)
    return WARNING_CERTIFICATE_NOT_YET_VALID if early else WARNING_CERTIFICATE_EXPIRED


def check_authorization(mode: Any, sig: Any, challenge: bytes | None, roots: Iterable[x509.Certificate], *,
                        now: dt.datetime | None = None, revocations: Revocations | None = None) -> certs.ChainResult:
    """AuthorizationReq (PnC) at the SECC: signature, challenge, then the contract chain.

    Returns the checked chain (its ``response_code`` OK or OK_CertificateExpiresSoon) or
    raises PnCError carrying the -20 code of the table above.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    if not isinstance(mode, dict) or not mode.get("@Id"):
        raise PnCError(WARNING_CERTIFICATE_VALIDATION_ERROR, f"{ELEMENT} without its @Id")
    try:
        leaf_der, sub_ders = chain_ders(mode.get("ContractCertificateChain"))
        leaf = certs.parse(leaf_der, "the contract certificate")
    except PnCError as exc:
        raise PnCError(WARNING_CERTIFICATE_VALIDATION_ERROR, exc.reason) from None
    public = leaf.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise PnCError(FAILED_SIGNATURE_ERROR, "the contract certificate has no EC public key")
    verify_signature(mode, sig, public)  # first, as Josev: the request is the contract holder's
    received = mode.get("GenChallenge")
    if challenge is None or received != challenge:
        raise PnCError(WARNING_CHALLENGE_INVALID, "GenChallenge is not the one sent in AuthorizationSetupRes")
    try:
        return certs.check_chain(leaf_der, sub_ders, roots, now=now, revocations=revocations, max_sub_cas=MAX_SUB_CAS)
    except PnCError as exc:
        raise PnCError(_chain_code(exc, [leaf_der, *sub_ders], now), exc.reason) from None


__all__ = ["SCHEMA", "ELEMENT", "REFUSALS", "new_gen_challenge", "setup_mode", "authorization_mode", "verify_signature",
           "check_authorization"]
