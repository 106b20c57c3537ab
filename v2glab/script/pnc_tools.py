"""Plug & Charge tools of the Lua API (``Evcc.Pnc_*``, ``Secc.Pnc_*``): faults in the next signed message.

The tools arm a fault; it acts on the next message this side sends that it applies to,
whether the script sends it or, in hybrid play, the engine does (a hook on every outgoing
message, ``ScriptSession.send_hooks``). The faults themselves are pure functions of
``v2glab.pnc.faults`` (messages) and ``v2glab.pki.faults`` (certificates); nothing here
names a message.

A signed message the script builds is signed when it is sent, after the script's edits,
with the key v2glab's own car or charger signs it with (``signing_key`` of the simulator);
a script that sets a ``Header_Signature`` field itself sends the header as it set it.
"""

from __future__ import annotations

from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .. import exi
from ..errors import V2GError
from ..pki import PKI, Credential, PKIError, cached_pki
from ..pki.faults import FAULTS, PROVISIONING_FAULTS, contract_fault, oem_fault, provisioning_fault
from ..pki.store import certificate_file
from ..pnc import faults
from .session import ScriptError

# name -> what it does (the same on Secc. and Evcc.; the kinds differ by role)
PNC_TOOLS = {
    "Pnc_CorruptSignature": "flip one bit of the SignatureValue of the next signed message",
    "Pnc_CorruptDigest": "flip one bit of the first DigestValue of the next signed message (SignedInfo signed again)",
    "Pnc_SignWithOtherKey": "sign the next signed message with a fresh key of no certificate",
    "Pnc_OmitSignature": "send the next signed message without its Signature",
    "Pnc_UseChain": "send a faulty certificate chain in the next message that carries one (and sign with its key)",
    "Pnc_UseOEMProvisioningCert": "EVCC: send a faulty OEM provisioning certificate in the next CertificateInstallationReq (signed with its key)",
    "Pnc_GenChallenge": "send a faulty GenChallenge in the next message that carries one",
    "Pnc_Certificate": "the DER bytes of a certificate of the PKI (a stem such as contract_leaf, or a file in the PKI folder)",
}
SIGNATURE_FAULTS = ("Pnc_CorruptSignature", "Pnc_CorruptDigest", "Pnc_SignWithOtherKey", "Pnc_OmitSignature")
CHALLENGE_FAULTS = {"evcc": ("wrong", "stale", "missing", "short"), "secc": ("stale", "zero", "short")}

# The last GenChallenge a session of this process saw, per role: what 'stale' replays in a later session
# (the test-case library and in-process runs play several sessions in one process).
_last_challenge: dict[str, bytes] = {}


