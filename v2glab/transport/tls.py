"""TLS as ISO 15118-2 prescribes it: TLS 1.2, ECDHE-ECDSA with AES-128-CBC-SHA256 [V2G2-614].

Set SSLKEYLOGFILE to a path and both sides write their TLS secrets there, so
Wireshark can decrypt a capture.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from ..errors import V2GError
from ..pki import PKIError, load_pki

# [V2G2-614]: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (and the static-ECDH variant, which OpenSSL 3 no longer has)
CIPHERS = "ECDHE-ECDSA-AES128-SHA256"


class TLSSetupError(V2GError):
    pass


def _base(purpose: ssl.Purpose) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if purpose == ssl.Purpose.CLIENT_AUTH else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(CIPHERS)
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog:
        ctx.keylog_filename = keylog
    return ctx


def secc_context(pki_dir: str | Path) -> ssl.SSLContext:
    """The SECC presents its leaf with Sub-CA 2 and Sub-CA 1 under the V2G root (v2glab's or Josev's PKI layout)."""
    pki = Path(pki_dir)
    ctx = _base(ssl.Purpose.CLIENT_AUTH)
    try:
        files = load_pki(pki).tls
        if files is None:
            raise OSError("no SECC certificate chain and key")
        ctx.load_cert_chain(files.chain, files.key, password=files.password)
    except (OSError, ssl.SSLError, PKIError) as exc:
        raise TLSSetupError(f"cannot load the SECC certificate from {pki}: {exc}; run `v2glab pki init {pki}`") from None
    return ctx


def evcc_context(trust_store: str | Path) -> ssl.SSLContext:
    """The EV trusts the V2G root(s) in its store; there is no host name to check in V2G."""
    ctx = _base(ssl.Purpose.SERVER_AUTH)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    path = Path(trust_store)
    try:
        if path.is_dir():
            for pem in sorted(path.glob("*.pem")):
                ctx.load_verify_locations(pem)
        else:
            ctx.load_verify_locations(path)
    except (OSError, ssl.SSLError) as exc:
        raise TLSSetupError(f"cannot load the EV trust store {path}: {exc}") from None
    if not ctx.get_ca_certs():
        raise TLSSetupError(f"the EV trust store {path} holds no certificate")
    return ctx
