"""Plug & Charge profiles and PKI folders for the engine tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from v2glab.pki import Credential
from v2glab.pki.build import key_pem, pem
from v2glab.profiles import load_profile


def secc_profile(pki: Path, mode: str = "ac", **pnc: Any) -> dict:
    p = load_profile("secc", mode)
    p["pnc"].update(enabled=True, pki=str(pki), **pnc)
    p["receipt_required"] = True
    return p


def evcc_profile(pki: Path, mode: str = "ac", **pnc: Any) -> dict:
    p = load_profile("evcc", mode)
    p["payment_option"] = "Contract"
    p["pnc"].update(pki=str(pki), **pnc)
    p["charge_loops"] = 2
    return p


def with_contract(src: Path, dst: Path, contract: Credential) -> Path:
    """A copy of the PKI folder whose contract leaf (certificate and key) is ``contract``."""
    shutil.copytree(src, dst)
    (dst / "contract_leaf.pem").write_bytes(pem(contract.certificate))
    (dst / "contract_leaf.key").write_bytes(key_pem(contract.key))
    return dst
