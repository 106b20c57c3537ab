"""The Lua Plug & Charge tools (``Evcc.Pnc_*``, ``Secc.Pnc_*``), each observed from the other side.

A script runs in-process through the runner against v2glab's own peer over real TLS sockets
on ::1 (``--tls --pnc --pki``): the charger's FAILED answer, or the car's refusal, is read
from the peer's trace and outcome; then a good session passes on the same charger (or, for
an EV under test, the same EV completes against a faultless charger).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.pnc_profiles import evcc_profile, secc_profile
from v2glab import exi
from v2glab.evcc.client import run_evcc
from v2glab.pki import init_pki
from v2glab.pki.faults import FAULTS, PROVISIONING_FAULTS
from v2glab.protocols.events import Close
from v2glab.script import pnc_tools
from v2glab.script.runner import ScriptRunner
from v2glab.secc.server import SeccServer
from v2glab.trace import Tracer
from v2glab.transport.tls import evcc_context, secc_context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pnc-tools-pki")
    init_pki(path)  # with crls/mo_sub_ca2.pem: the revoked fault is on it
    return path


class Recorder(Tracer):
    """A tracer that keeps the notes and the decoded messages of one side, and says when it listens."""

    def __init__(self) -> None:
        super().__init__(console=io.StringIO())
        self.notes: list[str] = []
        self.sent: list[exi.Message] = []
        self.received: list[exi.Message] = []
        self.port: asyncio.Future | None = None

    def note(self, role: str, text: str, at: float | None = None) -> None:
        self.notes.append(text)

    def message(self, role: str, connection: str, direction: str, frame_bytes: bytes, message: Any, *args: Any, **kwargs: Any) -> None:
        if message is not None:
            (self.sent if direction == "tx" else self.received).append(message)

    def listening(self, role: str, kind: str, host: str, port: int) -> None:
        if self.port is not None and not self.port.done():
            self.port.set_result(port)

    def code(self, name: str) -> str | None:
        codes = [m.body.get("ResponseCode") for m in self.sent + self.received if m.body_name == name]
        return codes[0] if codes else None  # the first session's (the good ones come after)

    def text(self) -> str:
        return "\n".join(self.notes)


@dataclass
class Outcome:
    script: Recorder
    peer: Recorder
    exit_code: int
    peer_close: Close | None
    good: list[Close] = field(default_factory=list)


def _ev_context(pki: Path) -> Any:
    return evcc_context(pki / "ev_trust")


async def _script_ev_against_secc(pki: Path, code: str, tmp: Path, ev_flags: dict, secc_flags: dict, good_after: int) -> Outcome:
    peer = Recorder()
    server = SeccServer(secc_profile(pki, **secc_flags), host="::1", port=0, ssl_context=secc_context(pki), tracer=peer, sdp_port=None)
    await server.start()
    script = tmp / "tool.lua"
    script.write_text(code)
    tracer = Recorder()
    try:
        runner = ScriptRunner("evcc", evcc_profile(pki, **ev_flags), tracer, host="::1", port=server.port, ssl_context=_ev_context(pki), sdp_port=None)
        exit_code = await runner.run_async(script)
        await asyncio.wait_for(server.session_done.wait(), 10)
        outcome = Outcome(tracer, peer, exit_code, server.outcomes[-1] if server.outcomes else None)
        for _ in range(good_after):  # the same charger serves a good car afterwards
            outcome.good.append(await run_evcc(evcc_profile(pki, **ev_flags), host="::1", port=server.port, ssl_context=_ev_context(pki)))
    finally:
        await server.close()
    return outcome


def ev_script(pki: Path, code: str, tmp: Path, ev_flags: dict | None = None, secc_flags: dict | None = None, good_after: int = 1) -> Outcome:
    return asyncio.run(_script_ev_against_secc(pki, code, tmp, ev_flags or {}, secc_flags or {}, good_after))


async def _script_secc_against_ev(pki: Path, code: str, tmp: Path, ev_flags: dict) -> Outcome:
    script = tmp / "tool.lua"
    script.write_text(code)
    tracer, peer = Recorder(), Recorder()
    loop = asyncio.get_running_loop()
    tracer.port = loop.create_future()
    runner = ScriptRunner("secc", secc_profile(pki), tracer, host="::1", port=0, ssl_context=secc_context(pki), sdp_port=None)
    task = loop.create_task(runner.run_async(script))
    port = await asyncio.wait_for(asyncio.shield(tracer.port), 10)  # readiness: the runner says where it listens
    close = await run_evcc(evcc_profile(pki, **ev_flags), host="::1", port=port, ssl_context=_ev_context(pki), tracer=peer)
    exit_code = await asyncio.wait_for(task, 30)
    return Outcome(tracer, peer, exit_code, close)


def secc_script(pki: Path, code: str, tmp: Path, ev_flags: dict | None = None) -> Outcome:
    return asyncio.run(_script_secc_against_ev(pki, code, tmp, ev_flags or {}))


def assert_good_sessions_follow(outcome: Outcome) -> None:
    assert outcome.good and all(c.ok for c in outcome.good), [c.reason for c in outcome.good]


# -------------------------------------------------------------------------------- EV tools, seen by the charger
SIGNATURE_CASES = [
    # (tool, what the charger's check reports)
    ("Pnc_CorruptSignature", "SignatureValue does not verify with the signer's public key"),
    ("Pnc_CorruptDigest", "digest of AuthorizationReq (#ID1) does not match its Reference"),
    ("Pnc_SignWithOtherKey", "SignatureValue does not verify with the signer's public key"),
    ("Pnc_OmitSignature", "the message carries no Signature in its header"),
]


@pytest.mark.parametrize(("tool", "reported"), SIGNATURE_CASES, ids=[c[0] for c in SIGNATURE_CASES])
def test_ev_signature_tool_gets_failed_signature_error(pki: Path, tmp_path: Path, tool: str, reported: str) -> None:
    # armed before the session: the next signed message the engine sends is the AuthorizationReq
    outcome = ev_script(pki, f"Evcc.{tool}()\n", tmp_path)
    assert outcome.peer.code("AuthorizationRes") == "FAILED_SignatureError"
    assert reported in outcome.peer.text() and not outcome.peer_close.ok
    assert f"{tool}: AuthorizationReq" in outcome.script.text()
    assert outcome.peer.code("PaymentDetailsRes") == "OK"  # only the signature was wrong
    assert_good_sessions_follow(outcome)


CHAIN_CODES = {
    "expired": "FAILED_CertificateExpired", "not_yet_valid": "FAILED_CertificateExpired", "untrusted": "FAILED_CertChainError",
    "revoked": "FAILED_CertificateRevoked", "wrong_emaid": "FAILED_CertChainError", "wrong_signature": "FAILED_CertChainError",
    "bad_emaid_syntax": "FAILED_ContractCanceled",
}


@pytest.mark.parametrize("kind", FAULTS)
def test_ev_chain_tool_gets_the_chain_code(pki: Path, tmp_path: Path, kind: str) -> None:
    outcome = ev_script(pki, f"Evcc.Pnc_UseChain('{kind}')\n", tmp_path)
    assert outcome.peer.code("PaymentDetailsRes") == CHAIN_CODES[kind]
    assert CHAIN_CODES[kind] in outcome.peer_close.reason
    sent = next(m for m in outcome.script.sent if m.body_name == "PaymentDetailsReq").body
    # the eMAID stays the PKI's: 'wrong_emaid' is a contract certificate whose eMAID does not match
    assert sent["eMAID"] == "DEV2GC000000001"
    assert_good_sessions_follow(outcome)


def test_after_a_chain_fault_its_key_signs_what_the_contract_signed(pki: Path, tmp_path: Path) -> None:
    """A charger without the revocation list takes the revoked contract; AuthorizationReq and MeteringReceiptReq,
    which the engine signs with the PKI's contract key, are signed with the faulty contract's key instead."""
    import shutil

    lenient = shutil.copytree(pki, tmp_path / "no-crl")
    shutil.rmtree(lenient / "crls")
    outcome = ev_script(lenient, "Evcc.Pnc_UseChain('revoked')\n", tmp_path, good_after=0)
    assert outcome.peer.code("PaymentDetailsRes") == "OK" and outcome.peer.code("AuthorizationRes") == "OK"
    assert outcome.peer.code("MeteringReceiptRes") == "OK" and outcome.peer_close.ok, outcome.peer_close.reason
    assert "MeteringReceiptReq signature (contract key) verified" in outcome.peer.text()
    sent = next(m for m in outcome.script.sent if m.body_name == "PaymentDetailsReq").body
    from v2glab.pki import load_pki
    from v2glab.pki.build import revoked_serial
    from cryptography import x509

    leaf = x509.load_der_x509_certificate(sent["ContractSignatureCertChain"]["Certificate"])
    real = load_pki(pki)
    assert leaf.serial_number == revoked_serial(real.mo_sub_ca2.certificate) != real.contract.certificate.serial_number


def test_ev_chain_tool_in_certificate_update(pki: Path, tmp_path: Path) -> None:
    """CertificateUpdateReq carries the current chain and is signed by its key: the fault's key signs it, so only the chain is wrong."""
    outcome = ev_script(pki, "Evcc.Pnc_UseChain('expired')\n", tmp_path, ev_flags={"cert_update": True})
    assert outcome.peer.code("CertificateUpdateRes") == "FAILED_CertificateExpired"
    assert "expired" in outcome.peer_close.reason
    assert_good_sessions_follow(outcome)


