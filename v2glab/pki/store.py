"""Read a PKI from disk into one typed object: certificates and keys by role.

Two layouts are understood:

* v2glab's own (``v2glab pki init DIR``): ``<stem>.pem`` / ``<stem>.key`` per certificate
  (stems in ``build.PROFILES``), ``secc_chain.pem``, ``ev_trust/``;
* the one Josev's ``create_certs.sh -v iso-2`` writes under ``PKI_PATH``:
  ``iso15118_2/certs/<name>Cert.pem|.der``, ``iso15118_2/private_keys/<name>.key``
  (PEM, AES-128-CBC encrypted) and ``<leaf>Password.txt`` files holding the password
  (``12345`` when absent, the script's default), ``cpoCertChain.pem`` for TLS.

A role whose files are missing is ``None``; the code that needs it says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..errors import V2GError
from .build import BY_STEM

# v2glab stem -> the name create_certs.sh uses (certs/<name>Cert.*, private_keys/<name>.key)
JOSEV_NAMES = {
    "v2g_root": "v2gRootCA", "cpo_sub_ca1": "cpoSubCA1", "cpo_sub_ca2": "cpoSubCA2", "secc_leaf": "seccLeaf",
    "cps_sub_ca1": "cpsSubCA1", "cps_sub_ca2": "cpsSubCA2", "cps_leaf": "cpsLeaf",
    "oem_root": "oemRootCA", "oem_sub_ca1": "oemSubCA1", "oem_sub_ca2": "oemSubCA2", "oem_leaf": "oemLeaf",
    "mo_root": "moRootCA", "mo_sub_ca1": "moSubCA1", "mo_sub_ca2": "moSubCA2", "contract_leaf": "contractLeaf",
}
_JOSEV_PASSWORDS = {"secc_leaf": "seccLeafPassword.txt", "oem_leaf": "oemLeafPassword.txt", "contract_leaf": "contractLeafPassword.txt",
                    "cps_leaf": "cpsLeafPassword.txt", "mo_sub_ca2": "moSubCA2LeafPassword.txt"}
JOSEV_DEFAULT_PASSWORD = b"12345"


class PKIError(V2GError):
    pass


@dataclass(frozen=True)
class Credential:
    """A certificate, its private key when the PKI holds it, and its Sub-CAs (closest first, root excluded)."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | None = None
    sub_cas: tuple[x509.Certificate, ...] = ()

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def sub_cas_der(self) -> list[bytes]:
        return [c.public_bytes(serialization.Encoding.DER) for c in self.sub_cas]


@dataclass(frozen=True)
class TLSFiles:
    chain: Path
    key: Path
    password: bytes | None


@dataclass(frozen=True)
class PKI:
    directory: Path
    layout: str  # "v2glab" or "josev"
    v2g_root: x509.Certificate | None = None
    oem_root: x509.Certificate | None = None
    mo_root: x509.Certificate | None = None
    secc: Credential | None = None  # SECC leaf under the CPO Sub-CAs (TLS)
    cps: Credential | None = None  # CPS leaf: signs CertificateInstallationRes / CertificateUpdateRes
    oem: Credential | None = None  # OEM provisioning leaf: signs CertificateInstallationReq, decrypts the contract key
    contract: Credential | None = None  # contract leaf (CN = eMAID)
    mo_sub_ca2: Credential | None = None  # issues contract certificates (the SECC's stand-in for the MO backend)
    cps_sub_ca2: Credential | None = None  # issues the CPS leaf (negative tests: a bad provisioning chain)
    oem_sub_ca2: Credential | None = None  # issues the OEM provisioning leaf (negative tests: a bad one)
    tls: TLSFiles | None = None
    trust_store: Path | None = None  # the EV's TLS trust anchors (a file or a folder of PEM files)
    # Mutual TLS (ISO 15118-20): what the EV presents, and the SECC's anchors for it. v2glab's own
    # vehicle leaf; in Josev's layout the OEM provisioning chain, as Josev's EV presents it.
    vehicle_tls: TLSFiles | None = None
    vehicle_trust: Path | None = None
    crls: tuple[x509.CertificateRevocationList, ...] = ()  # crls/*.pem|*.der: what the SECC treats as revoked

    @property
    def emaid(self) -> str | None:
        return common_name(self.contract.certificate) if self.contract else None

    def roots(self) -> list[x509.Certificate]:
        return [r for r in (self.v2g_root, self.oem_root, self.mo_root) if r is not None]


