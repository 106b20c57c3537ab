"""Certificate chain checks of ISO 15118-2 Plug & Charge, each fault mapped to its response code.

A chain arrives as a leaf and up to two Sub-CAs (DER, as in ContractSignatureCertChain,
OEMProvisioningCertificateChain or SAProvisioningCertificateChain) and must lead to one of
the trusted roots. The checks, in this order, and what the SECC answers when one fails
(``../shared/docs/pnc-iso15118-2.md`` §6, §7):

=====================================================  ===============================
the certificates parse; 0 < Sub-CAs <= 2                FAILED_CertChainError
no trusted root for this chain at all                   FAILED_NoCertificateAvailable
each certificate issued (name + signature) by the next;
the last by a trusted root                              FAILED_CertChainError
CA rules: Sub-CAs are CAs with keyCertSign, their
pathlen allows the certificates below; the leaf is no CA  FAILED_CertChainError
every certificate (root too) within its validity        FAILED_CertificateExpired [V2G2-824]
no certificate on a revocation list                     FAILED_CertificateRevoked
leaf domainComponent (CPO, CPS, OEM, MO) if asked       FAILED_CertChainError
contract: eMAID syntax                                  FAILED_ContractCanceled
contract: eMAID of the message = leaf common name       FAILED_CertChainError
contract: eMAID not on the canceled list                FAILED_ContractCanceled
=====================================================  ===============================

A good contract chain that expires within 21 days gives OK_CertificateExpiresSoon [V2G2-690].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..pki.build import EMAID_SYNTAX
from .errors import (
    FAILED_CERT_CHAIN_ERROR, FAILED_CERTIFICATE_EXPIRED, FAILED_CERTIFICATE_REVOKED, FAILED_CONTRACT_CANCELED,
    FAILED_NO_CERTIFICATE_AVAILABLE, OK, OK_CERTIFICATE_EXPIRES_SOON, PnCError,
)

MAX_SUB_CAS = 2
EXPIRES_SOON = dt.timedelta(days=21)  # [V2G2-690]


@dataclass(frozen=True)
class ChainResult:
    leaf: x509.Certificate
    sub_cas: tuple[x509.Certificate, ...]  # closest to the leaf first
    root: x509.Certificate
    response_code: str  # OK or OK_CertificateExpiresSoon

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        key = self.leaf.public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)
        return key


@dataclass(frozen=True)
class Revocations:
    """Revocation data the checker consults: CRLs (checked against their issuer) and/or serial numbers."""

    crls: tuple[x509.CertificateRevocationList, ...] = ()
    serials: frozenset[int] = frozenset()

    def revoked(self, cert: x509.Certificate, issuer: x509.Certificate) -> bool:
        if cert.serial_number in self.serials:
            return True
        for crl in self.crls:
            if crl.issuer == issuer.subject and crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
                if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
                    return True
        return False


def parse(der: bytes, what: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(bytes(der))
    except ValueError:
        raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{what} is not a DER X.509 certificate") from None


def domain_component(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(NameOID.DOMAIN_COMPONENT)
    return str(attrs[0].value) if attrs else None


def common_name(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


def _normal_emaid(value: str) -> str:
    return value.replace("-", "").upper()


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _basic(cert: x509.Certificate) -> x509.BasicConstraints | None:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return None


def _can_sign_certificates(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True  # no keyUsage: not restricted


def _name(cert: x509.Certificate) -> str:
    return common_name(cert) or cert.subject.rfc4514_string()


def check_chain(leaf_der: bytes, sub_ca_ders: Sequence[bytes], roots: Iterable[x509.Certificate], *,
                now: dt.datetime | None = None, leaf_dc: str | None = None, emaid: str | None = None,
                revocations: Revocations | None = None, canceled_emaids: Iterable[str] = (),
                max_sub_cas: int = MAX_SUB_CAS) -> ChainResult:
    """Check one chain; returns the parsed chain or raises PnCError with the response code.

    ``max_sub_cas``: 2 in ISO 15118-2; ISO 15118-20's SubCertificatesType allows 3.
    ``emaid`` (contract chains): the eMAID the message names; it must be the leaf's CN.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    leaf = parse(leaf_der, "the leaf certificate")
    subs = [parse(d, f"Sub-CA certificate {i + 1}") for i, d in enumerate(sub_ca_ders)]
    if not subs or len(subs) > max_sub_cas:
        raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{len(subs)} Sub-CA certificates; these chains have 1 to {max_sub_cas}")
    trusted = list(roots)
    if not trusted:
        raise PnCError(FAILED_NO_CERTIFICATE_AVAILABLE, "no root certificate to validate this chain against")
    # Order the Sub-CAs from the leaf up by issuer name (a peer may send them in any order).
    path, pool = [leaf], list(subs)
    while pool:
        nxt = next((c for c in pool if c.subject == path[-1].issuer), None)
        if nxt is None:
            raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{_name(path[-1])} names issuer {path[-1].issuer.rfc4514_string()}, "
                                                    f"which is not among the Sub-CAs sent")
        path.append(nxt)
        pool.remove(nxt)
    for child, parent in zip(path, path[1:]):
        if not issued_by(child, parent):
            raise PnCError(FAILED_CERT_CHAIN_ERROR, f"the signature of {_name(child)} does not verify with {_name(parent)}")
    top = path[-1]
    root = next((r for r in trusted if r.subject == top.issuer and issued_by(top, r)), None)
    if root is None:
        raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{_name(top)} is not issued by a trusted root")
    leaf_bc = _basic(leaf)
    if leaf_bc is not None and leaf_bc.ca:
        raise PnCError(FAILED_CERT_CHAIN_ERROR, f"the leaf {_name(leaf)} is a CA certificate")
    for below, sub in enumerate(path[1:]):
        bc = _basic(sub)
        if bc is None or not bc.ca or not _can_sign_certificates(sub):
            raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{_name(sub)} is not a CA certificate (basicConstraints, keyCertSign)")
        if bc.path_length is not None and below > bc.path_length:
            raise PnCError(FAILED_CERT_CHAIN_ERROR, f"{_name(sub)} has pathlen {bc.path_length} but {below} CA(s) below it")
    for cert in (*path, root):
        if now < cert.not_valid_before_utc:
            raise PnCError(FAILED_CERTIFICATE_EXPIRED, f"{_name(cert)} is not valid before {cert.not_valid_before_utc:%Y-%m-%d %H:%M}Z")
        if now > cert.not_valid_after_utc:
            raise PnCError(FAILED_CERTIFICATE_EXPIRED, f"{_name(cert)} expired {cert.not_valid_after_utc:%Y-%m-%d %H:%M}Z")
    if revocations is not None:
        for child, parent in zip((*path,), (*path[1:], root)):
            if revocations.revoked(child, parent):
                raise PnCError(FAILED_CERTIFICATE_REVOKED, f"{_name(child)} (serial {child.serial_number:X}) is revoked")
    if leaf_dc is not None and (domain_component(leaf) or "").upper() != leaf_dc.upper():
        raise PnCError(FAILED_CERT_CHAIN_ERROR, f"the leaf's domainComponent is {domain_component(leaf)!r}, not {leaf_dc!r}")
    if emaid is not None:
        cn = common_name(leaf) or ""
        if not EMAID_SYNTAX.fullmatch(_normal_emaid(cn)):
            raise PnCError(FAILED_CONTRACT_CANCELED, f"the contract certificate's CN {cn!r} is not an eMAID")
        if _normal_emaid(emaid) != _normal_emaid(cn):
            raise PnCError(FAILED_CERT_CHAIN_ERROR, f"eMAID {emaid!r} is not the contract certificate's {cn!r}")
        if _normal_emaid(emaid) in {_normal_emaid(e) for e in canceled_emaids}:
            raise PnCError(FAILED_CONTRACT_CANCELED, f"the contract {emaid!r} is canceled")
    soon = min(c.not_valid_after_utc for c in path) - now <= EXPIRES_SOON
    return ChainResult(leaf, tuple(path[1:]), root, OK_CERTIFICATE_EXPIRES_SOON if soon else OK)
