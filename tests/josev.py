"""Josev (the `iso15118` package in .venv-josev) as an independent implementation for tests.

Outside CI a missing Josev skips the test; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JOSEV_PYTHON = ROOT / ".venv-josev" / "bin" / "python"


def require_josev() -> Path:
    if not JOSEV_PYTHON.exists() or shutil.which("openssl") is None:
        reason = "Josev (.venv-josev, see README) and the openssl command are needed"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return JOSEV_PYTHON


def josev_package_dir() -> Path:
    out = subprocess.run([str(require_josev()), "-c", "import iso15118, os; print(os.path.dirname(iso15118.__file__))"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def make_josev_pki(directory: Path) -> Path:
    """Run Josev's own create_certs.sh -v iso-2 in ``directory`` (its PKI_PATH)."""
    source = josev_package_dir() / "shared" / "pki"
    shutil.copytree(source, directory, dirs_exist_ok=True)
    subprocess.run(["bash", "create_certs.sh", "-v", "iso-2"], cwd=directory, check=True, capture_output=True, timeout=120)
    return directory


def run_josev(script: str, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> str:
    """Run a Python snippet with Josev's interpreter; returns its last stdout line."""
    preamble = (
        "from iso15118.shared.settings import load_shared_settings; load_shared_settings()\n"
        "from iso15118.shared.exi_codec import EXI\n"
        "from iso15118.shared.exificient_exi_codec import ExificientEXICodec\n"
        "EXI().set_exi_codec(ExificientEXICodec())\n"
    )
    out = subprocess.run([str(require_josev()), "-c", preamble + script, *args], input=stdin, capture_output=True, timeout=180,
                         env={**os.environ, "LOG_LEVEL": "ERROR", **(env or {})})
    assert out.returncode == 0, out.stderr.decode()[-3000:]
    return out.stdout.decode().strip().splitlines()[-1]
