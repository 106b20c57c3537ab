"""ISO 15118-20 Plug & Charge authorization (``v2glab/protocols/iso15118_20/pnc.py``, its charger and car):
the checks and their -20 codes, sessions in memory and over real TLS 1.3 sockets on ::1 (each fault
seen from the SECC, then a good session on the same SECC), and a signature made by Josev's -20 code."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.helpers import run_pair
from tests.josev import run_josev
from tests.pnc_profiles import evcc_profile, secc_profile, with_contract
from v2glab import exi
from v2glab.evcc.client import run_evcc
from v2glab.pki import Credential, load_pki
from v2glab.pki.faults import contract_fault, revocation_list
from v2glab.pnc import PnCError, Revocations
from v2glab.pnc import signature as xmldsig
from v2glab.profiles import load_profile
from v2glab.protocols.iso15118_20 import PROTOCOL as ISO20
from v2glab.protocols.iso15118_20 import pnc
from v2glab.protocols.events import Close, Send
from v2glab.secc.server import SeccServer
from v2glab.secc.session import SeccSession, SessionStore
from v2glab.trace import NullTracer
from v2glab.transport.tls import evcc_context, secc_context
from v2glab.v2gtp import V2GTPReader, frame

SID = bytes.fromhex("0102030405060708")


def iso20(profile: dict) -> dict:
    profile["protocols"] = ["iso15118-20"]
    return profile


def code_of(fn) -> str:
    with pytest.raises(PnCError) as caught:
        fn()
    return caught.value.response_code


@pytest.fixture(scope="module")
def pki(v2glab_pki: Path):
    return load_pki(v2glab_pki)


# --------------------------------------------------------------------------- the checks
def test_signed_element_round_trips_through_the_message_codec(pki) -> None:
    challenge = pnc.new_gen_challenge()
    mode, sig = pnc.authorization_mode(pki.contract, challenge)
    message = ISO20.wrap(bytes(8), "AuthorizationReq", {"SelectedAuthorizationService": "PnC", "PnC_AReqAuthorizationMode": mode})
    message.content["Header"]["Signature"] = sig
    back = exi.decode(exi.encode(message), "iso15118-20-CommonMessages").content
    chain = pnc.check_authorization(back["PnC_AReqAuthorizationMode"], back["Header"]["Signature"], challenge, [pki.mo_root])
    assert chain.response_code == "OK" and chain.root == pki.mo_root
    # the digest is over the CommonMessages fragment, not the -2 grammar's (which has no such element)
    reference = sig["SignedInfo"]["Reference"][0]
    assert reference["@URI"] == "#id1"
    assert reference["DigestValue"] == xmldsig.digest("PnC_AReqAuthorizationMode", mode, "iso15118-20-CommonMessages")


def _tampered_signature(pki, challenge: bytes) -> tuple[dict, dict]:
    mode, sig = pnc.authorization_mode(pki.contract, challenge)
    sig = copy.deepcopy(sig)
    sig["SignatureValue"] = bytes(b ^ 1 for b in sig["SignatureValue"])
    return mode, sig


@pytest.mark.parametrize("fault, code", [
    ("tampered_signature", "FAILED_SignatureError"),
    ("other_key", "FAILED_SignatureError"),
    ("changed_after_signing", "FAILED_SignatureError"),
    ("no_signature", "FAILED_SignatureError"),
    ("wrong_challenge", "WARNING_ChallengeInvalid"),
    ("expired", "WARNING_CertificateExpired"),
    ("not_yet_valid", "WARNING_CertificateNotYetValid"),
    ("untrusted", "WARNING_CertificateValidationError"),
    ("wrong_signature", "WARNING_CertificateValidationError"),
    ("revoked", "WARNING_CertificateRevoked"),
    ("no_root", "WARNING_GeneralPnCAuthorizationError"),
])
def test_each_fault_has_its_minus_20_code(pki, fault: str, code: str) -> None:
    challenge = pnc.new_gen_challenge()
    roots, revocations, sent = [pki.mo_root], None, challenge
    contract = pki.contract
    if fault in ("expired", "not_yet_valid", "untrusted", "wrong_signature", "revoked"):
        contract = contract_fault(pki, fault)
    if fault == "revoked":
        revocations = Revocations(crls=(revocation_list(pki, [contract.certificate]),))
    if fault == "other_key":
        contract = Credential(pki.contract.certificate, ec.generate_private_key(ec.SECP256R1()), pki.contract.sub_cas)
    if fault == "wrong_challenge":
        sent = pnc.new_gen_challenge()
    if fault == "no_root":
        roots = []
    mode, sig = pnc.authorization_mode(contract, sent)
    if fault == "tampered_signature":
        mode, sig = _tampered_signature(pki, challenge)
    if fault == "changed_after_signing":
        mode = {**mode, "GenChallenge": pnc.new_gen_challenge()}
    if fault == "no_signature":
        sig = None
    assert code_of(lambda: pnc.check_authorization(mode, sig, challenge, roots, revocations=revocations)) == code


def test_every_code_is_a_value_of_the_minus_20_response_code_type() -> None:
    xsd = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "iso15118-20" / "V2G_CI_CommonTypes.xsd"
    root = ElementTree.parse(xsd).getroot()
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    response_codes = root.find("xs:simpleType[@name='responseCodeType']", ns)
    values = {e.get("value") for e in response_codes.iter(f"{{{ns['xs']}}}enumeration")}
    used = {pnc.OK, pnc.OK_CERTIFICATE_EXPIRES_SOON, "FAILED_SignatureError", *pnc.REFUSALS}
    assert len(values) == 40 and used <= values, used - values


def test_a_contract_expiring_soon_is_ok_with_a_warning_code(pki) -> None:
    challenge = pnc.new_gen_challenge()
    mode, sig = pnc.authorization_mode(pki.contract, challenge)
    soon = pki.contract.certificate.not_valid_after_utc - dt.timedelta(days=3)
    assert pnc.check_authorization(mode, sig, challenge, [pki.mo_root], now=soon).response_code == "OK_CertificateExpiresSoon"


# --------------------------------------------------------------------------- sessions in memory
@pytest.mark.parametrize("mode", ["ac", "dc"])
def test_pnc_session(v2glab_pki: Path, mode: str) -> None:
    messages, secc, ev = run_pair(secc_profile(v2glab_pki, mode), iso20(evcc_profile(v2glab_pki, mode)))
    assert secc.ok and ev.ok, (secc.reason, ev.reason)
    by_name = {m.body_name: m for m in messages}
    setup = by_name["AuthorizationSetupRes"].body
    assert setup["AuthorizationServices"] == ["EIM", "PnC"] and "EIM_ASResAuthorizationMode" not in setup
    challenge = setup["PnC_ASResAuthorizationMode"]["GenChallenge"]
    assert len(challenge) == 16
    req = by_name["AuthorizationReq"]
    assert req.body["SelectedAuthorizationService"] == "PnC" and req.body["PnC_AReqAuthorizationMode"]["GenChallenge"] == challenge
    assert "Signature" in req.content["Header"]
    assert {m.body.get("ResponseCode") for m in messages if m.body_name == "AuthorizationRes"} == {"OK"}
    assert "ServiceDiscoveryReq" in by_name


def test_two_sessions_get_two_challenges(v2glab_pki: Path) -> None:
    challenges = []
    for _ in range(2):
        messages, _secc, _ev = run_pair(secc_profile(v2glab_pki, "dc"), iso20(evcc_profile(v2glab_pki, "dc")))
        challenges += [m.body["PnC_ASResAuthorizationMode"]["GenChallenge"] for m in messages if m.body_name == "AuthorizationSetupRes"]
    assert len(set(challenges)) == 2


def test_with_an_eim_only_charger_the_pnc_car_falls_back_to_eim(v2glab_pki: Path) -> None:
    messages, secc, ev = run_pair(load_profile("secc", "dc"), iso20(evcc_profile(v2glab_pki, "dc")))
    assert secc.ok and ev.ok, (secc.reason, ev.reason)
    req = next(m for m in messages if m.body_name == "AuthorizationReq")
    assert req.body["SelectedAuthorizationService"] == "EIM" and "Signature" not in req.content["Header"]


def test_certificate_installation_in_minus_20_fails_clearly(v2glab_pki: Path) -> None:
    _messages, _secc, ev = run_pair(secc_profile(v2glab_pki, "dc"), iso20(evcc_profile(v2glab_pki, "dc", cert_install=True)))
    assert not ev.ok and "ISO 15118-20 CertificateInstallation is not implemented" in ev.reason


def test_a_refused_authorization_does_not_open_the_services(v2glab_pki: Path) -> None:
    """After a WARNING AuthorizationRes (Finished) only AuthorizationReq or SessionStopReq may follow."""
    allowed = ISO20.sequence.after("AuthorizationRes", {}, {"ResponseCode": "WARNING_ChallengeInvalid", "EVSEProcessing": "Finished"}, {})
    assert allowed == {"AuthorizationReq", "SessionStopReq"}
    allowed = ISO20.sequence.after("AuthorizationRes", {}, {"ResponseCode": "OK_CertificateExpiresSoon", "EVSEProcessing": "Finished"}, {})
    assert "ServiceDiscoveryReq" in allowed


def test_after_a_refusal_the_car_may_try_again(v2glab_pki: Path) -> None:
    """WARNING_ChallengeInvalid keeps the session; a correct AuthorizationReq then opens the services,
    while ServiceDiscoveryReq right after a refusal is out of sequence."""
    pki = load_pki(v2glab_pki)

    def session() -> tuple[SeccSession, Any, bytes]:
        secc = SeccSession(secc_profile(v2glab_pki, "dc"), SessionStore(), new_session_id=lambda: SID)
        secc.start()
        offer = {"AppProtocol": [{"ProtocolNamespace": "urn:iso:std:iso:15118:-20:DC", "VersionNumberMajor": 1, "VersionNumberMinor": 0,
                                  "SchemaID": 1, "Priority": 1}]}
        secc.receive_data(frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", offer))))

        def send(name: str, body: dict, sig: dict | None = None, session_id: bytes = SID) -> tuple[dict, list]:
            message = ISO20.wrap(session_id, name, body)
            if sig is not None:
                message.content["Header"]["Signature"] = sig
            events = secc.receive_data(ISO20.envelope.frame(message))
            return [e.message for e in events if isinstance(e, Send)][-1].body, events

        send("SessionSetupReq", {"EVCCID": "WMIV1234567890ABCDEX"}, session_id=bytes(8))
        challenge = send("AuthorizationSetupReq", {})[0]["PnC_ASResAuthorizationMode"]["GenChallenge"]
        return secc, send, challenge

    def authorization(challenge: bytes) -> tuple[dict, dict]:
        mode, sig = pnc.authorization_mode(pki.contract, challenge)
        return {"SelectedAuthorizationService": "PnC", "PnC_AReqAuthorizationMode": mode}, sig

    _secc, send, challenge = session()
    res, events = send("AuthorizationReq", *authorization(bytes(16)))
    assert res["ResponseCode"] == "WARNING_ChallengeInvalid" and res["EVSEProcessing"] == "Finished"
    assert not any(isinstance(e, Close) for e in events)
    assert send("ServiceDiscoveryReq", {})[0]["ResponseCode"] == "FAILED_SequenceError"

    _secc, send, challenge = session()
    assert send("AuthorizationReq", *authorization(bytes(16)))[0]["ResponseCode"] == "WARNING_ChallengeInvalid"
    request = authorization(challenge)
    while (res := send("AuthorizationReq", *request)[0])["EVSEProcessing"] != "Finished":
        assert res["ResponseCode"] == "OK"
    assert res["ResponseCode"] == "OK"
    assert send("ServiceDiscoveryReq", {})[0]["ResponseCode"] == "OK"


# --------------------------------------------------------------------------- over TLS 1.3 on ::1
class Recorder(NullTracer):
    """Keeps what the SECC sent and noted."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Any] = []
        self.notes: list[str] = []

    def message(self, role: str, connection: str, direction: str, frame_bytes: bytes, message: Any, error: str | None = None,
                at: Any = None) -> None:
        if direction == "tx" and message is not None:
            self.sent.append(message)

    def note(self, role: str, text: str, at: float | None = None) -> None:
        self.notes.append(text)

    def answered(self, name: str) -> list[str]:
        return [m.body.get("ResponseCode") for m in self.sent if m.body_name == name]