class PncTools:
    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.role: str = runner.role
        self.signature_fault: str | None = None
        self.chain: tuple[str, Credential] | None = None  # armed: (kind, the chain to send)
        self.substitute: tuple[Any, Credential] | None = None  # sent: (public key it replaced, the credential in use)
        self.challenge_fault: str | None = None
        self.oem: tuple[str, Credential] | None = None  # armed: (kind, the OEM provisioning credential to send)
        self.earlier_challenge = _last_challenge.get(self.role)
        self.signed_at: dict[str, list[tuple]] = {}  # message being built -> where its pre-fill's signed elements are
        runner.session.send_hooks.append(self.outgoing)
        runner.session.receive_hooks.append(self.received)
        runner.session.build_hooks.append(self.built)

    # -- the Lua functions -----------------------------------------------------------------
    def implementation(self, name: str) -> Callable[[Any], Any]:
        if name in SIGNATURE_FAULTS:
            return lambda args: self._arm_signature(name)
        return getattr(self, f"_{name}")

    def _arm_signature(self, name: str) -> None:
        self.signature_fault = name
        self._note(f"{name}: armed for the next signed message")

    def _Pnc_UseChain(self, args: Any) -> None:
        kinds = FAULTS if self.role == "evcc" else PROVISIONING_FAULTS
        kind = _choice(args, kinds, "chain fault")
        pki = self._pki()
        try:
            credential = contract_fault(pki, kind) if self.role == "evcc" else provisioning_fault(pki, kind)
        except V2GError as exc:
            raise ScriptError(str(exc)) from None
        self.chain = (kind, credential)
        self._note(f"Pnc_UseChain: a {kind} chain armed for the next {faults.CHAIN_ELEMENTS[self.role]}")

    def _Pnc_UseOEMProvisioningCert(self, args: Any) -> None:
        if self.role != "evcc":
            raise ScriptError("the EV sends the OEM provisioning certificate: an Evcc tool")
        kind = _choice(args, PROVISIONING_FAULTS, "OEM provisioning certificate fault")
        try:
            self.oem = (kind, oem_fault(self._pki(), kind))
        except V2GError as exc:
            raise ScriptError(str(exc)) from None
        self._note(f"Pnc_UseOEMProvisioningCert: a {kind} certificate armed for the next {faults.OEM_CERTIFICATE}")

    def _Pnc_GenChallenge(self, args: Any) -> None:
        kind = _choice(args, CHALLENGE_FAULTS[self.role], "GenChallenge fault")
        if kind == "stale" and self.earlier_challenge is None:
            raise ScriptError("no GenChallenge of an earlier session in this process to reuse: run a Plug & Charge session first")
        self.challenge_fault = kind
        self._note(f"Pnc_GenChallenge: a {kind} GenChallenge armed for the next message that carries one")

    def _Pnc_Certificate(self, args: Any) -> bytes:
        if not args or not isinstance(args[0], bytes):
            raise ScriptError("expects the name of a certificate (a stem such as 'contract_leaf', or a file in the PKI folder)")
        try:
            return certificate_file(self._pki_dir(), args[0].decode(errors="replace")).public_bytes(_DER)
        except PKIError as exc:
            raise ScriptError(str(exc)) from None

    # -- hooks -------------------------------------------------------------------------------
    def built(self, message: exi.Message) -> None:
        """Remember which elements the pre-fill signed: they are signed again at send, even if the script changed their Ids."""
        paths = faults.signed_paths(message)
        if paths:
            self.signed_at[message.body_name] = paths
        else:
            self.signed_at.pop(message.body_name, None)

    def received(self, message: exi.Message) -> None:
        body = message.body if isinstance(message.content, dict) and "Body" in message.content else None
        if self.role == "evcc" and isinstance(body, dict) and isinstance(body.get(faults.GEN_CHALLENGE), bytes):
            _last_challenge["evcc"] = body[faults.GEN_CHALLENGE]

    def outgoing(self, message: exi.Message, origin: str) -> str | None:
        """Apply what is armed to ``message`` (sent by the 'script' or the 'engine'); see ScriptSession.outgoing."""
        if "Body" not in message.content:
            return None
        name, body = message.body_name, message.body
        if not isinstance(body, dict):
            return None
        simulator = self.runner.session.charger if self.role == "secc" else self.runner.session.car
        signing_key = getattr(simulator, "signing_key", None)
        key = self._in_use(signing_key(name) if signing_key is not None else None)
        signed = faults.header_signature(message) is not None
        paths = self.signed_at.pop(name, None) if origin == "script" else None  # None: by the References' Ids
        changed: str | None = None
        resign_with = None
        if origin == "script" and signed and name not in self.runner.session.header_set_by_script:
            resign_with = key  # the script's message is signed when sent, after its edits
        # a faulty chain, and from then on its key where the replaced certificate's key signed
        element = faults.CHAIN_ELEMENTS[self.role]
        if self.chain is not None and element in body:
            kind, credential = self.chain
            self.chain = None
            old_leaf = faults.replace_chain(body, element, credential)
            self.substitute = (_public_key(old_leaf), credential)
            resign_with = credential.key if signed else None
            changed = "changed"
            self._note(f"Pnc_UseChain: {name} carries the {kind} chain ({_subject(credential)})")
        elif signed and self.substitute is not None and key is self.substitute[1].key:
            resign_with = key  # the engine signed with the key the faulty chain replaced
        if self.oem is not None and faults.OEM_CERTIFICATE in body:
            kind, credential = self.oem
            self.oem = None
            body[faults.OEM_CERTIFICATE] = credential.der()
            resign_with = credential.key if signed else resign_with  # signed with its own key: only the certificate is wrong
            changed = "changed"
            self._note(f"Pnc_UseOEMProvisioningCert: {name} carries the {kind} {faults.OEM_CERTIFICATE} ({_subject(credential)})")
        # a faulty GenChallenge
        if self.challenge_fault is not None and faults.GEN_CHALLENGE in body:
            kind, self.challenge_fault = self.challenge_fault, None
            value = faults.gen_challenge(kind, body[faults.GEN_CHALLENGE], self.earlier_challenge)
            if value is None:
                del body[faults.GEN_CHALLENGE]
            else:
                body[faults.GEN_CHALLENGE] = value
            changed = "unchecked" if kind == "short" else changed or "changed"
            if signed and resign_with is None:
                resign_with = key
            notify = getattr(simulator, "sent", None)
            if self.role == "secc" and notify is not None:
                notify(name, body)  # the charger checks AuthorizationReq against what went out
            self._note(f"Pnc_GenChallenge: {name} carries a {kind} GenChallenge ({value.hex().upper() if value else 'none'})")
        if self.role == "secc" and isinstance(body.get(faults.GEN_CHALLENGE), bytes):
            _last_challenge["secc"] = body[faults.GEN_CHALLENGE]
        if resign_with is not None and faults.resign(message, resign_with, paths):
            changed = changed or "changed"
        # a broken signature: last, over what is otherwise right
        if self.signature_fault is not None and faults.header_signature(message) is not None:
            tool, self.signature_fault = self.signature_fault, None
            if tool == "Pnc_CorruptSignature":
                faults.corrupt_signature(message)
                what = "one bit of its SignatureValue flipped"
            elif tool == "Pnc_CorruptDigest":
                faults.corrupt_digest(message, resign_with or key)
                what = "one bit of its first DigestValue flipped"
            elif tool == "Pnc_SignWithOtherKey":
                faults.resign(message, faults.other_key())
                what = "signed with a key of no certificate"
            else:
                faults.omit_signature(message)
                what = "sent without its Signature"
            changed = changed or "changed"
            self._note(f"{tool}: {name} {what}")
        return changed

    def unapplied(self) -> list[tuple[str, str]]:
        """(tool, why) for each fault still armed when the session is over: a negative test that tested nothing."""
        out = []
        if self.signature_fault is not None:
            out.append((self.signature_fault, "armed, but no signed message was sent after it"))
        if self.chain is not None:
            out.append(("Pnc_UseChain", f"armed, but no {faults.CHAIN_ELEMENTS[self.role]} was sent after it"))
        if self.challenge_fault is not None:
            out.append(("Pnc_GenChallenge", "armed, but no GenChallenge was sent after it"))
        if self.oem is not None:
            out.append(("Pnc_UseOEMProvisioningCert", f"armed, but no {faults.OEM_CERTIFICATE} was sent after it"))
        return out

    # -- helpers --------------------------------------------------------------------------------
    def _in_use(self, key: Any) -> Any:
        """``key``, or the faulty chain's key when that chain replaced the certificate of ``key``."""
        if key is not None and self.substitute is not None and _same_key(key, self.substitute[0]):
            return self.substitute[1].key
        return key

    def _pki_dir(self) -> str:
        return self.runner.profile["pnc"]["pki"]

    def _pki(self) -> PKI:
        try:
            return cached_pki(self._pki_dir())
        except PKIError as exc:
            raise ScriptError(f"Plug & Charge needs a PKI (--pki): {exc}") from None

    def _note(self, text: str) -> None:
        self.runner.tracer.note(self.runner.ROLE, text)


_DER = Encoding.DER


def _choice(args: Any, allowed: tuple[str, ...], what: str) -> str:
    if not args or not isinstance(args[0], bytes) or args[0].decode(errors="replace") not in allowed:
        shown = args[0].decode(errors="replace") if args and isinstance(args[0], bytes) else None
        raise ScriptError(f"expects a {what}: one of {', '.join(repr(k) for k in allowed)}" + (f", got {shown!r}" if shown else ""))
    return args[0].decode()


def _public_key(der: Any) -> Any:
    try:
        return x509.load_der_x509_certificate(bytes(der)).public_key() if der else None
    except ValueError:
        return None


def _same_key(private: Any, public: Any) -> bool:
    return public is not None and private.public_key().public_numbers() == public.public_numbers()


def _subject(credential: Credential) -> str:
    return credential.certificate.subject.rfc4514_string()
