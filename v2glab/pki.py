"""A test PKI shaped like ISO 15118-2's: V2G root CA -> CPO Sub-CA 1 -> CPO Sub-CA 2 -> SECC leaf.

ECDSA on secp256r1 with SHA-256 everywhere [V2G2-007]. ``v2glab pki init DIR`` writes:

    v2g_root.pem, v2g_root.key        the V2G root CA (self-signed)
    cpo_sub_ca1.pem/.key, cpo_sub_ca2.pem/.key
    secc_leaf.pem, secc_leaf.key      the SECC's TLS certificate
    secc_chain.pem                    leaf + Sub-CA 2 + Sub-CA 1, as the SECC sends it
    ev_trust/v2g_root.pem             the EV side's trust store
    oem_root.pem/.key, vehicle_leaf.pem/.key, vehicle_chain.pem
                                      the vehicle's certificate under an OEM root, for mutual TLS
                                      (ISO 15118-20: the SECC asks for it in TLS 1.3)
    secc_trust/oem_root.pem           the SECC's trust store for vehicle certificates
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(cn: str, org: str = "v2glab test PKI", dc: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COUNTRY_NAME, "DE")]
    if dc:
        attrs.append(x509.NameAttribute(NameOID.DOMAIN_COMPONENT, dc))
    return x509.Name(attrs)


def _issue(subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, issuer_key: ec.EllipticCurvePrivateKey, ca: bool, path_length: int | None, days: int) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:  # TLS leaf: signatures and ECDH key agreement
        usage = x509.KeyUsage(True, False, False, False, True, False, False, False, False)
    builder = builder.add_extension(usage, critical=True)
    if issuer_key is not key:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def init_pki(directory: str | Path, secc_id: str = "DEV2GE12345") -> list[Path]:
    """Write a fresh test PKI into ``directory``; returns the files written."""
    out = Path(directory)
    (out / "ev_trust").mkdir(parents=True, exist_ok=True)
    (out / "secc_trust").mkdir(parents=True, exist_ok=True)
    keys = {name: ec.generate_private_key(ec.SECP256R1()) for name in ("root", "sub1", "sub2", "leaf", "oem", "vehicle")}
    root_name = _name("V2G Root CA", dc="V2G")
    sub1_name = _name("CPO Sub-CA 1", dc="CPO")
    sub2_name = _name("CPO Sub-CA 2", dc="CPO")
    root = _issue(root_name, keys["root"], root_name, keys["root"], True, 2, 365 * 40)
    sub1 = _issue(sub1_name, keys["sub1"], root_name, keys["root"], True, 1, 365 * 4)
    sub2 = _issue(sub2_name, keys["sub2"], sub1_name, keys["sub1"], True, 0, 365 * 2)
    leaf = _issue(_name(secc_id, dc="CPO"), keys["leaf"], sub2_name, keys["sub2"], False, None, 365)
    oem_name = _name("OEM Root CA", dc="OEM")
    oem = _issue(oem_name, keys["oem"], oem_name, keys["oem"], True, 1, 365 * 40)
    vehicle = _issue(_name("WMIV1234567890ABCDEX", dc="OEM"), keys["vehicle"], oem_name, keys["oem"], False, None, 365)
    files = {
        "v2g_root.pem": _pem(root), "v2g_root.key": _key_pem(keys["root"]),
        "cpo_sub_ca1.pem": _pem(sub1), "cpo_sub_ca1.key": _key_pem(keys["sub1"]),
        "cpo_sub_ca2.pem": _pem(sub2), "cpo_sub_ca2.key": _key_pem(keys["sub2"]),
        "secc_leaf.pem": _pem(leaf), "secc_leaf.key": _key_pem(keys["leaf"]),
        "secc_chain.pem": _pem(leaf) + _pem(sub2) + _pem(sub1),
        "ev_trust/v2g_root.pem": _pem(root),
        "oem_root.pem": _pem(oem), "oem_root.key": _key_pem(keys["oem"]),
        "vehicle_leaf.pem": _pem(vehicle), "vehicle_leaf.key": _key_pem(keys["vehicle"]),
        "vehicle_chain.pem": _pem(vehicle),
        "secc_trust/oem_root.pem": _pem(oem),
    }
    written = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        if name.endswith(".key"):
            path.chmod(0o600)
        written.append(path)
    return written
