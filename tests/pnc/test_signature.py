"""xmldsig signatures over EXI fragments: sign, verify, and every tampering caught."""

from __future__ import annotations

import copy

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from v2glab import exi
from v2glab.pnc import PnCError, signature

KEY = ec.generate_private_key(ec.SECP256R1())
REQ = {"@Id": "ID1", "GenChallenge": bytes(range(16))}


def _signed() -> tuple[dict, dict]:
    body = copy.deepcopy(REQ)
    return body, signature.sign([("AuthorizationReq", body)], KEY)


def test_sign_then_verify() -> None:
    body, sig = _signed()
    ref = sig["SignedInfo"]["Reference"][0]
    assert ref["@URI"] == "#ID1" and len(sig["SignatureValue"]) == 64
    signature.verify(sig, [("AuthorizationReq", body)], KEY.public_key())


def test_signature_value_is_ecdsa_over_the_xmldsig_fragment_of_signed_info() -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    body, sig = _signed()
    data = exi.encode_fragment("SignedInfo", sig["SignedInfo"], schema="xmldsig")
    assert data[0] == 0x80 and data[1] >> 2 == 32  # SignedInfo = xmldsig fragment element 32, 6-bit code
    value = sig["SignatureValue"]
    KEY.public_key().verify(encode_dss_signature(int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")),
                            data, ec.ECDSA(hashes.SHA256()))


def test_signature_survives_the_whole_message_codec() -> None:
    body, sig = _signed()
    msg = exi.Message("iso15118-2", "V2G_Message", {"Header": {"SessionID": bytes(8), "Signature": sig}, "Body": {"AuthorizationReq": body}})
    back = exi.decode(exi.encode(msg), "iso15118-2").content
    signature.verify(back["Header"]["Signature"], [("AuthorizationReq", back["Body"]["AuthorizationReq"])], KEY.public_key())


def _tamper_body(body: dict, sig: dict) -> None:
    body["GenChallenge"] = bytes(16)


def _flip_value(body: dict, sig: dict) -> None:
    sig["SignatureValue"] = sig["SignatureValue"][:-1] + bytes([sig["SignatureValue"][-1] ^ 1])


def _flip_digest(body: dict, sig: dict) -> None:
    ref = sig["SignedInfo"]["Reference"][0]
    ref["DigestValue"] = bytes([ref["DigestValue"][0] ^ 1]) + ref["DigestValue"][1:]


def _der_value(body: dict, sig: dict) -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    v = sig["SignatureValue"]
    sig["SignatureValue"] = encode_dss_signature(int.from_bytes(v[:32], "big"), int.from_bytes(v[32:], "big"))


def _second_reference(body: dict, sig: dict) -> None:
    extra = copy.deepcopy(sig["SignedInfo"]["Reference"][0])
    extra["@URI"] = "#ID9"
    sig["SignedInfo"]["Reference"].append(extra)


def _wrong_uri(body: dict, sig: dict) -> None:
    sig["SignedInfo"]["Reference"][0]["@URI"] = "#ID2"


def _other_digest_method(body: dict, sig: dict) -> None:
    sig["SignedInfo"]["Reference"][0]["DigestMethod"]["@Algorithm"] = "http://www.w3.org/2000/09/xmldsig#sha1"


def _other_canonicalization(body: dict, sig: dict) -> None:
    sig["SignedInfo"]["CanonicalizationMethod"]["@Algorithm"] = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _other_signature_method(body: dict, sig: dict) -> None:
    sig["SignedInfo"]["SignatureMethod"]["@Algorithm"] = "http://www.w3.org/2000/09/xmldsig#dsa-sha1"


def _other_key(body: dict, sig: dict) -> None:
    sig.update(signature.sign([("AuthorizationReq", body)], ec.generate_private_key(ec.SECP256R1())))


def _no_signature(body: dict, sig: dict) -> None:
    sig.clear()


def _signed_info_changed_after_signing(body: dict, sig: dict) -> None:
    sig["SignedInfo"]["Reference"][0]["Transforms"]["Transform"].append({"@Algorithm": signature.CANONICAL_EXI})


@pytest.mark.parametrize("tamper, reason", [
    (_tamper_body, "digest of AuthorizationReq"),
    (_flip_value, "does not verify"),
    (_flip_digest, "digest of AuthorizationReq"),
    (_der_value, "64 bytes"),
    (_second_reference, "not signed here: #ID9"),
    (_wrong_uri, "no Reference for AuthorizationReq"),
    (_other_digest_method, "DigestMethod"),
    (_other_canonicalization, "CanonicalizationMethod"),
    (_other_signature_method, "SignatureMethod"),
    (_other_key, "does not verify"),
    (_no_signature, "no Signature"),
    (_signed_info_changed_after_signing, "only Transform"),
])
def test_each_tampering_is_detected(tamper, reason: str) -> None:
    body, sig = _signed()
    tamper(body, sig)
    with pytest.raises(PnCError, match=reason) as caught:
        signature.verify(sig, [("AuthorizationReq", body)], KEY.public_key())
    assert caught.value.response_code == "FAILED_SignatureError"


def test_failure_code_is_the_callers() -> None:
    body, sig = _signed()
    _flip_value(body, sig)
    with pytest.raises(PnCError) as caught:
        signature.verify(sig, [("AuthorizationReq", body)], KEY.public_key(), failure="FAILED_MeteringSignatureNotValid")
    assert caught.value.response_code == "FAILED_MeteringSignatureNotValid"


def test_four_references_with_the_emaid_fragment() -> None:
    parts = [
        ("ContractSignatureCertChain", {"@Id": "id1", "Certificate": b"\x30\x01"}),
        ("ContractSignatureEncryptedPrivateKey", {"@Id": "id2", "#text": bytes(48)}),
        ("DHpublickey", {"@Id": "id3", "#text": b"\x04" + bytes(64)}),
        ("eMAID", {"@Id": "id4", "#text": "DEV2GC000000001"}),
    ]
    sig = signature.sign(parts, KEY)
    assert [r["@URI"] for r in sig["SignedInfo"]["Reference"]] == ["#id1", "#id2", "#id3", "#id4"]
    signature.verify(sig, parts, KEY.public_key())
    parts[3] = ("eMAID", {"@Id": "id4", "#text": "DEV2GC000000002"})
    with pytest.raises(PnCError, match="digest of eMAID"):
        signature.verify(sig, parts, KEY.public_key())
