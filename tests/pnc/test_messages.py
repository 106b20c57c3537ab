"""Both sides' Plug & Charge steps, each FAILED code from its fault, and interop with Josev's signing code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.josev import run_josev
from v2glab import exi
from v2glab.pki import Credential, load_pki
from v2glab.pnc import PnCError, messages as m

NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def pki(v2glab_pki: Path):
    return load_pki(v2glab_pki)


def provisioning(pki, **changes) -> m.Provisioning:
    p = m.Provisioning(cps=pki.cps, mo_issuer=pki.mo_sub_ca2, contract=pki.contract, mo_roots=(pki.mo_root,))
    return dataclasses.replace(p, **changes)


def code_of(fn) -> str:
    with pytest.raises(PnCError) as caught:
        fn()
    return caught.value.response_code


def over_the_wire(body_name: str, body: dict, sig: dict | None) -> tuple[dict, dict | None]:
    header = {"SessionID": bytes(8), **({"Signature": sig} if sig else {})}
    msg = exi.Message("iso15118-2", "V2G_Message", {"Header": header, "Body": {body_name: body}})
    back = exi.decode(exi.encode(msg), "iso15118-2").content
    return back["Body"][body_name], back["Header"].get("Signature")


# --------------------------------------------------------------------------- installation and update
def test_installation_round_trip_decrypts_the_key_the_secc_encrypted(pki) -> None:
    req, sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    req, sig = over_the_wire("CertificateInstallationReq", req, sig)
    res, res_sig, handed_out = m.certificate_installation_res(req, sig, provisioning(pki))
    res, res_sig = over_the_wire("CertificateInstallationRes", res, res_sig)
    new = m.accept_provisioning_res(res, res_sig, [pki.v2g_root], pki.oem.key)
    assert new.key.private_numbers() == handed_out.key.private_numbers()
    assert new.certificate == handed_out.certificate and new.sub_cas == handed_out.sub_cas
    # the new contract is good for PaymentDetails
    assert m.check_payment_details(m.payment_details_req(new), [pki.mo_root]).leaf == new.certificate


def test_update_encrypts_for_the_current_contract_key(pki) -> None:
    req, sig = m.certificate_update_req(pki.contract, [pki.v2g_root])
    req, sig = over_the_wire("CertificateUpdateReq", req, sig)
    res, res_sig, handed_out = m.certificate_update_res(req, sig, provisioning(pki))
    res, res_sig = over_the_wire("CertificateUpdateRes", res, res_sig)
    with pytest.raises(PnCError, match="does not belong|not a valid"):
        m.accept_provisioning_res(res, res_sig, [pki.v2g_root], pki.oem.key)  # the OEM key is the wrong one for an update
    new = m.accept_provisioning_res(res, res_sig, [pki.v2g_root], pki.contract.key)
    assert new.key.private_numbers() == handed_out.key.private_numbers()
    assert new.key.private_numbers() != pki.contract.key.private_numbers()


def test_installation_falls_back_to_the_pki_contract_without_an_issuer_key(pki) -> None:
    req, sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    res, res_sig, handed_out = m.certificate_installation_res(req, sig, provisioning(pki, mo_issuer=None))
    assert handed_out is pki.contract
    assert m.accept_provisioning_res(res, res_sig, [pki.v2g_root], pki.oem.key).certificate == pki.contract.certificate


def test_installation_failures(pki) -> None:
    req, sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    forged = dict(req, ListOfRootCertificateIDs={"RootCertificateID": []})
    forged["ListOfRootCertificateIDs"] = m.root_certificate_ids([pki.mo_root])
    assert code_of(lambda: m.certificate_installation_res(forged, sig, provisioning(pki))) == "FAILED_SignatureError"
    assert code_of(lambda: m.certificate_installation_res(req, None, provisioning(pki))) == "FAILED_SignatureError"
    assert code_of(lambda: m.certificate_installation_res(req, sig, provisioning(pki), now=NOW + dt.timedelta(days=2000))) == "FAILED_CertificateExpired"
    assert code_of(lambda: m.certificate_installation_res(req, sig, provisioning(pki, cps=None))) == "FAILED_NoCertificateAvailable"
    assert code_of(lambda: m.certificate_installation_res(req, sig, provisioning(pki, mo_issuer=None, contract=None))) == "FAILED_NoCertificateAvailable"
    # the SECC knows its OEM Sub-CA 2: an OEM certificate of another PKI is refused
    assert code_of(lambda: m.certificate_installation_res(req, sig, provisioning(pki, oem_issuers=(pki.cps.sub_cas[0],)))) == "FAILED"
    m.certificate_installation_res(req, sig, provisioning(pki, oem_issuers=(pki.oem.sub_cas[0],)))
    # an SECC certificate in place of the OEM provisioning certificate: wrong domainComponent
    secc_as_oem = Credential(pki.secc.certificate, pki.secc.key)
    req2, sig2 = m.certificate_installation_req(secc_as_oem, [pki.v2g_root])
    assert code_of(lambda: m.certificate_installation_res(req2, sig2, provisioning(pki))) == "FAILED"


def test_update_failures(pki) -> None:
    req, sig = m.certificate_update_req(pki.contract, [pki.v2g_root])
    other_key = ec.generate_private_key(ec.SECP256R1())
    _, bad_sig = m.certificate_update_req(Credential(pki.contract.certificate, other_key, pki.contract.sub_cas), [pki.v2g_root])
    assert code_of(lambda: m.certificate_update_res(req, bad_sig, provisioning(pki))) == "FAILED_SignatureError"
    assert code_of(lambda: m.certificate_update_res(req, sig, provisioning(pki), now=NOW + dt.timedelta(days=3000))) == "FAILED_CertificateExpired"
    assert code_of(lambda: m.certificate_update_res(req, sig, provisioning(pki, mo_roots=()))) == "FAILED_NoCertificateAvailable"
    wrong = dict(req, eMAID="DEV2GC000000009")
    _, wrong_sig = m.certificate_update_req(pki.contract, [pki.v2g_root])
    assert code_of(lambda: m.certificate_update_res(wrong, wrong_sig, provisioning(pki))) == "FAILED_CertChainError"


@pytest.mark.parametrize("fault, reason", [
    ("cps_signature", "digest of eMAID"),
    ("dh_public_key", "does not belong|not a valid|not a point"),
    ("short_key", "47 bytes"),
    ("untrusted_cps", "not issued by a trusted root"),
])
def test_ev_refuses_a_bad_installation_response(pki, fault: str, reason: str) -> None:
    req, sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    res, res_sig, _ = m.certificate_installation_res(req, sig, provisioning(pki))
    roots = [pki.v2g_root]
    if fault == "cps_signature":
        res["eMAID"] = dict(res["eMAID"], **{"#text": "DEV2GC000000002"})
    elif fault == "dh_public_key":
        res["DHpublickey"] = dict(res["DHpublickey"], **{"#text": m.keys.encrypt_contract_key(pki.oem.key, pki.oem.key.public_key())[1]})
        res_sig = m.signature.sign(m.signed_parts(res), pki.cps.key)
    elif fault == "short_key":
        res["ContractSignatureEncryptedPrivateKey"] = dict(res["ContractSignatureEncryptedPrivateKey"], **{"#text": bytes(47)})
        res_sig = m.signature.sign(m.signed_parts(res), pki.cps.key)
    else:
        roots = [pki.mo_root]
    with pytest.raises(PnCError, match=reason):
        m.accept_provisioning_res(res, res_sig, roots, pki.oem.key)


# --------------------------------------------------------------------------- PaymentDetails, Authorization, MeteringReceipt
def test_authorization_challenge_and_signature(pki) -> None:
    challenge = m.new_gen_challenge()
    assert len(challenge) == 16 and challenge != m.new_gen_challenge()
    req, sig = over_the_wire("AuthorizationReq", *m.authorization_req(challenge, pki.contract.key))
    public = pki.contract.certificate.public_key()
    m.check_authorization(req, sig, challenge, public)
    stale = m.new_gen_challenge()
    assert code_of(lambda: m.check_authorization(req, sig, stale, public)) == "FAILED_ChallengeInvalid"
    assert code_of(lambda: m.check_authorization(req, sig, None, public)) == "FAILED_ChallengeInvalid"
    no_challenge = {"@Id": "ID1"}
    assert code_of(lambda: m.check_authorization(no_challenge, m.signature.sign([("AuthorizationReq", no_challenge)], pki.contract.key),
                                                 challenge, public)) == "FAILED_ChallengeInvalid"
    other = ec.generate_private_key(ec.SECP256R1())
    _, other_sig = m.authorization_req(challenge, other)
    assert code_of(lambda: m.check_authorization(req, other_sig, challenge, public)) == "FAILED_SignatureError"
    assert code_of(lambda: m.check_authorization(req, None, challenge, public)) == "FAILED_SignatureError"


def test_metering_receipt(pki) -> None:
    req = {"@Id": "ID1", "SessionID": bytes(8), "SAScheduleTupleID": 1, "MeterInfo": {"MeterID": "M1", "MeterReading": 1234}}
    sig = m.sign_metering_receipt(req, pki.contract.key)
    req, sig = over_the_wire("MeteringReceiptReq", req, sig)
    public = pki.contract.certificate.public_key()
    m.check_metering_receipt(req, sig, public, meter_reading=1234)
    assert code_of(lambda: m.check_metering_receipt(req, sig, public, meter_reading=1235)) == "FAILED_MeteringSignatureNotValid"
    changed = dict(req, MeterInfo={"MeterID": "M1", "MeterReading": 1})
    assert code_of(lambda: m.check_metering_receipt(changed, sig, public)) == "FAILED_MeteringSignatureNotValid"


def test_payment_details_codes(pki) -> None:
    req = m.payment_details_req(pki.contract)
    assert m.check_payment_details(req, [pki.mo_root]).response_code == "OK"
    assert code_of(lambda: m.check_payment_details(dict(req, eMAID="DEV2GC000000002"), [pki.mo_root])) == "FAILED_CertChainError"
    assert code_of(lambda: m.check_payment_details(req, [])) == "FAILED_NoCertificateAvailable"
    assert code_of(lambda: m.check_payment_details({"eMAID": "DEV2GC000000001"}, [pki.mo_root])) == "FAILED_CertChainError"
    assert code_of(lambda: m.check_payment_details(req, [pki.mo_root], canceled_emaids=["DEV2GC000000001"])) == "FAILED_ContractCanceled"


# --------------------------------------------------------------------------- an independent implementation: Josev
def test_josev_secc_installation_response_is_accepted(josev_pki: Path) -> None:
    """Josev's SECC builds and signs a CertificateInstallationRes (four references, eMAID among
    them) and encrypts its contract key; v2glab's EV verifies and decrypts it."""
    out = run_josev(
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.secc.states.iso15118_2_states import CertificateInstallation\n"
        "from iso15118.shared.messages.iso15118_2.body import Body\n"
        "from iso15118.shared.messages.iso15118_2.header import MessageHeader\n"
        "from iso15118.shared.messages.iso15118_2.msgdef import V2GMessage\n"
        "res, sig = CertificateInstallation.generate_certificate_installation_res(None)\n"
        "msg = V2GMessage(header=MessageHeader(session_id='0102030405060708', signature=sig), body=Body(certificate_installation_res=res))\n"
        "print(EXI().to_exi(msg, Namespace.ISO_V2_MSG_DEF).hex())\n",
        env={"PKI_PATH": str(josev_pki) + "/"},
    )
    msg = exi.decode(bytes.fromhex(out), "iso15118-2").content
    pki = load_pki(josev_pki)
    new = m.accept_provisioning_res(msg["Body"]["CertificateInstallationRes"], msg["Header"]["Signature"], [pki.v2g_root], pki.oem.key)
    assert new.certificate == pki.contract.certificate
    assert new.key.private_numbers() == pki.contract.key.private_numbers()


