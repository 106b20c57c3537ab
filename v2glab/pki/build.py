"""Build the ISO 15118-2 test PKI: four chains of P-256 / SHA-256 certificates.

The certificate profiles follow the public test PKIs (``../shared/docs/pnc-iso15118-2.md``
§2): every key EC secp256r1 [V2G2-007], every signature ECDSA-SHA256, Sub-CA 1 with
pathlen 1, Sub-CA 2 with pathlen 0, a domainComponent naming the PKI in each subject,
and the contract leaf's common name is its eMAID.

    V2G root ── CPO Sub-CA 1 ── CPO Sub-CA 2 ── SECC leaf (TLS)
             └─ CPS Sub-CA 1 ── CPS Sub-CA 2 ── CPS leaf (signs Certificate*Res)
    OEM root ── OEM Sub-CA 1 ── OEM Sub-CA 2 ── OEM provisioning leaf
             └─ vehicle leaf (ISO 15118-20 mutual TLS)
    MO root  ── MO Sub-CA 1  ── MO Sub-CA 2  ── contract leaf (CN = eMAID)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..errors import V2GError

DEFAULT_EMAID = "DEV2GC000000001"
# ISO 15118-2 Annex H: country (2 letters), provider (3 alphanumerics), instance (9), optional check character;
# eMAIDType allows 14-15 characters, so no separators
EMAID_SYNTAX = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[A-Z0-9]{9}[A-Z0-9]?", re.IGNORECASE)
DEFAULT_SECC_ID = "DEV2GE12345"


@dataclass(frozen=True)
class Profile:
    """One certificate of the PKI: file stem, subject, issuer, role and lifetime."""

    stem: str
    cn: str
    dc: str
    issuer: str | None  # stem of the issuing CA; None: self-signed root
    path_length: int | None  # CA: its pathlen (None for roots); leaf: not used
    ca: bool
    days: int
    usage: tuple[str, ...]


_CA_USAGE = ("key_cert_sign", "crl_sign")

# Lifetimes and key usages as in the public test PKIs; the SECC leaf lives 60 days.
PROFILES: tuple[Profile, ...] = (
    Profile("v2g_root", "V2G Root CA", "V2G", None, None, True, 3650, _CA_USAGE),
    Profile("cpo_sub_ca1", "CPO Sub-CA 1", "CPO", "v2g_root", 1, True, 1460, _CA_USAGE),
    Profile("cpo_sub_ca2", "CPO Sub-CA 2", "CPO", "cpo_sub_ca1", 0, True, 365, _CA_USAGE),
    Profile("secc_leaf", DEFAULT_SECC_ID, "CPO", "cpo_sub_ca2", None, False, 60, ("digital_signature", "key_agreement")),
    Profile("cps_sub_ca1", "CPS Sub-CA 1", "CPS", "v2g_root", 1, True, 1460, _CA_USAGE),
    Profile("cps_sub_ca2", "CPS Sub-CA 2", "CPS", "cps_sub_ca1", 0, True, 730, _CA_USAGE),
    Profile("cps_leaf", "CPS Leaf", "CPS", "cps_sub_ca2", None, False, 90, ("digital_signature",)),
    Profile("oem_root", "OEM Root CA", "OEM", None, None, True, 3650, _CA_USAGE),
    Profile("oem_sub_ca1", "OEM Sub-CA 1", "OEM", "oem_root", 1, True, 1460, _CA_USAGE),
    Profile("oem_sub_ca2", "OEM Sub-CA 2", "OEM", "oem_sub_ca1", 0, True, 1460, _CA_USAGE),
    Profile("oem_leaf", "OEM Provisioning", "OEM", "oem_sub_ca2", None, False, 1460, ("digital_signature", "key_agreement")),
    # ISO 15118-20 mutual TLS: the vehicle's certificate directly under the OEM root (secc_trust/ holds that root)
    Profile("vehicle_leaf", "WMIV1234567890ABCDEX", "OEM", "oem_root", None, False, 365, ("digital_signature", "key_agreement")),
    Profile("mo_root", "MO Root CA", "MO", None, None, True, 3650, _CA_USAGE),
    Profile("mo_sub_ca1", "MO Sub-CA 1", "MO", "mo_root", 1, True, 1460, _CA_USAGE),
    Profile("mo_sub_ca2", "MO Sub-CA 2", "MO", "mo_sub_ca1", 0, True, 1460, ("digital_signature", "content_commitment", *_CA_USAGE)),
    Profile("contract_leaf", DEFAULT_EMAID, "MO", "mo_sub_ca2", None, False, 730,
            ("digital_signature", "content_commitment", "key_encipherment", "key_agreement")),
)
BY_STEM = {p.stem: p for p in PROFILES}

_USAGE_FLAGS = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
                "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")


def name(cn: str, dc: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "v2glab test PKI"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, dc),
    ])


def random_serial() -> int:
    """A positive random serial of up to 159 bits, RFC 5280's 20 octets (cryptography's
    ``random_serial_number``): X509SerialNumber is xs:integer, which v2glab's decoder reads
    up to that size (``exi.bits.MAX_UINT_OCTETS``)."""
    return x509.random_serial_number()


def revoked_serial(issuer: x509.Certificate) -> int:
    """The serial of the contract the test PKI revokes: fixed per MO Sub-CA 2, so that a revoked contract
    made later (``faults.contract_fault(pki, 'revoked')``, Lua ``Evcc.Pnc_UseChain('revoked')``) is on the
    revocation list ``pki init`` wrote."""
    digest = hashlib.sha256(b"v2glab revoked contract" + issuer.public_bytes(serialization.Encoding.DER)).digest()
    return int.from_bytes(digest[:20], "big") >> 1 | 1 << 158  # 20 octets in DER, as random_serial's


def crl(issuer: x509.Certificate, key: ec.EllipticCurvePrivateKey, serials: list[int], now: dt.datetime, until: dt.datetime) -> x509.CertificateRevocationList:
    """A revocation list by ``issuer`` that lists ``serials``."""
    builder = x509.CertificateRevocationListBuilder().issuer_name(issuer.subject).last_update(now).next_update(until)
    for serial in serials:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    return builder.sign(key, hashes.SHA256())


def issue(subject: x509.Name, public_key: ec.EllipticCurvePublicKey, issuer: x509.Name, issuer_key: ec.EllipticCurvePrivateKey,
          *, ca: bool, path_length: int | None, usage: tuple[str, ...], not_before: dt.datetime, not_after: dt.datetime,
          serial: int | None = None) -> x509.Certificate:
    """One X.509 v3 certificate signed with ECDSA-SHA256."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial or random_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(x509.KeyUsage(*(flag in usage for flag in _USAGE_FLAGS)), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer_key.public_key() != public_key:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=5)


