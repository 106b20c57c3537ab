from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VECTOR_FILES = {
    "iso15118-2": "iso15118-2.json",
    "app": "app_protocol.json",
    "din70121": "din70121.json",
    "iso15118-20": "iso15118-20.json",
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
