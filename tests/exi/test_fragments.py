"""EXI fragments, as signatures digest them: the element fragment grammar of eMAID (EXI 1.0 8.5.3)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from v2glab import exi
from v2glab.errors import EXIDecodeError, EXIEncodeError

ROOT = Path(__file__).resolve().parents[2]
JOSEV_PYTHON = ROOT / ".venv-josev" / "bin" / "python"

# EMAIDType {Id "id4", "DEABCC123ABC56"} as EXIficient (Josev) and the current OpenV2G code it;
# quoted in cbexigen issue 60 against the older, wrong output 80EC02B4B21A04...
EMAID_ID4 = bytes.fromhex("80EC0202B4B21A40041111505090D0CC4C8CD05090CD4DBD3D00")


def test_emaid_with_id_uses_the_element_fragment_grammar() -> None:
    data = exi.encode_fragment("eMAID", {"@Id": "id4", "#text": "DEABCC123ABC56"})
    assert data == EMAID_ID4
    assert exi.decode_fragment(data) == ("eMAID", {"@Id": "id4", "#text": "DEABCC123ABC56"})


def test_emaid_without_id_round_trips() -> None:
    data = exi.encode_fragment("eMAID", "DEABCC123ABC56")
    assert data[:2] == bytes.fromhex("80EC")
    assert data != EMAID_ID4
    assert exi.decode_fragment(data) == ("eMAID", "DEABCC123ABC56")


def test_emaid_fragment_refuses_what_the_grammar_cannot_carry() -> None:
    with pytest.raises(EXIEncodeError, match="'@Name' is not allowed in <eMAID>"):
        exi.encode_fragment("eMAID", {"@Name": "x", "#text": "DEABCC123ABC56"})
    # a child element (SE(F0) = code 10 of ElementFragment0) after the SE(eMAID) code
    bad = bytearray(EMAID_ID4[:2]) + bytes([0b00000101, 0])
    with pytest.raises(EXIDecodeError, match="not one of its attributes"):
        exi.decode_fragment(bytes(bad))


def test_other_fragments_keep_their_type_grammar() -> None:
    body = {"@Id": "ID1", "GenChallenge": bytes(range(16))}
    data = exi.encode_fragment("AuthorizationReq", body)
    assert data[:2] == bytes([0x80, 4])  # AuthorizationReq is fragment element 4 of 243
    assert exi.decode_fragment(data) == ("AuthorizationReq", body)


def test_emaid_fragment_equals_josevs_exificient() -> None:
    if not JOSEV_PYTHON.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Josev is not installed in .venv-josev")
        pytest.skip("Josev is not installed in .venv-josev (see README, interop tests)")
    script = (
        "from iso15118.shared.settings import load_shared_settings; load_shared_settings()\n"
        "from iso15118.shared.exi_codec import EXI\n"
        "from iso15118.shared.exificient_exi_codec import ExificientEXICodec\n"
        "from iso15118.shared.messages.enums import Namespace\n"
        "from iso15118.shared.messages.iso15118_2.datatypes import EMAID\n"
        "EXI().set_exi_codec(ExificientEXICodec())\n"
        "print(EXI().to_exi(EMAID(id='a1', value='UKSWI123456791A'), Namespace.ISO_V2_MSG_DEF).hex())\n"
    )
    out = subprocess.run([str(JOSEV_PYTHON), "-c", script], capture_output=True, text=True, timeout=120, env={**os.environ, "LOG_LEVEL": "ERROR"})
    assert out.returncode == 0, out.stderr[-2000:]
    josev = bytes.fromhex(out.stdout.strip().splitlines()[-1])
    assert josev == exi.encode_fragment("eMAID", {"@Id": "a1", "#text": "UKSWI123456791A"})
