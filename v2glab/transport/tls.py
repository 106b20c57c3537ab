"""TLS as the protocols prescribe it: TLS 1.2 for ISO 15118-2, TLS 1.3 for ISO 15118-20.

* ISO 15118-2: TLS 1.2, ECDHE-ECDSA with AES-128-CBC-SHA256 [V2G2-614].
* ISO 15118-20: TLS 1.3 with TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256
  [V2G20-1856][V2G20-2059] (as Josev and libiso15118 quote them); the SECC may ask for the
  vehicle's certificate (mutual TLS).

The TLS version is settled before the handshake chooses a protocol, so the SECC accepts
both versions and the EV asks for what its protocols need (a -20-only car: TLS 1.3 only).
Python's ssl module cannot narrow the TLS 1.3 suites; OpenSSL's default order puts
TLS_AES_256_GCM_SHA384 first, and its third default (TLS_AES_128_GCM_SHA256) is never
chosen between two v2glab ends. Set SSLKEYLOGFILE to a path and both sides write their
TLS secrets there (1.2 and 1.3), so Wireshark can decrypt a capture.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from ..errors import V2GError
from ..pki import PKIError, load_pki

# [V2G2-614]: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (and the static-ECDH variant, which OpenSSL 3 no longer has)
CIPHERS = "ECDHE-ECDSA-AES128-SHA256"
# [V2G20-1856][V2G20-2059]
TLS13_CIPHERS = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


class TLSSetupError(V2GError):
    pass


def _base(purpose: ssl.Purpose, lowest: str = "1.2", highest: str = "1.2") -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if purpose == ssl.Purpose.CLIENT_AUTH else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = VERSIONS[lowest]
    ctx.maximum_version = VERSIONS[highest]
    ctx.set_ciphers(CIPHERS)  # TLS 1.2 only; TLS 1.3 suites are OpenSSL's (see above)
    ctx.set_ecdh_curve("prime256v1")
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog:
        ctx.keylog_filename = keylog
    return ctx


def _load_trust(ctx: ssl.SSLContext, store: Path, what: str) -> None:
    try:
        for pem in sorted(store.glob("*.pem")) if store.is_dir() else [store]:
            ctx.load_verify_locations(pem)
    except (OSError, ssl.SSLError) as exc:
        raise TLSSetupError(f"cannot load {what} {store}: {exc}") from None
    if not ctx.get_ca_certs():
        raise TLSSetupError(f"{what} {store} holds no certificate")


def secc_context(pki_dir: str | Path, highest: str = "1.3", verify_vehicle: bool = False) -> ssl.SSLContext:
    """The SECC presents its leaf with Sub-CA 2 and Sub-CA 1 under the V2G root (v2glab's or Josev's PKI layout).

    It accepts TLS 1.2 (ISO 15118-2, DIN) and, unless ``highest`` is "1.2", TLS 1.3 (ISO 15118-20).
    ``verify_vehicle``: mutual TLS, the EV must present a certificate under the PKI's vehicle
    anchors (v2glab's ``secc_trust/``; in Josev's layout the OEM root, as Josev's SECC does).
    """
    pki = Path(pki_dir)
    ctx = _base(ssl.Purpose.CLIENT_AUTH, "1.2", highest)
    try:
        loaded = load_pki(pki)
        files = loaded.tls
        if files is None:
            raise OSError("no SECC certificate chain and key")
        ctx.load_cert_chain(files.chain, files.key, password=files.password)
    except (OSError, ssl.SSLError, PKIError) as exc:
        raise TLSSetupError(f"cannot load the SECC certificate from {pki}: {exc}; run `v2glab pki init {pki}`") from None
    if verify_vehicle:
        ctx.verify_mode = ssl.CERT_REQUIRED
        _load_trust(ctx, loaded.vehicle_trust or pki / "secc_trust", "the SECC's trust store for vehicle certificates")
    return ctx


def evcc_context(trust_store: str | Path, lowest: str = "1.2", highest: str = "1.2",
                 vehicle_cert: tuple[str | Path, str | Path] | tuple[str | Path, str | Path, bytes | None] | None = None) -> ssl.SSLContext:
    """The EV trusts the V2G root(s) in its store; there is no host name to check in V2G.

    ``lowest``/``highest``: the TLS versions its protocols need ("1.3" for ISO 15118-20 alone).
    ``vehicle_cert``: (chain, key[, key password]) it presents when the SECC asks (mutual TLS).
    """
    ctx = _base(ssl.Purpose.SERVER_AUTH, lowest, highest)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    _load_trust(ctx, Path(trust_store), "the EV trust store")
    if vehicle_cert is not None:
        try:
            ctx.load_cert_chain(*vehicle_cert)
        except (OSError, ssl.SSLError) as exc:
            raise TLSSetupError(f"cannot load the vehicle certificate {vehicle_cert[0]}: {exc}") from None
    return ctx