async def _raw_authorization(port: int, trust: Any, contract: Credential, challenge_of: Any) -> list[exi.Message]:
    """A hand-driven -20 car over TLS 1.3 up to AuthorizationReq; ``challenge_of(sent)`` picks the
    GenChallenge it signs. Returns the SECC's answers."""
    reader, writer = await asyncio.open_connection("::1", port, ssl=trust)
    frames = V2GTPReader()
    pending: list[tuple[Any, bytes]] = []
    answers: list[exi.Message] = []

    async def receive() -> exi.Message:
        while not pending:
            data = await asyncio.wait_for(reader.read(4096), 5)
            assert data, "the SECC closed the connection"
            pending.extend(frames.feed(data))
        header, payload = pending.pop(0)
        app = header.payload_type == 0x8001
        answers.append(exi.decode(payload, "app") if app else ISO20.envelope.decode(header.payload_type, payload))
        return answers[-1]

    offer = {"AppProtocol": [{"ProtocolNamespace": "urn:iso:std:iso:15118:-20:DC", "VersionNumberMajor": 1, "VersionNumberMinor": 0,
                              "SchemaID": 1, "Priority": 1}]}
    writer.write(frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", offer))))
    await receive()
    writer.write(ISO20.envelope.frame(ISO20.wrap(bytes(8), "SessionSetupReq", {"EVCCID": "WMIV1234567890ABCDEX"})))
    session_id = (await receive()).session_id
    writer.write(ISO20.envelope.frame(ISO20.wrap(session_id, "AuthorizationSetupReq", {})))
    setup = await receive()
    mode, sig = pnc.authorization_mode(contract, challenge_of(setup.body["PnC_ASResAuthorizationMode"]["GenChallenge"]))
    req = ISO20.wrap(session_id, "AuthorizationReq", {"SelectedAuthorizationService": "PnC", "PnC_AReqAuthorizationMode": mode})
    req.content["Header"]["Signature"] = sig
    writer.write(ISO20.envelope.frame(req))
    await receive()
    writer.close()
    return answers


def _tls_fault(fault: str, pki_dir: Path, tmp: Path) -> tuple[dict, dict | None, str]:
    """(SECC profile, EV profile or None for the hand-driven car, the AuthorizationRes code)."""
    pki = load_pki(pki_dir)
    if fault == "revoked":
        bad = contract_fault(pki, "revoked")
        secc_dir = shutil.copytree(pki_dir, tmp / "secc")
        (secc_dir / "crls").mkdir(exist_ok=True)  # pki init makes it (with its own revoked serial)
        (secc_dir / "crls" / "mo.pem").write_bytes(revocation_list(pki, [bad.certificate]).public_bytes(serialization.Encoding.PEM))
        return secc_profile(secc_dir, "dc"), evcc_profile(with_contract(pki_dir, tmp / "ev", bad), "dc"), "WARNING_CertificateRevoked"
    if fault == "wrong_challenge":
        return secc_profile(pki_dir, "dc"), None, "WARNING_ChallengeInvalid"
    if fault == "other_key":  # a good chain; the element is signed with a key that is not the contract's
        bad = Credential(pki.contract.certificate, ec.generate_private_key(ec.SECP256R1()), pki.contract.sub_cas)
        return secc_profile(pki_dir, "dc"), evcc_profile(with_contract(pki_dir, tmp / "ev", bad), "dc"), "FAILED_SignatureError"
    code = {"expired": "WARNING_CertificateExpired", "untrusted": "WARNING_CertificateValidationError"}[fault]
    return secc_profile(pki_dir, "dc"), evcc_profile(with_contract(pki_dir, tmp / "ev", contract_fault(pki, fault)), "dc"), code


@pytest.mark.parametrize("fault", ["other_key", "wrong_challenge", "expired", "untrusted", "revoked"])
def test_fault_then_good_session_over_tls13(fault: str, v2glab_pki: Path, tmp_path: Path) -> None:
    secc_prof, bad_ev, code = _tls_fault(fault, v2glab_pki, tmp_path)
    recorder = Recorder()

    async def main() -> None:
        server = SeccServer(secc_prof, host="::1", ssl_context=secc_context(v2glab_pki), tracer=recorder,
                            sdp_port=random.randint(20000, 40000))
        await server.start()
        trust = evcc_context(v2glab_pki / "ev_trust", "1.3", "1.3")  # a -20 car: TLS 1.3 only
        try:
            if bad_ev is None:
                pki = load_pki(v2glab_pki)
                answers = await _raw_authorization(server.port, trust, pki.contract, lambda sent: bytes(b ^ 0xFF for b in sent))
                assert answers[-1].body == {"Header": answers[-1].content["Header"], "ResponseCode": code, "EVSEProcessing": "Finished"}
            else:
                bad = await run_evcc(iso20(bad_ev), "::1", server.port, ssl_context=trust, tracer=NullTracer())
                assert not bad.ok and f"AuthorizationRes: {code}" in bad.reason, bad.reason
            await asyncio.wait_for(server.session_done.wait(), 5)
            assert recorder.answered("AuthorizationRes") == [code]
            assert not server.outcomes[-1].ok
            assert any(code in note and "Plug & Charge check" in note for note in recorder.notes), recorder.notes
            assert any("over TLSv1.3" in note for note in recorder.notes)
            server.session_done.clear()
            good = await run_evcc(iso20(evcc_profile(v2glab_pki, "dc")), "::1", server.port, ssl_context=trust, tracer=NullTracer())
            assert good.ok, good.reason
            await asyncio.wait_for(server.session_done.wait(), 5)
            assert server.outcomes[-1].ok and len(server.outcomes) == 2
            assert recorder.answered("AuthorizationRes")[1:] == ["OK"] * (len(recorder.answered("AuthorizationRes")) - 1)
            assert any("Plug & Charge: AuthorizationReq signature over PnC_AReqAuthorizationMode" in note for note in recorder.notes)
        finally:
            await server.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- an independent implementation: Josev
def test_josev_ev_signed_pnc_authorization_verifies(josev_pki: Path) -> None:
    """Josev's -20 EV code builds PnC_AReqAuthorizationMode, signs it (its EXI of the element with
    the CommonMessages grammar) and encodes the AuthorizationReq; v2glab's SECC check accepts it."""
    challenge = pnc.new_gen_challenge()
    out = run_josev(
        "import sys, time\n"
        "from iso15118.shared.messages.enums import AuthEnum, Namespace, Protocol\n"
        "from iso15118.shared.messages.iso15118_20.common_messages import AuthorizationReq, PnCAuthReqParams\n"
        "from iso15118.shared.messages.iso15118_20.common_types import MessageHeader\n"
        "from iso15118.shared.security import (CertPath, KeyEncoding, KeyPasswordPath, KeyPath, create_signature, load_cert_chain,\n"
        "    load_priv_key)\n"
        "chain = load_cert_chain(protocol=Protocol.ISO_15118_20_DC, leaf_path=CertPath.CONTRACT_LEAF_DER,\n"
        "                        sub_ca2_path=CertPath.MO_SUB_CA2_DER, sub_ca1_path=CertPath.MO_SUB_CA1_DER)\n"
        "params = PnCAuthReqParams(id='id1', gen_challenge=bytes.fromhex(sys.argv[1]), contract_cert_chain=chain)\n"
        "key = load_priv_key(KeyPath.CONTRACT_LEAF_PEM, KeyEncoding.PEM, KeyPasswordPath.CONTRACT_LEAF_KEY_PASSWORD)\n"
        "sig = create_signature([(params.id, EXI().to_exi(params, Namespace.ISO_V20_COMMON_MSG))], key)\n"
        "req = AuthorizationReq(header=MessageHeader(session_id='0102030405060708', timestamp=int(time.time()), signature=sig),\n"
        "                       selected_auth_service=AuthEnum.PNC, pnc_params=params)\n"
        "print(EXI().to_exi(req, Namespace.ISO_V20_COMMON_MSG).hex())\n",
        challenge.hex(), env={"PKI_PATH": str(josev_pki) + "/"},
    )
    msg = exi.decode(bytes.fromhex(out), "iso15118-20-CommonMessages")
    assert msg.body_name == "AuthorizationReq"
    mode, sig = msg.body["PnC_AReqAuthorizationMode"], msg.content["Header"]["Signature"]
    pki = load_pki(josev_pki)
    chain = pnc.check_authorization(mode, sig, challenge, [pki.mo_root])
    assert chain.leaf == pki.contract.certificate
    assert code_of(lambda: pnc.check_authorization(mode, sig, pnc.new_gen_challenge(), [pki.mo_root])) == "WARNING_ChallengeInvalid"
    changed = {**mode, "@Id": mode["@Id"], "GenChallenge": bytes(16)}
    assert code_of(lambda: pnc.check_authorization(changed, sig, bytes(16), [pki.mo_root])) == "FAILED_SignatureError"
