"""Bad contract chains for negative tests, made from a loaded PKI.

Each fault is a ``Credential`` (certificate, key, Sub-CAs) an EV can present in
PaymentDetailsReq (and sign with), and the response code an SECC should answer:

=================  ==========================================================  =============================
fault              what is wrong                                               SECC answer
=================  ==========================================================  =============================
expired            the leaf expired yesterday                                  FAILED_CertificateExpired
not_yet_valid      the leaf becomes valid tomorrow                             FAILED_CertificateExpired
untrusted          a complete chain under another MO root                      FAILED_CertChainError
revoked            a good leaf whose serial ``revocation_list`` lists           FAILED_CertificateRevoked
wrong_emaid        the leaf's CN is another eMAID than the PKI's               FAILED_CertChainError (if the EV
                                                                                 sends the PKI's eMAID)
wrong_signature    the leaf is signed by a key that is not MO Sub-CA 2's       FAILED_CertChainError
bad_emaid_syntax   the leaf's CN is no eMAID                                   FAILED_ContractCanceled
=================  ==========================================================  =============================
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ..errors import V2GError
from .build import BY_STEM, DEFAULT_EMAID, build, issue, name
from .store import PKI, Credential

FAULTS = ("expired", "not_yet_valid", "untrusted", "revoked", "wrong_emaid", "wrong_signature", "bad_emaid_syntax")


def _leaf(issuer: Credential, signer: ec.EllipticCurvePrivateKey, cn: str, start: dt.datetime, end: dt.datetime) -> Credential:
    key = ec.generate_private_key(ec.SECP256R1())
    p = BY_STEM["contract_leaf"]
    cert = issue(name(cn, p.dc), key.public_key(), issuer.certificate.subject, signer, ca=False, path_length=None, usage=p.usage,
                 not_before=start, not_after=end)
    return Credential(cert, key, (issuer.certificate, *issuer.sub_cas))


def contract_fault(pki: PKI, fault: str, *, now: dt.datetime | None = None) -> Credential:
    """A contract credential with ``fault`` (one of ``FAULTS``), issued under the PKI's MO Sub-CA 2."""
    if pki.mo_sub_ca2 is None or pki.mo_sub_ca2.key is None:
        raise V2GError(f"{pki.directory}: the PKI has no MO Sub-CA 2 key to issue a faulty contract with")
    now = now or dt.datetime.now(dt.timezone.utc)
    emaid = pki.emaid or DEFAULT_EMAID
    issuer, day = pki.mo_sub_ca2, dt.timedelta(days=1)
    if fault == "expired":
        return _leaf(issuer, issuer.key, emaid, now - 30 * day, now - day)
    if fault == "not_yet_valid":
        return _leaf(issuer, issuer.key, emaid, now + day, now + 30 * day)
    if fault in ("revoked", "wrong_emaid", "bad_emaid_syntax"):
        cn = {"revoked": emaid, "wrong_emaid": emaid[:-1] + ("2" if emaid[-1] != "2" else "3"), "bad_emaid_syntax": "not-an-eMAID"}[fault]
        return _leaf(issuer, issuer.key, cn, now - day, now + 365 * day)
    if fault == "wrong_signature":
        return _leaf(issuer, ec.generate_private_key(ec.SECP256R1()), emaid, now - day, now + 365 * day)
    if fault == "untrusted":
        other = build(emaid=emaid)
        cert, key = other["contract_leaf"]
        return Credential(cert, key, (other["mo_sub_ca2"][0], other["mo_sub_ca1"][0]))
    raise V2GError(f"unknown contract fault {fault!r}; known: {', '.join(FAULTS)}")


def revocation_list(pki: PKI, revoked: list[x509.Certificate], *, now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """A CRL by MO Sub-CA 2 that lists ``revoked`` (certificates it issued)."""
    if pki.mo_sub_ca2 is None or pki.mo_sub_ca2.key is None:
        raise V2GError(f"{pki.directory}: the PKI has no MO Sub-CA 2 key to sign a revocation list with")
    now = now or dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(pki.mo_sub_ca2.certificate.subject)
               .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=7)))
    for cert in revoked:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(now).build())
    return builder.sign(pki.mo_sub_ca2.key, hashes.SHA256())


__all__ = ["FAULTS", "contract_fault", "revocation_list"]
