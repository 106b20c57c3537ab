"""xmldsig signatures over EXI fragments, as ISO 15118-2 makes them (Annex J, [V2G2-771]).

Each signed element is EXI-encoded as a fragment with the full ISO 15118-2 grammar and
digested with SHA-256; SignedInfo lists one Reference per element (URI ``#<Id>``, the EXI
canonicalization as its only transform); SignedInfo itself is encoded as a fragment of
the xmldsig grammar and signed with ECDSA P-256 / SHA-256; SignatureValue is r || s,
32 bytes each, not DER. ISO 15118-20 signs elements of its messages the same way, their
fragments encoded with the message's grammar (``schema``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .. import exi
from ..errors import EXIError
from .errors import FAILED_SIGNATURE_ERROR, PnCError

CANONICAL_EXI = "http://www.w3.org/TR/canonical-exi/"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
GRAMMAR = "iso15118-2"  # the grammar of the signed elements' fragments unless the caller names another

# (element name, content with its '@Id'), e.g. ("AuthorizationReq", {"@Id": "ID1", "GenChallenge": ...})
SignedElement = tuple[str, Any]


def element_id(content: Any) -> str:
    return content["@Id"] if isinstance(content, dict) and "@Id" in content else ""


def digest(element: str, content: Any, schema: str = GRAMMAR, validate: bool = True) -> bytes:
    """SHA-256 over the element's EXI fragment (the full ISO 15118-2 grammar; ISO 15118-20: its
    message's grammar, ``iso15118-20-CommonMessages`` for every signed element, as Josev does);
    ``validate=False`` digests content that breaks a facet on purpose (a negative test)."""
    return hashlib.sha256(exi.encode_fragment(element, content, schema=schema, validate=validate)).digest()


def signed_info(elements: Sequence[SignedElement], schema: str = GRAMMAR, validate: bool = True) -> dict[str, Any]:
    references = []
    for name, content in elements:
        references.append({
            "@URI": "#" + element_id(content),
            "Transforms": {"Transform": [{"@Algorithm": CANONICAL_EXI}]},
            "DigestMethod": {"@Algorithm": SHA256},
            "DigestValue": digest(name, content, schema, validate),
        })
    return {
        "CanonicalizationMethod": {"@Algorithm": CANONICAL_EXI},
        "SignatureMethod": {"@Algorithm": ECDSA_SHA256},
        "Reference": references,
    }


def signature_value(info: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> bytes:
    """ECDSA over the xmldsig fragment of SignedInfo, as r || s."""
    der = key.sign(exi.encode_fragment("SignedInfo", info, schema="xmldsig"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(elements: Sequence[SignedElement], key: ec.EllipticCurvePrivateKey, schema: str = GRAMMAR, validate: bool = True) -> dict[str, Any]:
    """The header's Signature element for ``elements`` (fragments of ``schema``), signed with ``key``."""
    info = signed_info(elements, schema, validate)
    return {"SignedInfo": info, "SignatureValue": signature_value(info, key)}


def _fail(code: str, reason: str) -> PnCError:
    return PnCError(code, reason)


def verify(signature: Any, elements: Sequence[SignedElement], public_key: ec.EllipticCurvePublicKey,
           failure: str = FAILED_SIGNATURE_ERROR, schema: str = GRAMMAR) -> None:
    """Check a received Signature over ``elements`` (fragments of ``schema``); raises PnCError(``failure``) with the reason.

    Every element needs exactly one Reference whose digest matches, and no Reference may
    point elsewhere; the algorithms must be the ones ISO 15118-2 fixes.
    """
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise _fail(failure, "the signer's certificate has no EC public key (ISO 15118-2: P-256)")
    if not isinstance(signature, dict) or "SignedInfo" not in signature:
        raise _fail(failure, "the message carries no Signature in its header")
    info = signature["SignedInfo"]
    if info.get("CanonicalizationMethod", {}).get("@Algorithm") != CANONICAL_EXI:
        raise _fail(failure, f"CanonicalizationMethod is not {CANONICAL_EXI}")
    if info.get("SignatureMethod", {}).get("@Algorithm") != ECDSA_SHA256:
        raise _fail(failure, f"SignatureMethod is not {ECDSA_SHA256}")
    references = info.get("Reference", [])
    references = references if isinstance(references, list) else [references]
    by_uri: dict[str, dict] = {}
    for ref in references:
        uri = ref.get("@URI", "")
        if uri in by_uri:
            raise _fail(failure, f"two References with URI {uri!r}")
        by_uri[uri] = ref
    for name, content in elements:
        uri = "#" + element_id(content)
        ref = by_uri.pop(uri, None)
        if ref is None:
            raise _fail(failure, f"no Reference for {name} ({uri})")
        if ref.get("DigestMethod", {}).get("@Algorithm") != SHA256:
            raise _fail(failure, f"Reference {uri}: DigestMethod is not {SHA256}")
        transforms = ref.get("Transforms", {}).get("Transform", [])
        if [t.get("@Algorithm") for t in transforms] != [CANONICAL_EXI]:
            raise _fail(failure, f"Reference {uri}: the only Transform must be {CANONICAL_EXI}")
        try:
            computed = digest(name, content, schema)
        except EXIError as exc:
            raise _fail(failure, f"{name} cannot be encoded for its digest: {exc}") from None
        if ref.get("DigestValue") != computed:
            raise _fail(failure, f"digest of {name} ({uri}) does not match its Reference")
    if by_uri:
        raise _fail(failure, f"Reference to an element that is not signed here: {', '.join(by_uri)}")
    value = signature.get("SignatureValue")
    value = value.get("#text") if isinstance(value, dict) else value
    if not isinstance(value, (bytes, bytearray)) or len(value) != 64:
        raise _fail(failure, f"SignatureValue must be r || s, 64 bytes; got {len(value) if value else 0}")
    try:
        canonical = exi.encode_fragment("SignedInfo", info, schema="xmldsig")
    except EXIError as exc:
        raise _fail(failure, f"SignedInfo cannot be canonicalized: {exc}") from None
    der = encode_dss_signature(int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big"))
    try:
        public_key.verify(der, canonical, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise _fail(failure, "SignatureValue does not verify with the signer's public key") from None
