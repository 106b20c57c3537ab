from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VECTOR_FILES = {
    "iso15118-2": "iso15118-2.json",
    "app": "app_protocol.json",
    "din70121": "din70121.json",
    "iso15118-20": "iso15118-20.json",
    # lists at their maximum, agreed by EXIficient (tests/interop/test_exificient.py writes them)
    "iso15118-20-": "exificient/iso15118-20.json",
}


def load_vectors() -> list[dict]:
    """Known-good messages from an independent codec (copied from the shared vectors)."""
    out = []
    for schema, name in VECTOR_FILES.items():
        for vector in json.loads((FIXTURES / "vectors" / name).read_text()):
            assert vector["schema"] == "app-protocol" or vector["schema"].startswith(schema)
            out.append(vector)
    return out


VECTORS = load_vectors()


@pytest.fixture(params=VECTORS, ids=[v["name"] for v in VECTORS])
def vector(request: pytest.FixtureRequest) -> dict:
    return request.param


LISTENING = re.compile(r"listening on (?:TCP|TLS) \[.*\]:(\d+)$")


def start_server(args: list[str], wait: float = 30.0, any_port: bool = True, **popen: object) -> tuple[subprocess.Popen, int]:
    """Start a v2glab command that serves (``secc``, ``run --role secc``, ``replay --role secc``) with
    ``--port 0`` and wait until it prints the port it is listening on: readiness, not a sleep.
    ``any_port=False`` keeps the SECC's own choice in 49152-65535, which some peers insist on."""
    command = args if args[0] != "v2glab" else [sys.executable, "-m", "v2glab.cli", *args[1:]]
    proc = subprocess.Popen([*command, *(["--port", "0"] if any_port else [])], stdout=popen.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, text=True, **popen)
    found: list[int] = []
    seen: list[str] = []

    def read() -> None:
        for line in proc.stderr:
            seen.append(line)
            match = LISTENING.search(line.rstrip())
            if match:
                found.append(int(match.group(1)))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(wait)
    if not found:
        proc.kill()
        raise AssertionError(f"{' '.join(args)} did not report a listening port: {''.join(seen)[-2000:]}")
    return proc, found[0]


def app_offer(namespace: str) -> bytes:
    """supportedAppProtocolReq (EXI) offering ``namespace``, encoded without facet checks."""
    from v2glab import exi

    return exi.encode(exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": [
        {"ProtocolNamespace": namespace, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]}), validate=False)


def signed_setup(key_name: str, names: int = 1) -> bytes:
    """SessionSetupReq (EXI) whose header Signature carries ``names`` KeyNames: xs:string, no maxLength."""
    from v2glab import exi
    from tests.helpers import v2g_message

    message = v2g_message(bytes(8), "SessionSetupReq", {"EVCCID": bytes(6)})
    message.content["Header"]["Signature"] = {
        "SignedInfo": {"CanonicalizationMethod": {"@Algorithm": "c"}, "SignatureMethod": {"@Algorithm": "s"},
                       "Reference": [{"DigestMethod": {"@Algorithm": "d"}, "DigestValue": b"1"}]},
        "SignatureValue": b"1", "KeyInfo": {"KeyName": [key_name] * names}}
    return exi.encode(message, validate=False)


@pytest.fixture(scope="session")
def v2glab_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PKI written by `v2glab pki init`."""
    from v2glab.pki import init_pki

    path = tmp_path_factory.mktemp("v2glab-pki")
    init_pki(path)
    return path


@pytest.fixture(scope="session")
def josev_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PKI written by Josev's own create_certs.sh -v iso-2 (its PKI_PATH)."""
    from tests.josev import make_josev_pki

    return make_josev_pki(tmp_path_factory.mktemp("josev-pki"))