def build(secc_id: str = DEFAULT_SECC_ID, emaid: str = DEFAULT_EMAID) -> dict[str, tuple[x509.Certificate, ec.EllipticCurvePrivateKey]]:
    """A fresh PKI in memory: file stem -> (certificate, private key)."""
    out: dict[str, tuple[x509.Certificate, ec.EllipticCurvePrivateKey]] = {}
    start = _now()
    for p in PROFILES:
        key = ec.generate_private_key(ec.SECP256R1())
        cn = {"secc_leaf": secc_id, "contract_leaf": emaid}.get(p.stem, p.cn)
        subject = name(cn, p.dc)
        issuer_cert, issuer_key = out[p.issuer] if p.issuer else (None, key)
        cert = issue(subject, key.public_key(), issuer_cert.subject if issuer_cert else subject, issuer_key, ca=p.ca,
                     path_length=p.path_length, usage=p.usage, not_before=start, not_after=start + dt.timedelta(days=p.days))
        out[p.stem] = (cert, key)
    return out


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


# The chains as a peer receives them: leaf, Sub-CA 2, Sub-CA 1 (the root stays out).
CHAINS = {"secc_chain.pem": "secc_leaf", "cps_chain.pem": "cps_leaf", "oem_chain.pem": "oem_leaf", "contract_chain.pem": "contract_leaf"}


def init_pki(directory: str | Path, secc_id: str = DEFAULT_SECC_ID, emaid: str = DEFAULT_EMAID) -> list[Path]:
    """Write a fresh test PKI into ``directory``; returns the files written.

    Per certificate ``<stem>.pem`` and ``<stem>.key`` (PKCS#8, unencrypted: test
    material), the chains ``secc_chain.pem`` (what the SECC presents in TLS),
    ``cps_chain.pem``, ``oem_chain.pem``, ``contract_chain.pem``, the EV's TLS trust
    store ``ev_trust/v2g_root.pem``, and for ISO 15118-20 mutual TLS ``vehicle_chain.pem``
    (the vehicle leaf under the OEM root) and the SECC's store ``secc_trust/oem_root.pem``;
    ``crls/mo_sub_ca2.pem`` revokes the one serial ``revoked_serial`` gives (the revoked-contract fault).
    """
    if not EMAID_SYNTAX.fullmatch(emaid):
        raise V2GError(f"eMAID {emaid!r} is not 14-15 characters of the form CC PPP IIIIIIIII [check], e.g. {DEFAULT_EMAID}")
    out = Path(directory)
    for trust in ("ev_trust", "secc_trust", "crls"):
        (out / trust).mkdir(parents=True, exist_ok=True)
    made = build(secc_id, emaid)
    files: dict[str, bytes] = {}
    for stem, (cert, key) in made.items():
        files[f"{stem}.pem"] = pem(cert)
        files[f"{stem}.key"] = key_pem(key)
    for chain, leaf in CHAINS.items():
        sub2 = BY_STEM[leaf].issuer
        sub1 = BY_STEM[sub2].issuer
        files[chain] = b"".join(pem(made[s][0]) for s in (leaf, sub2, sub1))
    files["vehicle_chain.pem"] = pem(made["vehicle_leaf"][0])
    files["ev_trust/v2g_root.pem"] = pem(made["v2g_root"][0])
    files["secc_trust/oem_root.pem"] = pem(made["oem_root"][0])
    mo2, mo2_key = made["mo_sub_ca2"]
    files["crls/mo_sub_ca2.pem"] = crl(mo2, mo2_key, [revoked_serial(mo2)], mo2.not_valid_before_utc,
                                       mo2.not_valid_after_utc).public_bytes(serialization.Encoding.PEM)
    written = []
    for fname, data in files.items():
        path = out / fname
        path.write_bytes(data)
        if fname.endswith(".key"):
            path.chmod(0o600)
        written.append(path)
    return written