def test_ev_signature_tool_in_certificate_installation(pki: Path, tmp_path: Path) -> None:
    outcome = ev_script(pki, "Evcc.Pnc_SignWithOtherKey()\n", tmp_path, ev_flags={"cert_install": True})
    assert outcome.peer.code("CertificateInstallationRes") == "FAILED_SignatureError"
    assert "Pnc_SignWithOtherKey: CertificateInstallationReq signed with a key of no certificate" in outcome.script.text()
    assert_good_sessions_follow(outcome)


OEM_CODES = {"expired": ("FAILED_CertificateExpired", "outside its validity period"), "not_yet_valid": ("FAILED_CertificateExpired", "outside"),
             "untrusted": ("FAILED", "not issued by a known OEM Sub-CA"), "wrong_dc": ("FAILED", "domainComponent 'CPO', not OEM")}


@pytest.mark.parametrize("kind", PROVISIONING_FAULTS)
def test_ev_oem_certificate_tool_in_certificate_installation(pki: Path, tmp_path: Path, kind: str) -> None:
    outcome = ev_script(pki, f"Evcc.Pnc_UseOEMProvisioningCert('{kind}')\n", tmp_path, ev_flags={"cert_install": True})
    code, reported = OEM_CODES[kind]
    assert outcome.peer.code("CertificateInstallationRes") == code
    assert reported in outcome.peer_close.reason, outcome.peer_close.reason
    assert_good_sessions_follow(outcome)