def test_josev_ev_authorization_signature_verifies(josev_pki: Path) -> None:
    challenge = m.new_gen_challenge()
    out = run_josev(
        "import sys\n"
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.shared.messages.iso15118_2.body import AuthorizationReq, Body\n"
        "from iso15118.shared.messages.iso15118_2.header import MessageHeader\n"
        "from iso15118.shared.messages.iso15118_2.msgdef import V2GMessage\n"
        "from iso15118.shared.security import KeyEncoding, KeyPasswordPath, KeyPath, create_signature, load_priv_key\n"
        "req = AuthorizationReq(id='id1', gen_challenge=bytes.fromhex(sys.argv[1]))\n"
        "key = load_priv_key(KeyPath.CONTRACT_LEAF_PEM, KeyEncoding.PEM, KeyPasswordPath.CONTRACT_LEAF_KEY_PASSWORD)\n"
        "sig = create_signature([(req.id, EXI().to_exi(req, Namespace.ISO_V2_MSG_DEF))], key)\n"
        "msg = V2GMessage(header=MessageHeader(session_id='0102030405060708', signature=sig), body=Body(authorization_req=req))\n"
        "print(EXI().to_exi(msg, Namespace.ISO_V2_MSG_DEF).hex())\n",
        challenge.hex(), env={"PKI_PATH": str(josev_pki) + "/"},
    )
    msg = exi.decode(bytes.fromhex(out), "iso15118-2").content
    pki = load_pki(josev_pki)
    chain = m.check_payment_details(m.payment_details_req(pki.contract), [pki.mo_root])
    req, sig = msg["Body"]["AuthorizationReq"], msg["Header"]["Signature"]
    m.check_authorization(req, sig, challenge, chain.public_key)
    assert code_of(lambda: m.check_authorization(req, sig, m.new_gen_challenge(), chain.public_key)) == "FAILED_ChallengeInvalid"


