"""Plug & Charge for ISO 15118-2, sans-I/O: contract key encryption, xmldsig signatures over
EXI fragments, certificate chain checks, and each side's steps as pure functions.

Every failed check raises ``PnCError`` whose ``response_code`` is the standard's answer.
"""

from . import certs, keys, messages, signature
from .certs import ChainResult, Revocations, check_chain
from .errors import PnCError
from .keys import decrypt_contract_key, encrypt_contract_key
from .messages import Provisioning

__all__ = ["certs", "keys", "messages", "signature", "check_chain", "ChainResult", "Revocations", "PnCError",
           "encrypt_contract_key", "decrypt_contract_key", "Provisioning"]