def test_ev_tool_armed_later_hits_the_metering_receipt(pki: Path, tmp_path: Path) -> None:
    """Armed after Authorization (its repeats while Ongoing are signed too, but not checked [V2G2-684]), the next
    signed message is MeteringReceiptReq (the charger asks for receipts)."""
    code = "Evcc.Receive_ChargeParameterDiscoveryRes_001()\nEvcc.Pnc_CorruptSignature()\n"
    outcome = ev_script(pki, code, tmp_path)
    assert outcome.peer.code("AuthorizationRes") == "OK"
    assert outcome.peer.code("MeteringReceiptRes") == "FAILED_MeteringSignatureNotValid"
    assert_good_sessions_follow(outcome)


@pytest.mark.parametrize("kind", ["wrong", "missing", "short"])
def test_ev_gen_challenge_tool_gets_challenge_invalid(pki: Path, tmp_path: Path, kind: str) -> None:
    outcome = ev_script(pki, f"Evcc.Pnc_GenChallenge('{kind}')\n", tmp_path)
    assert outcome.peer.code("AuthorizationRes") == "FAILED_ChallengeInvalid"
    challenge = next(m for m in outcome.script.received if m.body_name == "PaymentDetailsRes").body["GenChallenge"]
    sent = next(m for m in outcome.script.sent if m.body_name == "AuthorizationReq")
    assert sent.body.get("GenChallenge") != challenge and "Signature" in sent.content["Header"]
    assert_good_sessions_follow(outcome)


