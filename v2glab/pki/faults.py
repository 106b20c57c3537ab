"""Bad contract chains for negative tests, made from a loaded PKI.

Each fault is a ``Credential`` (certificate, key, Sub-CAs) an EV can present in
PaymentDetailsReq (and sign with), and the response code an SECC should answer:

=================  ==========================================================  =============================
fault              what is wrong                                               SECC answer
=================  ==========================================================  =============================
expired            the leaf expired yesterday                                  FAILED_CertificateExpired
not_yet_valid      the leaf becomes valid tomorrow                             FAILED_CertificateExpired
untrusted          a complete chain under another MO root                      FAILED_CertChainError
revoked            a good leaf with the serial ``pki init``'s CRL revokes       FAILED_CertificateRevoked
wrong_emaid        the leaf's CN is another eMAID than the PKI's               FAILED_CertChainError (if the EV
                                                                                 sends the PKI's eMAID)
wrong_signature    the leaf is signed by a key that is not MO Sub-CA 2's       FAILED_CertChainError
bad_emaid_syntax   the leaf's CN is no eMAID                                   FAILED_ContractCanceled
=================  ==========================================================  =============================

``provisioning_fault(pki, kind)`` makes the bad CPS chains an SECC can send in
CertificateInstallationRes / CertificateUpdateRes (SAProvisioningCertificateChain), which
an EV must refuse: ``untrusted`` (under another V2G root), ``expired``, ``not_yet_valid``
(issued by the PKI's CPS Sub-CA 2), ``wrong_dc`` (a CPS-issued leaf whose domainComponent is CPO).
``oem_fault(pki, kind)`` makes the same four faults of an OEM provisioning certificate, which
an EV sends in CertificateInstallationReq: the SECC answers FAILED_CertificateExpired for
``expired`` and ``not_yet_valid``, FAILED for ``untrusted`` and ``wrong_dc`` (RISE V2G's codes:
CertificateInstallationRes has no FAILED_CertChainError).
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from ..errors import V2GError
from .build import BY_STEM, DEFAULT_EMAID, build, crl, issue, name, revoked_serial
from .store import PKI, Credential

FAULTS = ("expired", "not_yet_valid", "untrusted", "revoked", "wrong_emaid", "wrong_signature", "bad_emaid_syntax")
PROVISIONING_FAULTS = ("untrusted", "expired", "not_yet_valid", "wrong_dc")


def _leaf(issuer: Credential, signer: ec.EllipticCurvePrivateKey, cn: str, start: dt.datetime, end: dt.datetime,
          serial: int | None = None, stem: str = "contract_leaf", dc: str | None = None) -> Credential:
    key = ec.generate_private_key(ec.SECP256R1())
    p = BY_STEM[stem]
    cert = issue(name(cn, dc or p.dc), key.public_key(), issuer.certificate.subject, signer, ca=False, path_length=None, usage=p.usage,
                 not_before=start, not_after=end, serial=serial)
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
    if fault == "revoked":
        return _leaf(issuer, issuer.key, emaid, now - day, now + 365 * day, serial=revoked_serial(issuer.certificate))
    if fault in ("wrong_emaid", "bad_emaid_syntax"):
        cn = {"wrong_emaid": emaid[:-1] + ("2" if emaid[-1] != "2" else "3"), "bad_emaid_syntax": "not-an-eMAID"}[fault]
        return _leaf(issuer, issuer.key, cn, now - day, now + 365 * day)
    if fault == "wrong_signature":
        return _leaf(issuer, ec.generate_private_key(ec.SECP256R1()), emaid, now - day, now + 365 * day)
    if fault == "untrusted":
        other = build(emaid=emaid)
        cert, key = other["contract_leaf"]
        return Credential(cert, key, (other["mo_sub_ca2"][0], other["mo_sub_ca1"][0]))
    raise V2GError(f"unknown contract fault {fault!r}; known: {', '.join(FAULTS)}")


def _issued_fault(pki: PKI, fault: str, stem: str, issuer: Credential | None, now: dt.datetime | None) -> Credential:
    """A leaf like ``stem`` with ``fault`` (one of ``PROVISIONING_FAULTS``), issued by ``issuer`` (Sub-CA 2)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    day = dt.timedelta(days=1)
    sub2 = BY_STEM[stem].issuer
    if fault == "untrusted":
        other = build()
        cert, key = other[stem]
        return Credential(cert, key, (other[sub2][0], other[BY_STEM[sub2].issuer][0]))
    if fault not in PROVISIONING_FAULTS:
        raise V2GError(f"unknown {stem} fault {fault!r}; known: {', '.join(PROVISIONING_FAULTS)}")
    if issuer is None or issuer.key is None:
        raise V2GError(f"{pki.directory}: the PKI has no {sub2} key to issue a faulty {stem} with")
    start, end = {"expired": (now - 30 * day, now - day), "not_yet_valid": (now + day, now + 30 * day)}.get(fault, (now - day, now + 90 * day))
    return _leaf(issuer, issuer.key, BY_STEM[stem].cn, start, end, stem=stem, dc="CPO" if fault == "wrong_dc" else None)


def provisioning_fault(pki: PKI, fault: str, *, now: dt.datetime | None = None) -> Credential:
    """A CPS credential (leaf, key, Sub-CAs) with ``fault`` (one of ``PROVISIONING_FAULTS``)."""
    return _issued_fault(pki, fault, "cps_leaf", pki.cps_sub_ca2, now)


def oem_fault(pki: PKI, fault: str, *, now: dt.datetime | None = None) -> Credential:
    """An OEM provisioning credential with ``fault`` (one of ``PROVISIONING_FAULTS``)."""
    return _issued_fault(pki, fault, "oem_leaf", pki.oem_sub_ca2, now)


def revocation_list(pki: PKI, revoked: list[x509.Certificate], *, now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """A CRL by MO Sub-CA 2 that lists ``revoked`` (certificates it issued)."""
    if pki.mo_sub_ca2 is None or pki.mo_sub_ca2.key is None:
        raise V2GError(f"{pki.directory}: the PKI has no MO Sub-CA 2 key to sign a revocation list with")
    now = now or dt.datetime.now(dt.timezone.utc)
    return crl(pki.mo_sub_ca2.certificate, pki.mo_sub_ca2.key, [c.serial_number for c in revoked], now - dt.timedelta(minutes=5),
               now + dt.timedelta(days=7))


__all__ = ["FAULTS", "PROVISIONING_FAULTS", "contract_fault", "oem_fault", "provisioning_fault", "revocation_list"]