def common_name(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


def _read_cert(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    try:
        return x509.load_pem_x509_certificate(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise PKIError(f"{path}: not an X.509 certificate ({exc})") from None


def _read_crl(path: Path) -> x509.CertificateRevocationList:
    data = path.read_bytes()
    try:
        return x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise PKIError(f"{path}: not a certificate revocation list ({exc})") from None


def _read_key(path: Path, passwords: list[bytes | None]) -> ec.EllipticCurvePrivateKey:
    data = path.read_bytes()
    load = serialization.load_pem_private_key if data.lstrip().startswith(b"-----") else serialization.load_der_private_key
    for password in passwords:
        try:
            key = load(data, password)
        except (TypeError, ValueError):
            continue
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise PKIError(f"{path}: not an EC private key")
        return key
    raise PKIError(f"{path}: cannot read the private key (wrong or missing password file)")


def _read_password(path: Path) -> bytes | None:
    if not path.exists():
        return None
    return path.read_text().splitlines()[0].rstrip().encode() if path.read_text().strip() else None


class _Source:
    """Where each stem's certificate and key live in one layout."""

    def __init__(self, root: Path, layout: str) -> None:
        self.root = root
        self.layout = layout

    def cert(self, stem: str) -> Path | None:
        if self.layout == "v2glab":
            candidates = [self.root / f"{stem}.pem", self.root / f"{stem}.der"]
        elif stem not in JOSEV_NAMES:  # e.g. the -20 vehicle leaf: create_certs.sh -v iso-2 makes none
            return None
        else:
            n = JOSEV_NAMES[stem]
            candidates = [self.root / "certs" / f"{n}Cert.der", self.root / "certs" / f"{n}Cert.pem"]
        return next((p for p in candidates if p.exists()), None)

    def key(self, stem: str) -> Path | None:
        if self.layout != "v2glab" and stem not in JOSEV_NAMES:
            return None
        path = self.root / f"{stem}.key" if self.layout == "v2glab" else self.root / "private_keys" / f"{JOSEV_NAMES[stem]}.key"
        return path if path.exists() else None

    def passwords(self, stem: str) -> list[bytes | None]:
        if self.layout == "v2glab":
            return [None]
        path = self.root / "private_keys" / _JOSEV_PASSWORDS.get(stem, "seccLeafPassword.txt")
        if path.exists():
            return [_read_password(path)]  # as Josev: the file's first line, an empty file = no password
        return [None, JOSEV_DEFAULT_PASSWORD]  # create_certs.sh's default


def _layout(directory: Path) -> tuple[Path, str]:
    for candidate in (directory / "iso15118_2", directory):
        if (candidate / "certs").is_dir() and (candidate / "private_keys").is_dir():
            return candidate, "josev"
    if any(directory.glob("*.pem")):
        return directory, "v2glab"
    raise PKIError(f"{directory}: no PKI here; run `v2glab pki init {directory}`, or point to the PKI_PATH of Josev's create_certs.sh")


def load_pki(directory: str | Path) -> PKI:
    """Read the PKI in ``directory`` (either layout)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PKIError(f"{directory}: no such folder; run `v2glab pki init {directory}`")
    root, layout = _layout(directory)
    src = _Source(root, layout)
    certs: dict[str, x509.Certificate] = {}
    for stem in BY_STEM:
        path = src.cert(stem)
        if path is not None:
            certs[stem] = _read_cert(path)

    def credential(stem: str, with_key: bool = True) -> Credential | None:
        if stem not in certs:
            return None
        key = None
        key_path = src.key(stem) if with_key else None
        if key_path is not None:
            key = _read_key(key_path, src.passwords(stem))
        subs, issuer = [], BY_STEM[stem].issuer
        while issuer is not None and BY_STEM[issuer].issuer is not None and issuer in certs:
            subs.append(certs[issuer])
            issuer = BY_STEM[issuer].issuer
        return Credential(certs[stem], key, tuple(subs))

    def files(chain: Path, key: Path, password: bytes | None) -> TLSFiles | None:
        return TLSFiles(chain, key, password) if chain.exists() and key.exists() else None

    def found(path: Path) -> Path | None:
        return path if path.exists() else None

    if layout == "v2glab":
        tls = files(root / "secc_chain.pem", root / "secc_leaf.key", None)
        trust = root / "ev_trust" if (root / "ev_trust").is_dir() else None
        vehicle_tls, vehicle_trust = files(root / "vehicle_chain.pem", root / "vehicle_leaf.key", None), found(root / "secc_trust")
    else:
        tls = files(root / "certs" / "cpoCertChain.pem", root / "private_keys" / "seccLeaf.key", src.passwords("secc_leaf")[-1])
        trust = found(root / "certs" / "v2gRootCACert.pem")
        vehicle_tls = files(root / "certs" / "oemCertChain.pem", root / "private_keys" / "oemLeaf.key", src.passwords("oem_leaf")[-1])
        vehicle_trust = found(root / "certs" / "oemRootCACert.pem")
    crls = tuple(_read_crl(p) for p in sorted((root / "crls").glob("*")) if p.suffix in (".pem", ".der", ".crl"))
    return PKI(
        directory=directory, layout=layout, crls=crls,
        v2g_root=certs.get("v2g_root"), oem_root=certs.get("oem_root"), mo_root=certs.get("mo_root"),
        secc=credential("secc_leaf"), cps=credential("cps_leaf"), oem=credential("oem_leaf"),
        contract=credential("contract_leaf"), mo_sub_ca2=credential("mo_sub_ca2"), cps_sub_ca2=credential("cps_sub_ca2"),
        oem_sub_ca2=credential("oem_sub_ca2"),
        tls=tls, trust_store=trust, vehicle_tls=vehicle_tls, vehicle_trust=vehicle_trust,
    )


@lru_cache(maxsize=16)
def _cached(resolved: str) -> PKI:
    return load_pki(resolved)


def certificate_file(directory: str | Path, name: str) -> x509.Certificate:
    """A certificate of the PKI in ``directory``: by its role's stem (``contract_leaf``, ``mo_sub_ca2``, in
    either layout) or by a file name inside the folder (PEM or DER); nothing outside the folder."""
    directory = Path(directory)
    root, layout = _layout(directory) if directory.is_dir() else (directory, "v2glab")
    path = _Source(root, layout).cert(name) if name in BY_STEM else None
    if path is None:
        candidate = (directory / name).resolve()
        if name.startswith("/") or not candidate.is_relative_to(directory.resolve()):
            raise PKIError(f"{name}: not a file inside the PKI folder {directory}")
        if not candidate.is_file():
            raise PKIError(f"{name}: no such certificate in {directory} (a stem such as contract_leaf, or a file)")
        path = candidate
    return _read_cert(path)


def cached_pki(directory: str | Path) -> PKI:
    """``load_pki`` once per folder and process: the engines ask for it on every connection."""
    return _cached(str(Path(directory).resolve()))