def test_ev_stale_gen_challenge_of_an_earlier_session(pki: Path, tmp_path: Path) -> None:
    first = ev_script(pki, "", tmp_path, good_after=0)  # a good session: its GenChallenge becomes stale
    assert first.peer_close.ok, first.peer_close.reason
    earlier = next(m for m in first.script.received if m.body_name == "PaymentDetailsRes").body["GenChallenge"]
    outcome = ev_script(pki, "Evcc.Pnc_GenChallenge('stale')\n", tmp_path)
    assert outcome.peer.code("AuthorizationRes") == "FAILED_ChallengeInvalid"
    assert next(m for m in outcome.script.sent if m.body_name == "AuthorizationReq").body["GenChallenge"] == earlier
    assert_good_sessions_follow(outcome)


def test_a_scripts_own_signed_request_is_signed_when_sent(pki: Path, tmp_path: Path) -> None:
    """The script builds AuthorizationReq itself and changes its Id: v2glab signs it after the edit, the charger accepts."""
    code = ("Evcc.Receive_PaymentDetailsRes_001()\n"
            "Evcc.Set_AuthorizationReq_Id('A7')\n"
            "assert(Evcc.Get_AuthorizationReq_Header_SignatureSpecified())\n"
            "Evcc.Send_AuthorizationReq_001()\n"
            "Evcc.Receive_AuthorizationRes_001()\n"
            "Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.OK)\n")
    outcome = ev_script(pki, code, tmp_path, good_after=0)
    assert outcome.exit_code == 0, outcome.script.text()
    sent = next(m for m in outcome.script.sent if m.body_name == "AuthorizationReq")
    assert sent.body["@Id"] == "A7" and sent.content["Header"]["Signature"]["SignedInfo"]["Reference"][0]["@URI"] == "#A7"
    assert outcome.peer_close.ok and "AuthorizationReq GenChallenge and signature (contract key) verified" in outcome.peer.text()


def test_a_strict_script_plays_plug_and_charge_and_its_request_is_signed(pki: Path, tmp_path: Path) -> None:
    """Strict play: the script sends every request; the AuthorizationReq it builds (its Id and challenge set
    by hand) is signed with the contract key when it is sent, and a corrupted one is refused."""
    code = ("Set_Strict(true)\n"
            "Evcc.Send_SessionSetupReq_001() Evcc.Receive_SessionSetupRes_001()\n"
            "Evcc.Send_ServiceDiscoveryReq_001() Evcc.Receive_ServiceDiscoveryRes_001()\n"
            "Evcc.Send_PaymentServiceSelectionReq_001() Evcc.Receive_PaymentServiceSelectionRes_001()\n"
            "Evcc.Send_PaymentDetailsReq_001() Evcc.Receive_PaymentDetailsRes_001()\n"
            "Evcc.Set_AuthorizationReq_Id('S1')\n"
            "Evcc.Set_AuthorizationReq_GenChallenge(Evcc.Get_PaymentDetailsRes_GenChallenge())\n"
            "Evcc.Send_AuthorizationReq_001() Evcc.Receive_AuthorizationRes_001()\n"
            "Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.OK)\n"
            "Evcc.Send_SessionStopReq_001() Evcc.Receive_SessionStopRes_001()\n")
    outcome = ev_script(pki, code, tmp_path, good_after=0)
    assert outcome.exit_code == 0, outcome.script.text()
    assert "AuthorizationReq GenChallenge and signature (contract key) verified" in outcome.peer.text()
    assert next(m for m in outcome.script.sent if m.body_name == "AuthorizationReq").body["@Id"] == "S1"
    corrupted = code.replace("Evcc.Send_AuthorizationReq_001()", "Evcc.Pnc_CorruptSignature() Evcc.Send_AuthorizationReq_001()")
    corrupted = corrupted.replace("ResponseCodeType.OK", "ResponseCodeType.FAILED_SignatureError").rsplit("Evcc.Send_SessionStopReq_001()", 1)[0]
    outcome = ev_script(pki, corrupted, tmp_path)
    assert outcome.exit_code == 0, outcome.script.text()
    assert outcome.peer.code("AuthorizationRes") == "FAILED_SignatureError"
    assert_good_sessions_follow(outcome)


