"""Check the signatures of a recorded session with the certificates the session itself carries.

For ``pcap show`` and other readers of captures: feed every decoded message in order;
each signed ISO 15118-2 message gets a line saying whether its signature verifies.
The signer's certificate comes from the session: OEMProvisioningCert (in
CertificateInstallationReq), the CPS leaf (in Certificate*Res), the contract leaf (in
PaymentDetailsReq, CertificateUpdateReq, or the contract a Certificate*Res delivers).
ISO 15118-20: the PnC_AReqAuthorizationMode of AuthorizationReq, with the contract leaf it
carries, its GenChallenge against the one of AuthorizationSetupRes.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ..exi import Message
from . import certs, messages, signature
from .errors import PnCError

ISO20_SCHEMA = "iso15118-20-CommonMessages"  # -20 signed elements are fragments of this grammar


class SignatureAudit:
    def __init__(self) -> None:
        self.contract_key: ec.EllipticCurvePublicKey | None = None
        self.challenge: bytes | None = None

    def observe(self, message: Message | None) -> str | None:
        """A line about ``message``'s signature, or None when it carries none and needs none."""
        if message is None or message.schema not in ("iso15118-2", ISO20_SCHEMA):
            return None
        name, body = message.body_name, message.body
        sig = message.content.get("Header", {}).get("Signature")
        if message.schema == ISO20_SCHEMA:
            return self._iso20(name, body, sig)
        try:
            if name == "PaymentDetailsReq":
                self.contract_key = self._leaf_key(body.get("ContractSignatureCertChain"))
            elif name == "PaymentDetailsRes":
                self.challenge = body.get("GenChallenge")
            elif name == "CertificateInstallationReq":
                key = certs.parse(body.get("OEMProvisioningCert", b""), "OEMProvisioningCert").public_key()
                return self._verify(name, sig, [(name, body)], key, "OEMProvisioningCert")
            elif name == "CertificateUpdateReq":
                key = self._leaf_key(body.get("ContractSignatureCertChain"))
                return self._verify(name, sig, [(name, body)], key, "the contract certificate")
            elif name in ("CertificateInstallationRes", "CertificateUpdateRes") and body.get("ResponseCode", "").startswith("OK"):
                key = self._leaf_key(body.get("SAProvisioningCertificateChain"))
                line = self._verify(name, sig, messages.signed_parts(body), key, "the CPS leaf")
                self.contract_key = self._leaf_key(body.get("ContractSignatureCertChain"))
                return line
            elif name in ("AuthorizationReq", "MeteringReceiptReq") and (sig is not None or "@Id" in body):
                if self.contract_key is None:
                    return f"{name}: signed, but the capture holds no contract certificate to check it with"
                line = self._verify(name, sig, [(name, body)], self.contract_key, "the contract certificate")
                if name == "AuthorizationReq" and self.challenge is not None and body.get("GenChallenge") != self.challenge:
                    line += "; its GenChallenge is not the one of PaymentDetailsRes"
                return line
        except PnCError as exc:
            return f"{name}: {exc.reason}"
        return None

    def _iso20(self, name: str, body: Any, sig: Any) -> str | None:
        if name == "AuthorizationSetupRes":
            self.challenge = (body.get("PnC_ASResAuthorizationMode") or {}).get("GenChallenge")
            return None
        mode = body.get("PnC_AReqAuthorizationMode") if name == "AuthorizationReq" else None
        if mode is None:
            return None
        try:
            key = self._leaf_key(mode.get("ContractCertificateChain"))
        except PnCError as exc:
            return f"{name}: {exc.reason}"
        line = self._verify(name, sig, [("PnC_AReqAuthorizationMode", mode)], key, "the contract certificate", ISO20_SCHEMA)
        if self.challenge is not None and mode.get("GenChallenge") != self.challenge:
            line += "; its GenChallenge is not the one of AuthorizationSetupRes"
        return line

    @staticmethod
    def _leaf_key(chain: Any) -> Any:
        leaf, _subs = messages.chain_ders(chain)
        return certs.parse(leaf, "the leaf certificate").public_key()

    @staticmethod
    def _verify(name: str, sig: Any, parts: list, key: Any, signer: str, schema: str = signature.GRAMMAR) -> str:
        try:
            signature.verify(sig, parts, key, schema=schema)
        except PnCError as exc:
            return f"{name}: signature INVALID ({exc.reason})"
        return f"{name}: signature verified with {signer}"
