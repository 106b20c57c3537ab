"""Josev (the `iso15118` package in .venv-josev) as an independent implementation for tests.

Outside CI a missing Josev skips the test; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.netns import need

ROOT = Path(__file__).resolve().parents[1]
JOSEV_PYTHON = ROOT / ".venv-josev" / "bin" / "python"


def josev_missing() -> str | None:
    """Why Josev cannot run here, or None."""
    if not JOSEV_PYTHON.exists() or shutil.which("openssl") is None:
        return "Josev (.venv-josev, see README) and the openssl command are needed"
    return None


def require_josev() -> Path:
    need(josev_missing(), "the tests with Josev")
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


@contextmanager
def josev_secc(netns: str, env: dict[str, str], cwd: Path, ready_within: float = 60.0) -> Iterator[Path]:
    """Josev's SECC in network namespace ``netns``, handed over once its SDP server is up (the line
    its log prints: readiness, not a fixed wait). Yields its log file; kills it on the way out."""
    log = cwd / "josev-secc.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["ip", "netns", "exec", netns, str(require_josev()), "-m", "iso15118.secc.main"],
                                env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_within
        while "UDP server socket ready" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield log
    finally:
        proc.kill()
        proc.wait(timeout=10)