def test_a_signature_the_script_sets_is_sent_as_set(pki: Path, tmp_path: Path) -> None:
    code = ("Evcc.Receive_PaymentDetailsRes_001()\n"
            "Evcc.Set_AuthorizationReq_Header_Signature_SignatureValue(string.rep('\\0', 64))\n"
            "Evcc.Send_AuthorizationReq_001()\n"
            "Evcc.Receive_AuthorizationRes_001()\n"
            "Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED_SignatureError)\n")
    outcome = ev_script(pki, code, tmp_path)
    assert outcome.exit_code == 0, outcome.script.text()
    assert outcome.peer.code("AuthorizationRes") == "FAILED_SignatureError"
    assert_good_sessions_follow(outcome)


def test_certificates_of_the_pki_are_readable_and_settable(pki: Path, tmp_path: Path) -> None:
    """Pnc_Certificate gives a PKI certificate's DER; set as the contract leaf of PaymentDetailsReq it is checked like any chain."""
    code = ("local cps = Evcc.Pnc_Certificate('cps_leaf')\n"
            "assert(#cps > 100 and cps:byte(1) == 0x30)\n"
            "assert(Evcc.Pnc_Certificate('contract_chain.pem') == Evcc.Pnc_Certificate('contract_leaf'))\n"
            "Evcc.Set_PaymentDetailsReq_ContractSignatureCertChain_Certificate(cps)\n"
            "Evcc.Send_PaymentDetailsReq_001()\n"
            "Evcc.Receive_PaymentDetailsRes_001()\n"
            "Evcc.Check_PaymentDetailsRes_ResponseCode(ResponseCodeType.FAILED_CertChainError)\n")
    outcome = ev_script(pki, code, tmp_path)
    assert outcome.exit_code == 0, outcome.script.text()
    assert outcome.peer.code("PaymentDetailsRes") == "FAILED_CertChainError"
    assert_good_sessions_follow(outcome)


@pytest.mark.parametrize(("code", "error"), [
    ("Evcc.Pnc_UseChain('nonsense')", "expects a chain fault: one of 'expired'"),
    ("Evcc.Pnc_GenChallenge('zero')", "expects a GenChallenge fault: one of 'wrong'"),
    ("Evcc.Pnc_Certificate('../../etc/passwd')", "not a file inside the PKI folder"),
    ("Evcc.Pnc_Certificate('nothing.pem')", "no such certificate"),
    ("Evcc.Pnc_CorrupSignature()", "did you mean Evcc.Pnc_CorruptSignature"),
])
def test_tool_mistakes_are_script_errors_with_the_line(pki: Path, tmp_path: Path, code: str, error: str) -> None:
    script = tmp_path / "bad.lua"
    script.write_text("\n" + code + "\n")
    runner = ScriptRunner("evcc", evcc_profile(pki), Recorder(), host="::1", port=1, sdp_port=None)
    assert runner.run(script) == 2
    assert "bad.lua:2:" in runner.error and error in runner.error, runner.error


# -------------------------------------------------------------------------------- SECC tools, seen by the EV
SECC_SIGNATURE_CASES = [
    ("Pnc_CorruptSignature", "SignatureValue does not verify with the signer's public key"),
    ("Pnc_CorruptDigest", "digest of ContractSignatureCertChain (#id1) does not match its Reference"),
    ("Pnc_SignWithOtherKey", "SignatureValue does not verify with the signer's public key"),
    ("Pnc_OmitSignature", "the message carries no Signature in its header"),
]


