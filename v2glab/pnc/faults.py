"""Faults in signed ISO 15118-2 messages, for negative tests: pure functions over a message's tree.

A signed message carries ``Signature`` in its header; its References name the signed elements
by ``#<Id>`` ([V2G2-771], Annex J). These functions find those elements again, sign them
anew (with the right key, another key, after a fault), or break the signature in one
place, so that the peer's check fails at exactly one step:

==================  =======================================================  ==========================
fault               what changes                                             the check that fails
==================  =======================================================  ==========================
corrupt_signature   one bit of SignatureValue                                ECDSA verification
corrupt_digest      one bit of the first DigestValue, SignedInfo re-signed   the digest of that element
other key           every Reference right, signed by a fresh P-256 key       ECDSA with the signer's key
omit                no Signature in the header                               "no Signature"
==================  =======================================================  ==========================

A chain fault replaces a certificate chain element (ContractSignatureCertChain or
SAProvisioningCertificateChain) and signs the message with the new chain's key, so that
only the chain is wrong.
"""

from __future__ import annotations

import os
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ..exi import Message
from ..pki import Credential
from . import signature
from .messages import GEN_CHALLENGE_LENGTH, chain_tree

# the chain elements a fault can replace, by who sends them
CHAIN_ELEMENTS = {"evcc": "ContractSignatureCertChain", "secc": "SAProvisioningCertificateChain"}
OEM_CERTIFICATE = "OEMProvisioningCert"  # CertificateInstallationReq: one certificate, no chain
GEN_CHALLENGE = "GenChallenge"


def header_signature(message: Message) -> dict[str, Any] | None:
    header = message.content.get("Header")
    return header.get("Signature") if isinstance(header, dict) else None


Path = tuple  # keys (and list indices) from the message body to an element; () is the body itself


def _ids(path: Path, node: Any, found: dict[str, Path]) -> None:
    """Every element with an @Id under ``node`` (``node`` itself included): Id -> its path."""
    if isinstance(node, dict):
        if "@Id" in node:
            found.setdefault(node["@Id"], path)
        for key, child in node.items():
            if not key.startswith("@") and key != "#text":
                _ids(path + (key,), child, found)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _ids(path + (i,), item, found)


def signed_paths(message: Message) -> list[Path] | None:
    """Where the elements the message's Signature references are, in Reference order; None when one is missing."""
    sig = header_signature(message)
    if not isinstance(sig, dict):
        return None
    references = sig.get("SignedInfo", {}).get("Reference", [])
    references = references if isinstance(references, list) else [references]
    found: dict[str, Path] = {}
    _ids((), message.body, found)
    paths = []
    for ref in references:
        uri = ref.get("@URI", "") if isinstance(ref, dict) else ""
        if not uri.startswith("#") or uri[1:] not in found:
            return None
        paths.append(found[uri[1:]])
    return paths or None


def elements_at(message: Message, paths: list[Path]) -> list[signature.SignedElement] | None:
    """(element name, content) at each path of the body; None when one is gone."""
    elements = []
    for path in paths:
        node: Any = message.body
        name = message.body_name
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
            name = key if isinstance(key, str) else name
        elements.append((name, node))
    return elements


def resign(message: Message, key: ec.EllipticCurvePrivateKey, paths: list[Path] | None = None) -> bool:
    """Sign anew with ``key`` the elements at ``paths`` (default: those the Signature references, by Id);
    False if they cannot be found. Content that breaks a facet on purpose is digested as it is."""
    paths = paths if paths is not None else signed_paths(message)
    elements = elements_at(message, paths) if paths else None
    if not elements:
        return False
    message.content["Header"]["Signature"] = signature.sign(elements, key, validate=False)
    return True


def other_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key that belongs to no certificate of any PKI."""
    return ec.generate_private_key(ec.SECP256R1())


def _flip_last_bit(value: Any) -> Any:
    if isinstance(value, dict):  # an element with attributes: its text
        return {**value, "#text": _flip_last_bit(value.get("#text", b""))}
    data = bytearray(value or b"\x00")
    data[-1] ^= 0x01
    return bytes(data)


def corrupt_signature(message: Message) -> bool:
    """Flip one bit of SignatureValue; False when the message is not signed."""
    sig = header_signature(message)
    if not isinstance(sig, dict) or "SignatureValue" not in sig:
        return False
    sig["SignatureValue"] = _flip_last_bit(sig["SignatureValue"])
    return True


def corrupt_digest(message: Message, key: ec.EllipticCurvePrivateKey | None) -> bool:
    """Flip one bit of the first Reference's DigestValue; with ``key``, SignedInfo is signed again so
    that only the digest is wrong."""
    sig = header_signature(message)
    references = sig.get("SignedInfo", {}).get("Reference") if isinstance(sig, dict) else None
    first = references[0] if isinstance(references, list) and references else references
    if not isinstance(first, dict):
        return False
    first["DigestValue"] = _flip_last_bit(first.get("DigestValue"))
    if key is not None:
        sig["SignatureValue"] = signature.signature_value(sig["SignedInfo"], key)
    return True


def omit_signature(message: Message) -> bool:
    header = message.content.get("Header")
    return isinstance(header, dict) and header.pop("Signature", None) is not None


def replace_chain(body: dict[str, Any], element: str, credential: Credential) -> Any:
    """Put ``credential``'s chain into ``body[element]`` (keeping its @Id); returns the leaf DER it replaced."""
    old = body.get(element)
    element_id = old.get("@Id") if isinstance(old, dict) else None
    body[element] = chain_tree(credential.certificate, credential.sub_cas, element_id)
    return old.get("Certificate") if isinstance(old, dict) else None


def gen_challenge(kind: str, received: bytes | None, earlier: bytes | None) -> bytes | None:
    """The GenChallenge a fault sends instead of ``received``: 'wrong' (another random one), 'stale'
    (``earlier``, one of an earlier session), 'short' (15 bytes: genChallengeType has exactly 16),
    'zero' (16 zero bytes: not fresh [V2G2-475]), 'missing' (None: left out)."""
    if kind == "wrong":
        value = os.urandom(GEN_CHALLENGE_LENGTH)
        return value if value != received else bytes(b ^ 0xFF for b in value)
    if kind == "stale":
        if earlier is None:
            raise ValueError("no GenChallenge of an earlier session to reuse (run a Plug & Charge session first)")
        return earlier
    if kind == "short":
        return (received or os.urandom(GEN_CHALLENGE_LENGTH))[: GEN_CHALLENGE_LENGTH - 1]
    if kind == "zero":
        return bytes(GEN_CHALLENGE_LENGTH)
    if kind == "missing":
        return None
    raise ValueError(f"unknown GenChallenge fault {kind!r}")