def test_josev_verifies_and_decrypts_what_v2glab_signs(josev_pki: Path) -> None:
    """The other way round: Josev's EV checks a v2glab CertificateInstallationRes and AuthorizationReq."""
    pki = load_pki(josev_pki)
    req, sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    res, res_sig, handed_out = m.certificate_installation_res(req, sig, provisioning(pki))
    install = exi.encode(exi.Message("iso15118-2", "V2G_Message", {"Header": {"SessionID": bytes(8), "Signature": res_sig},
                                                                    "Body": {"CertificateInstallationRes": res}}))
    auth_req, auth_sig = m.authorization_req(bytes(range(16)), handed_out.key)
    auth = exi.encode(exi.Message("iso15118-2", "V2G_Message", {"Header": {"SessionID": bytes(8), "Signature": auth_sig},
                                                                 "Body": {"AuthorizationReq": auth_req}}))
    out = run_josev(
        "import sys\n"
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.shared.security import (CertPath, KeyEncoding, KeyPasswordPath, KeyPath, decrypt_priv_key, load_cert,\n"
        "    load_priv_key, to_ec_pub_key, verify_signature)\n"
        "msg = EXI().from_exi(bytes.fromhex(sys.argv[1]), Namespace.ISO_V2_MSG_DEF)\n"
        "res = msg.body.certificate_installation_res\n"
        "parts = [(e.id, EXI().to_exi(e, Namespace.ISO_V2_MSG_DEF)) for e in (res.contract_cert_chain, res.encrypted_private_key, res.dh_public_key, res.emaid)]\n"
        "ok = verify_signature(msg.header.signature, parts, res.cps_cert_chain.certificate, res.cps_cert_chain.sub_certificates.certificates,\n"
        "                      load_cert(CertPath.V2G_ROOT_DER))\n"
        "oem = load_priv_key(KeyPath.OEM_LEAF_PEM, KeyEncoding.PEM, KeyPasswordPath.OEM_LEAF_KEY_PASSWORD)\n"
        "key = decrypt_priv_key(res.encrypted_private_key.value, oem, to_ec_pub_key(res.dh_public_key.value))\n"
        "auth = EXI().from_exi(bytes.fromhex(sys.argv[2]), Namespace.ISO_V2_MSG_DEF)\n"
        "a = auth.body.authorization_req\n"
        "ok2 = verify_signature(auth.header.signature, [(a.id, EXI().to_exi(a, Namespace.ISO_V2_MSG_DEF))], res.contract_cert_chain.certificate)\n"
        "print(ok, ok2, key.hex())\n",
        install.hex(), auth.hex(), env={"PKI_PATH": str(josev_pki) + "/"},
    )
    ok, ok2, key_hex = out.split()
    assert (ok, ok2) == ("True", "True")
    assert int(key_hex, 16) == handed_out.key.private_numbers().private_value


def test_josev_ev_metering_receipt_signature_verifies(josev_pki: Path) -> None:
    out = run_josev(
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.shared.messages.iso15118_2.body import Body, MeteringReceiptReq\n"
        "from iso15118.shared.messages.iso15118_2.datatypes import MeterInfo\n"
        "from iso15118.shared.messages.iso15118_2.header import MessageHeader\n"
        "from iso15118.shared.messages.iso15118_2.msgdef import V2GMessage\n"
        "from iso15118.shared.security import KeyEncoding, KeyPasswordPath, KeyPath, create_signature, load_priv_key\n"
        "req = MeteringReceiptReq(id='id1', session_id='0102030405060708', sa_schedule_tuple_id=1,\n"
        "                         meter_info=MeterInfo(meter_id='M1', meter_reading=1234, t_meter=1700000000))\n"
        "key = load_priv_key(KeyPath.CONTRACT_LEAF_PEM, KeyEncoding.PEM, KeyPasswordPath.CONTRACT_LEAF_KEY_PASSWORD)\n"
        "sig = create_signature([(req.id, EXI().to_exi(req, Namespace.ISO_V2_MSG_DEF))], key)\n"
        "msg = V2GMessage(header=MessageHeader(session_id='0102030405060708', signature=sig), body=Body(metering_receipt_req=req))\n"
        "print(EXI().to_exi(msg, Namespace.ISO_V2_MSG_DEF).hex())\n",
        env={"PKI_PATH": str(josev_pki) + "/"},
    )
    msg = exi.decode(bytes.fromhex(out), "iso15118-2").content
    public = load_pki(josev_pki).contract.certificate.public_key()
    req, sig = msg["Body"]["MeteringReceiptReq"], msg["Header"]["Signature"]
    m.check_metering_receipt(req, sig, public, meter_reading=1234)
    assert code_of(lambda: m.check_metering_receipt(req, sig, public, meter_reading=1235)) == "FAILED_MeteringSignatureNotValid"