@pytest.mark.parametrize(("tool", "reported"), SECC_SIGNATURE_CASES, ids=[c[0] for c in SECC_SIGNATURE_CASES])
@pytest.mark.parametrize("how", ["cert_install", "cert_update"])
def test_secc_signature_tool_is_refused_by_the_ev(pki: Path, tmp_path: Path, tool: str, reported: str, how: str) -> None:
    outcome = secc_script(pki, f"Secc.{tool}()\n", tmp_path, {how: True})
    response = "CertificateInstallationRes" if how == "cert_install" else "CertificateUpdateRes"
    assert not outcome.peer_close.ok
    assert f"{response} refused: {reported}" in outcome.peer_close.reason
    assert f"{tool}: {response}" in outcome.script.text()
    good = secc_script(pki, "", tmp_path, {how: True})  # the same EV with a faultless charger
    assert good.peer_close.ok, good.peer_close.reason


PROVISIONING_REPORTS = {"untrusted": "is not issued by a trusted root", "expired": "CPS Leaf expired",
                        "not_yet_valid": "is not valid before", "wrong_dc": "domainComponent is 'CPO', not 'CPS'"}


@pytest.mark.parametrize("kind", PROVISIONING_FAULTS)
def test_secc_chain_tool_is_refused_by_the_ev(pki: Path, tmp_path: Path, kind: str) -> None:
    outcome = secc_script(pki, f"Secc.Pnc_UseChain('{kind}')\n", tmp_path, {"cert_install": True})
    assert not outcome.peer_close.ok and "CertificateInstallationRes refused" in outcome.peer_close.reason
    assert PROVISIONING_REPORTS[kind] in outcome.peer_close.reason
    good = secc_script(pki, "", tmp_path, {"cert_install": True})
    assert good.peer_close.ok, good.peer_close.reason


def test_secc_short_gen_challenge_breaks_the_schema_for_the_ev(pki: Path, tmp_path: Path) -> None:
    outcome = secc_script(pki, "Secc.Pnc_GenChallenge('short')\n", tmp_path)
    assert not outcome.peer_close.ok and "PaymentDetailsRes breaks the schema" in outcome.peer_close.reason


@pytest.mark.parametrize("kind", ["zero", "stale"])
def test_secc_reused_gen_challenge_is_what_the_ev_signs(pki: Path, tmp_path: Path, kind: str) -> None:
    """A GenChallenge that is not fresh [V2G2-475]: a car cannot tell; it signs it, and the charger's engine checks against what was sent."""
    earlier = secc_script(pki, "", tmp_path)  # a session of this process: its GenChallenge is the stale one
    assert earlier.peer_close.ok, earlier.peer_close.reason
    previous = next(m for m in earlier.peer.received if m.body_name == "PaymentDetailsRes").body["GenChallenge"]
    outcome = secc_script(pki, f"Secc.Pnc_GenChallenge('{kind}')\n", tmp_path)
    signed = next(m for m in outcome.peer.sent if m.body_name == "AuthorizationReq").body["GenChallenge"]
    assert signed == (bytes(16) if kind == "zero" else previous)
    assert outcome.peer_close.ok, outcome.peer_close.reason


def test_a_gen_challenge_the_secc_script_sets_is_the_one_its_engine_checks(pki: Path, tmp_path: Path) -> None:
    code = ("Secc.Receive_PaymentDetailsReq_001()\n"
            "Secc.Set_PaymentDetailsRes_GenChallenge(string.rep('\\7', 16))\n"
            "Secc.Send_PaymentDetailsRes_001()\n")
    outcome = secc_script(pki, code, tmp_path)
    assert next(m for m in outcome.peer.sent if m.body_name == "AuthorizationReq").body["GenChallenge"] == b"\x07" * 16
    assert outcome.peer_close.ok, outcome.peer_close.reason
    assert "AuthorizationReq GenChallenge and signature (contract key) verified" in outcome.script.text()


