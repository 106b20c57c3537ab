"""The ISO 15118-2 test PKI: ``build`` makes one, ``store`` reads one (v2glab's or Josev's layout)."""

from .build import DEFAULT_EMAID, DEFAULT_SECC_ID, PROFILES, init_pki
from .store import PKI, Credential, PKIError, TLSFiles, cached_pki, common_name, load_pki

__all__ = ["init_pki", "load_pki", "cached_pki", "PKI", "Credential", "TLSFiles", "PKIError", "common_name", "PROFILES",
           "DEFAULT_EMAID", "DEFAULT_SECC_ID"]
