"""Plug & Charge through the ISO 15118-2 charger and car, sans-I/O: full sessions, and each
FAILED code the SECC answers to its fault, each followed by a good session."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.helpers import ISO2, ISO2_NAMESPACE, run_pair
from tests.pnc_profiles import evcc_profile, secc_profile, with_contract
from v2glab import exi
from v2glab.pki import Credential, load_pki
from v2glab.pki.build import issue, name
from v2glab.pki.faults import contract_fault, revocation_list
from v2glab.pnc import messages as m
from v2glab.profiles import load_profile
from v2glab.protocols.events import Close, Note, Send
from v2glab.secc.session import SeccSession, SessionStore
from v2glab.v2gtp import frame

SID = bytes.fromhex("0102030405060708")


def answered(messages: list[exi.Message], name: str) -> str | None:
    codes = [msg.body.get("ResponseCode") for msg in messages if msg.body_name == name]
    return codes[-1] if codes else None


# --------------------------------------------------------------------------- good sessions
@pytest.mark.parametrize("mode", ["ac", "dc"])
@pytest.mark.parametrize("how", ["contract", "install", "update"])
def test_plug_and_charge_session(v2glab_pki: Path, mode: str, how: str) -> None:
    flags = {"install": {"cert_install": True}, "update": {"cert_update": True}}.get(how, {})
    messages, secc, evcc = run_pair(secc_profile(v2glab_pki, mode), evcc_profile(v2glab_pki, mode, **flags))
    assert secc.ok and evcc.ok, (secc.reason, evcc.reason)
    names = [msg.body_name for msg in messages]
    provisioning = {"install": "CertificateInstallation", "update": "CertificateUpdate"}.get(how)
    expected = ["PaymentServiceSelectionRes", *([f"{provisioning}Req", f"{provisioning}Res"] if provisioning else []), "PaymentDetailsReq"]
    start = names.index("PaymentServiceSelectionRes")
    assert names[start:start + len(expected)] == expected
    by_name = {msg.body_name: msg for msg in messages}
    offer = by_name["ServiceDiscoveryRes"].body
    assert offer["PaymentOptionList"]["PaymentOption"][0] == "Contract" and offer["ServiceList"]["Service"][0]["ServiceID"] == 2
    assert "Signature" in by_name["AuthorizationReq"].content["Header"]
    assert "Signature" in by_name["MeteringReceiptReq"].content["Header"] and answered(messages, "MeteringReceiptRes") == "OK"
    if provisioning:
        assert "Signature" in by_name[f"{provisioning}Req"].content["Header"] and "Signature" in by_name[f"{provisioning}Res"].content["Header"]
        # the car paid with the new contract, not the PKI's
        paid_with = by_name["PaymentDetailsReq"].body["ContractSignatureCertChain"]["Certificate"]
        assert paid_with == by_name[f"{provisioning}Res"].body["ContractSignatureCertChain"]["Certificate"]
        assert paid_with != load_pki(v2glab_pki).contract.der()
    selected = [s["ServiceID"] for s in by_name["PaymentServiceSelectionReq"].body["SelectedServiceList"]["SelectedService"]]
    assert selected == ([1, 2] if provisioning else [1])


def test_without_pnc_the_secc_does_not_offer_contract(v2glab_pki: Path) -> None:
    plain = load_profile("secc", "ac")
    messages, secc, evcc = run_pair(plain, evcc_profile(v2glab_pki))
    assert not evcc.ok and "does not offer Contract" in evcc.reason
    offer = next(msg for msg in messages if msg.body_name == "ServiceDiscoveryRes").body
    assert "Contract" not in offer["PaymentOptionList"]["PaymentOption"] and "ServiceList" not in offer


# --------------------------------------------------------------------------- each fault, then a good session
def _fault_case(fault: str, pki_dir: Path, tmp: Path) -> tuple[dict, dict, str, str]:
    """(SECC profile, EV profile, the response that fails, the code it carries)."""
    pki = load_pki(pki_dir)
    secc, ev = secc_profile(pki_dir), evcc_profile(pki_dir)
    if fault in ("expired", "not_yet_valid", "untrusted", "wrong_signature"):
        ev = evcc_profile(with_contract(pki_dir, tmp / "ev", contract_fault(pki, fault)))
        code = "FAILED_CertificateExpired" if fault in ("expired", "not_yet_valid") else "FAILED_CertChainError"
        return secc, ev, "PaymentDetailsRes", code
    if fault == "revoked":
        bad = contract_fault(pki, "revoked")
        secc_dir = shutil.copytree(pki_dir, tmp / "secc")
        (secc_dir / "crls").mkdir(exist_ok=True)
        (secc_dir / "crls" / "mo.pem").write_bytes(revocation_list(pki, [bad.certificate]).public_bytes(serialization.Encoding.PEM))
        return secc_profile(secc_dir), evcc_profile(with_contract(pki_dir, tmp / "ev", bad)), "PaymentDetailsRes", "FAILED_CertificateRevoked"
    if fault == "canceled":  # a good chain for another eMAID of the same MO, which the SECC lists as canceled
        other = contract_fault(pki, "wrong_emaid")
        canceled = m.certs.common_name(other.certificate)
        return secc_profile(pki_dir, canceled_emaids=[canceled]), evcc_profile(with_contract(pki_dir, tmp / "ev", other)), \
            "PaymentDetailsRes", "FAILED_ContractCanceled"
    if fault == "no_root":
        secc_dir = shutil.copytree(pki_dir, tmp / "secc")
        for root in ("mo_root", "v2g_root"):
            (secc_dir / f"{root}.pem").unlink()
        return secc_profile(secc_dir), ev, "PaymentDetailsRes", "FAILED_NoCertificateAvailable"
    if fault == "wrong_contract_key":  # the chain is good, the AuthorizationReq is signed with another key
        other = Credential(pki.contract.certificate, ec.generate_private_key(ec.SECP256R1()), pki.contract.sub_cas)
        return secc, evcc_profile(with_contract(pki_dir, tmp / "ev", other)), "AuthorizationRes", "FAILED_SignatureError"
    if fault == "no_cps_key":
        secc_dir = shutil.copytree(pki_dir, tmp / "secc")
        (secc_dir / "cps_leaf.key").unlink()
        return secc_profile(secc_dir), evcc_profile(pki_dir, cert_install=True), "CertificateInstallationRes", "FAILED_NoCertificateAvailable"
    if fault == "update_with_another_key":
        other = Credential(pki.contract.certificate, ec.generate_private_key(ec.SECP256R1()), pki.contract.sub_cas)
        ev = evcc_profile(with_contract(pki_dir, tmp / "ev", other), cert_update=True)
        return secc, ev, "CertificateUpdateRes", "FAILED_SignatureError"
    raise AssertionError(fault)


@pytest.mark.parametrize("fault", ["expired", "not_yet_valid", "untrusted", "wrong_signature", "revoked", "canceled", "no_root",
                                   "wrong_contract_key", "no_cps_key", "update_with_another_key"])
def test_each_fault_gets_its_code_then_a_good_session_passes(fault: str, v2glab_pki: Path, tmp_path: Path) -> None:
    secc, ev, response, code = _fault_case(fault, v2glab_pki, tmp_path)
    messages, secc_close, ev_close = run_pair(secc, ev)
    assert answered(messages, response) == code
    assert not secc_close.ok and code in secc_close.reason
    assert not ev_close.ok and code in ev_close.reason
    # the same charger serves a good car afterwards (without roots, no contract can be good: an EIM car)
    good_ev = load_profile("evcc", "ac") if fault == "no_root" else evcc_profile(v2glab_pki)
    _, secc_close, ev_close = run_pair(secc, good_ev)
    assert secc_close.ok and ev_close.ok, (secc_close.reason, ev_close.reason)


# --------------------------------------------------------------------------- faults a conformant car never makes
class RawEV:
    """Drives the SECC core with hand-made requests, as a misbehaving peer would."""

    def __init__(self, profile: dict) -> None:
        self.secc = SeccSession(profile, SessionStore(), new_session_id=lambda: SID)
        self.secc.start()
        offer = {"AppProtocol": [{"ProtocolNamespace": ISO2_NAMESPACE, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]}
        self.closed: Close | None = None
        self.notes: list[str] = []
        self.send_app(offer)

    def send_app(self, body: dict) -> None:
        self._feed(frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", body))))

    def _feed(self, data: bytes) -> exi.Message:
        events = self.secc.receive_data(data)
        self.closed = next((e for e in events if isinstance(e, Close)), None)
        self.notes += [e.text for e in events if isinstance(e, Note)]
        return [e.message for e in events if isinstance(e, Send)][-1]

    def send(self, name: str, body: dict, signature: dict | None = None, session_id: bytes = SID) -> dict:
        message = ISO2.wrap(session_id, name, body)
        if signature is not None:
            message.content["Header"]["Signature"] = signature
        return self._feed(frame(exi.encode(message))).body

    def to_payment_details(self, contract: Credential) -> dict:
        self.send("SessionSetupReq", {"EVCCID": bytes(6)}, session_id=b"\x00")
        self.send("ServiceDiscoveryReq", {})
        self.send("PaymentServiceSelectionReq", {"SelectedPaymentOption": "Contract", "SelectedServiceList": {"SelectedService": [{"ServiceID": 1}]}})
        return self.send("PaymentDetailsReq", m.payment_details_req(contract))


@pytest.mark.parametrize("challenge", ["stale", "missing"])
def test_challenge_invalid(v2glab_pki: Path, challenge: str) -> None:
    pki = load_pki(v2glab_pki)
    ev = RawEV(secc_profile(v2glab_pki))
    res = ev.to_payment_details(pki.contract)
    assert res["ResponseCode"] == "OK" and len(res["GenChallenge"]) == 16
    if challenge == "stale":
        body, sig = m.authorization_req(bytes(16), pki.contract.key)
    else:
        body = {"@Id": "ID1"}
        sig = m.signature.sign([("AuthorizationReq", body)], pki.contract.key)
    assert ev.send("AuthorizationReq", body, sig)["ResponseCode"] == "FAILED_ChallengeInvalid"
    assert ev.closed is not None and not ev.closed.ok
    # the trace shows each check with its result
    assert any("contract chain of DEV2GC000000001 valid up to MO Root CA (OK)" in n for n in ev.notes)
    assert ev.notes[-1].startswith("Plug & Charge check FAILED: FAILED_ChallengeInvalid")
    # a good car on the next connection
    _, secc_close, ev_close = run_pair(secc_profile(v2glab_pki), evcc_profile(v2glab_pki))
    assert secc_close.ok and ev_close.ok


def test_unsigned_authorization_is_a_signature_error(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    ev = RawEV(secc_profile(v2glab_pki))
    challenge = ev.to_payment_details(pki.contract)["GenChallenge"]
    assert ev.send("AuthorizationReq", {"@Id": "ID1", "GenChallenge": challenge})["ResponseCode"] == "FAILED_SignatureError"


def test_metering_receipt_with_another_reading(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    ev = RawEV(secc_profile(v2glab_pki))
    challenge = ev.to_payment_details(pki.contract)["GenChallenge"]
    body, sig = m.authorization_req(challenge, pki.contract.key)
    ev.send("AuthorizationReq", body, sig)
    while ev.send("AuthorizationReq", body, sig)["EVSEProcessing"] != "Finished":
        pass
    ev.send("ChargeParameterDiscoveryReq", {"RequestedEnergyTransferMode": "AC_three_phase_core", "AC_EVChargeParameter": {
        "EAmount": {"Multiplier": 0, "Unit": "Wh", "Value": 20000}, "EVMaxVoltage": {"Multiplier": 0, "Unit": "V", "Value": 400},
        "EVMaxCurrent": {"Multiplier": 0, "Unit": "A", "Value": 32}, "EVMinCurrent": {"Multiplier": 0, "Unit": "A", "Value": 6}}})
    ev.send("PowerDeliveryReq", {"ChargeProgress": "Start", "SAScheduleTupleID": 1})
    status = ev.send("ChargingStatusReq", {})
    assert status["ReceiptRequired"] is True
    meter = dict(status["MeterInfo"], MeterReading=status["MeterInfo"]["MeterReading"] + 1)
    receipt = {"@Id": "ID1", "SessionID": SID, "SAScheduleTupleID": 1, "MeterInfo": meter}
    res = ev.send("MeteringReceiptReq", receipt, m.sign_metering_receipt(receipt, pki.contract.key))
    assert res["ResponseCode"] == "FAILED_MeteringSignatureNotValid"
    assert "AuthorizationReq GenChallenge and signature (contract key) verified" in ev.notes[-2]
    assert "MeterReading is not the value the SECC sent" in ev.notes[-1]


def test_expired_oem_certificate_at_installation(v2glab_pki: Path) -> None:
    pki = load_pki(v2glab_pki)
    oem_key = serialization.load_pem_private_key((v2glab_pki / "oem_sub_ca2.key").read_bytes(), None)
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)
    key = ec.generate_private_key(ec.SECP256R1())
    expired = issue(name("OEM Provisioning", "OEM"), key.public_key(), pki.oem.sub_cas[0].subject, oem_key, ca=False, path_length=None,
                    usage=("digital_signature", "key_agreement"), not_before=start, not_after=start + dt.timedelta(days=1))
    ev = RawEV(secc_profile(v2glab_pki))
    ev.send("SessionSetupReq", {"EVCCID": bytes(6)}, session_id=b"\x00")
    ev.send("ServiceDiscoveryReq", {})
    ev.send("PaymentServiceSelectionReq", {"SelectedPaymentOption": "Contract", "SelectedServiceList": {"SelectedService": [{"ServiceID": 1}, {"ServiceID": 2}]}})
    body, sig = m.certificate_installation_req(Credential(expired, key), [pki.v2g_root])
    assert ev.send("CertificateInstallationReq", body, sig)["ResponseCode"] == "FAILED_CertificateExpired"


def test_the_car_refuses_an_installation_it_cannot_trust(v2glab_pki: Path, tmp_path: Path) -> None:
    """The SECC's CPS chain is under another V2G root: the car stops before PaymentDetails."""
    from v2glab.pki import init_pki

    other = tmp_path / "other"
    init_pki(other)
    secc_dir = shutil.copytree(v2glab_pki, tmp_path / "secc")
    for stem in ("cps_sub_ca1", "cps_sub_ca2", "cps_leaf"):
        for ext in (".pem", ".key"):
            shutil.copy(other / f"{stem}{ext}", secc_dir / f"{stem}{ext}")
    messages, secc_close, ev_close = run_pair(secc_profile(secc_dir), evcc_profile(v2glab_pki, cert_install=True))
    assert not ev_close.ok and "CertificateInstallationRes refused" in ev_close.reason and "trusted root" in ev_close.reason
    assert "PaymentDetailsReq" not in [msg.body_name for msg in messages]