def test_secc_reads_the_evs_signature_fields(pki: Path, tmp_path: Path) -> None:
    code = ("Secc.Receive_AuthorizationReq_001()\n"
            "local value = Secc.Get_AuthorizationReq_Header_Signature_SignatureValue()\n"
            "Verdict('r||s is 64 bytes', #value == 64)\n"
            "Verdict('one Reference', Secc.Get_AuthorizationReq_Header_Signature_SignedInfo_Reference_Count() == 1)\n"
            "Verdict('to the request', Secc.Get_AuthorizationReq_Header_Signature_SignedInfo_Reference_URI(0) == '#' .. Secc.Get_AuthorizationReq_Id())\n"
            "Verdict('a 16-byte challenge', #Secc.Get_AuthorizationReq_GenChallenge() == 16)\n")
    outcome = secc_script(pki, code, tmp_path)
    assert outcome.exit_code == 0, outcome.script.text()
    assert outcome.peer_close.ok, outcome.peer_close.reason


def test_a_tool_that_never_applied_fails_the_run(pki: Path, tmp_path: Path) -> None:
    """Without Contract the car signs nothing: an armed signature fault would test nothing, and says so."""
    script = tmp_path / "eim.lua"
    script.write_text("Evcc.Pnc_OmitSignature()\n")
    server_profile = secc_profile(pki)

    async def run() -> tuple[int, Recorder]:
        server = SeccServer(server_profile, host="::1", port=0, ssl_context=secc_context(pki), tracer=Recorder(), sdp_port=None)
        await server.start()
        tracer = Recorder()
        try:
            from v2glab.profiles import load_profile

            runner = ScriptRunner("evcc", load_profile("evcc", "ac"), tracer, host="::1", port=server.port, ssl_context=_ev_context(pki), sdp_port=None)
            return await runner.run_async(script), tracer
        finally:
            await server.close()

    code, tracer = asyncio.run(run())
    assert code == 1
    assert "FAIL Evcc.Pnc_OmitSignature: armed, but no signed message was sent after it" in tracer.text()


def test_stale_needs_an_earlier_session(pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pnc_tools, "_last_challenge", {})
    script = tmp_path / "stale.lua"
    script.write_text("Secc.Pnc_GenChallenge('stale')\n")
    runner = ScriptRunner("secc", secc_profile(pki), Recorder(), host="::1", port=0, sdp_port=None)
    assert runner.run(script) == 2 and "no GenChallenge of an earlier session" in runner.error


# -------------------------------------------------------------------------------- the examples, through `v2glab run`
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PNC_EXAMPLES = {
    # example: (script side, the other side's command, the other side's exit status, what it reports)
    "negative_evcc_pnc_corrupt_signature.lua": ("evcc", ["secc", "--once"], 0,  # the charger served; its trace says how
                                                 "FAILED_SignatureError: SignatureValue does not verify with the signer's public key"),
    "negative_secc_pnc_untrusted_provisioning.lua": ("secc", ["evcc", "--cert-install", "--quiet"], 1,
                                                      "CertificateInstallationRes refused: CPS Sub-CA 1 is not issued by a trusted root"),
}


@pytest.mark.parametrize("example", sorted(PNC_EXAMPLES))
def test_pnc_example_against_the_other_role(pki: Path, example: str) -> None:
    import subprocess
    import sys

    from tests.conftest import start_server

    role, other, other_rc, reported = PNC_EXAMPLES[example]
    pnc = ["--tls", "--pnc", "--pki", str(pki)]
    run = ["run", str(EXAMPLES / example), "--role", role, *pnc, "--quiet"]
    serving, connecting = (run, other) if role == "secc" else (other, run)
    server, port = start_server([sys.executable, "-m", "v2glab.cli", *serving, *(pnc if role == "evcc" else []), "--host", "::1", "--no-sdp"])
    try:
        client = subprocess.run([sys.executable, "-m", "v2glab.cli", *connecting, *(pnc if role == "secc" else []), "--host", "::1", "--port", str(port)],
                                capture_output=True, text=True, timeout=90)
        out, err = server.communicate(timeout=90)
    finally:
        server.kill()
    script_side = (server.returncode, out + err) if role == "secc" else (client.returncode, client.stdout + client.stderr)
    other_side = (client.returncode, client.stdout + client.stderr) if role == "secc" else (server.returncode, out + err)
    assert script_side[0] == 0, script_side[1][-3000:]
    assert other_side[0] == other_rc and reported in other_side[1], other_side[1][-3000:]
