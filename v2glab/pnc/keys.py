"""The contract private key sent in CertificateInstallationRes / CertificateUpdateRes.

ISO 15118-2 [V2G2-818]..: the SECC (for the CPS) makes an ephemeral P-256 key pair,
derives a session key from ECDH with the EV's key (the OEM provisioning certificate's
for an installation, the current contract certificate's for an update), and encrypts
the 32-byte private scalar with AES-128-CBC, no padding, the IV prepended:

    Z   = ECDH(ephemeral private, recipient public)        x-coordinate, 32 bytes
    key = ConcatKDF-SHA256(Z, 128 bits, OtherInfo = 01 || 55 || 56)   (NIST SP 800-56A)
    ContractSignatureEncryptedPrivateKey = IV || AES-128-CBC(key, IV, d)    48 bytes
    DHpublickey = 04 || X || Y of the ephemeral public key                 65 bytes
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from .errors import FAILED, PnCError

# OtherInfo: AlgorithmID 0x01, PartyUInfo 0x55 ('U'), PartyVInfo 0x56 ('V'), no SuppPubInfo/SuppPrivInfo [V2G2-818]
OTHER_INFO = b"\x01\x55\x56"
ENCRYPTED_KEY_LENGTH = 48
DH_PUBLIC_KEY_LENGTH = 65


def session_key(own: ec.EllipticCurvePrivateKey, peer: ec.EllipticCurvePublicKey) -> bytes:
    """The 128-bit AES key both sides derive from their ECDH shared secret."""
    shared = own.exchange(ec.ECDH(), peer)
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=16, otherinfo=OTHER_INFO).derive(shared)


def encrypt_contract_key(contract_key: ec.EllipticCurvePrivateKey, recipient: ec.EllipticCurvePublicKey, *,
                         ephemeral: ec.EllipticCurvePrivateKey | None = None, iv: bytes | None = None) -> tuple[bytes, bytes]:
    """Returns (ContractSignatureEncryptedPrivateKey, DHpublickey) for ``recipient``."""
    ephemeral = ephemeral or ec.generate_private_key(ec.SECP256R1())
    iv = iv if iv is not None else os.urandom(16)
    scalar = contract_key.private_numbers().private_value.to_bytes(32, "big")
    encryptor = Cipher(algorithms.AES(session_key(ephemeral, recipient)), modes.CBC(iv)).encryptor()
    encrypted = iv + encryptor.update(scalar) + encryptor.finalize()
    dh_public = ephemeral.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return encrypted, dh_public


def decrypt_contract_key(encrypted: bytes, dh_public_key: bytes, own: ec.EllipticCurvePrivateKey,
                         expected: ec.EllipticCurvePublicKey | None = None) -> ec.EllipticCurvePrivateKey:
    """The EV side: recover the contract private key; with ``expected`` (the new contract
    certificate's public key) also check that the key belongs to that certificate."""
    if len(encrypted) != ENCRYPTED_KEY_LENGTH:
        raise PnCError(FAILED, f"ContractSignatureEncryptedPrivateKey is {len(encrypted)} bytes, not IV + 32 = {ENCRYPTED_KEY_LENGTH}")
    if len(dh_public_key) != DH_PUBLIC_KEY_LENGTH or dh_public_key[0] != 4:
        raise PnCError(FAILED, f"DHpublickey is not an uncompressed P-256 point (04 || X || Y, {DH_PUBLIC_KEY_LENGTH} bytes)")
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), dh_public_key)
    except ValueError:
        raise PnCError(FAILED, "DHpublickey is not a point on P-256") from None
    decryptor = Cipher(algorithms.AES(session_key(own, peer)), modes.CBC(encrypted[:16])).decryptor()
    scalar = int.from_bytes(decryptor.update(encrypted[16:]) + decryptor.finalize(), "big")
    try:
        key = ec.derive_private_key(scalar, ec.SECP256R1())
    except ValueError:
        raise PnCError(FAILED, "the decrypted contract key is not a valid P-256 private key") from None
    if expected is not None and key.public_key() != expected:
        raise PnCError(FAILED, "the decrypted contract key does not belong to the contract certificate")
    return key
