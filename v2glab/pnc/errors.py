"""The one error of Plug & Charge checks: it carries the response code the standard gives the fault."""

from __future__ import annotations

from ..errors import V2GError

# ISO 15118-2 responseCodeType values used by Plug & Charge (table 112 and the message definitions)
OK = "OK"
OK_CERTIFICATE_EXPIRES_SOON = "OK_CertificateExpiresSoon"
FAILED = "FAILED"
FAILED_CERT_CHAIN_ERROR = "FAILED_CertChainError"
FAILED_SIGNATURE_ERROR = "FAILED_SignatureError"
FAILED_CERTIFICATE_EXPIRED = "FAILED_CertificateExpired"
FAILED_CERTIFICATE_REVOKED = "FAILED_CertificateRevoked"
FAILED_CHALLENGE_INVALID = "FAILED_ChallengeInvalid"
FAILED_CONTRACT_CANCELED = "FAILED_ContractCanceled"
FAILED_NO_CERTIFICATE_AVAILABLE = "FAILED_NoCertificateAvailable"
FAILED_METERING_SIGNATURE_NOT_VALID = "FAILED_MeteringSignatureNotValid"


class PnCError(V2GError):
    """A Plug & Charge check failed; ``response_code`` is what the SECC answers (the EV just stops)."""

    def __init__(self, response_code: str, reason: str) -> None:
        super().__init__(f"{response_code}: {reason}")
        self.response_code = response_code
        self.reason = reason
