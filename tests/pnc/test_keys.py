"""Contract key encryption for CertificateInstallationRes / CertificateUpdateRes."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from v2glab.pnc import PnCError, decrypt_contract_key, encrypt_contract_key
from v2glab.pnc.keys import session_key


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def test_round_trip_gives_the_same_contract_key() -> None:
    oem, contract = _key(), _key()
    encrypted, dh_public = encrypt_contract_key(contract, oem.public_key())
    assert len(encrypted) == 48 and len(dh_public) == 65 and dh_public[0] == 4
    back = decrypt_contract_key(encrypted, dh_public, oem, expected=contract.public_key())
    assert back.private_numbers().private_value == contract.private_numbers().private_value


def test_session_key_is_the_standards_concat_kdf() -> None:
    # [V2G2-818]: key = first 128 bits of SHA-256(counter 00000001 || Z || 01 55 56), computed here by hand
    a, b = _key(), _key()
    z = a.exchange(ec.ECDH(), b.public_key())
    assert session_key(a, b.public_key()) == hashlib.sha256(b"\x00\x00\x00\x01" + z + b"\x01\x55\x56").digest()[:16]
    assert session_key(b, a.public_key()) == session_key(a, b.public_key())


def test_layout_is_iv_then_two_blocks_without_padding() -> None:
    oem, contract, ephemeral = _key(), _key(), _key()
    iv = bytes(range(16))
    encrypted, dh_public = encrypt_contract_key(contract, oem.public_key(), ephemeral=ephemeral, iv=iv)
    assert encrypted[:16] == iv
    aes = Cipher(algorithms.AES(session_key(ephemeral, oem.public_key())), modes.CBC(iv)).decryptor()
    plain = aes.update(encrypted[16:]) + aes.finalize()
    assert plain == contract.private_numbers().private_value.to_bytes(32, "big")


def test_a_different_recipient_key_does_not_recover_the_key() -> None:
    oem, other, contract = _key(), _key(), _key()
    encrypted, dh_public = encrypt_contract_key(contract, oem.public_key())
    with pytest.raises(PnCError, match="does not belong|not a valid"):
        decrypt_contract_key(encrypted, dh_public, other, expected=contract.public_key())


@pytest.mark.parametrize("cut, fault", [(47, "encrypted"), (65, "dh")])
def test_malformed_fields_are_refused(cut: int, fault: str) -> None:
    oem, contract = _key(), _key()
    encrypted, dh_public = encrypt_contract_key(contract, oem.public_key())
    if fault == "encrypted":
        with pytest.raises(PnCError, match="47 bytes"):
            decrypt_contract_key(encrypted[:cut], dh_public, oem)
    else:
        with pytest.raises(PnCError, match="not a point on P-256"):
            decrypt_contract_key(encrypted, dh_public[:64] + bytes([dh_public[64] ^ 1]), oem)
