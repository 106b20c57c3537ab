"""The SECC as a process under attack: it keeps serving normal sessions and its memory stays bounded.

The SECC runs in its own process (``v2glab secc --port 0``), as in the field, so
its event loop is not the test's; the tests wait for its "listening" line.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from v2glab import exi
from v2glab.evcc.client import run_evcc
from v2glab.profiles import load_profile
from v2glab.protocols.messages import v2g_message
from v2glab.trace import NullTracer
from v2glab.v2gtp import frame

from ..conftest import start_server


def secc_process(*args: str) -> tuple[object, int]:
    return start_server([sys.executable, "-m", "v2glab.cli", "secc", "--host", "::1", "--no-sdp", "--quiet", *args])


def app_request(namespace: str) -> bytes:
    return frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": [
        {"ProtocolNamespace": namespace, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]}), validate=False))


SAP = app_request("urn:iso:15118:2:2013:MsgDef")


def signed_setup(key_name: str) -> bytes:
    """SessionSetupReq whose header Signature carries a KeyName (xs:string without maxLength)."""
    message = v2g_message(bytes(8), "SessionSetupReq", {"EVCCID": bytes(6)})
    message.content["Header"]["Signature"] = {
        "SignedInfo": {"CanonicalizationMethod": {"@Algorithm": "c"}, "SignatureMethod": {"@Algorithm": "s"},
                       "Reference": [{"DigestMethod": {"@Algorithm": "d"}, "DigestValue": b"1"}]},
        "SignatureValue": b"1", "KeyInfo": {"KeyName": [key_name]}}
    return frame(exi.encode(message, validate=False))


async def hammer(port: int, frames: list[bytes], stop: asyncio.Event) -> int:
    """Send ``frames`` on a fresh connection, read until the SECC closes or answers; again until ``stop``."""
    rounds = 0
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("::1", port)
        try:
            for data in frames:
                writer.write(data)
                await writer.drain()
                await asyncio.wait_for(reader.read(65536), 5)
        except (ConnectionError, asyncio.TimeoutError):
            pass
        finally:
            writer.close()
        rounds += 1
    return rounds


def test_huge_non_ascii_strings_do_not_starve_concurrent_dc_sessions() -> None:
    """4 connections loop 60 KB frames of non-ASCII text; 5 DC sessions at the same time must all pass
    their 250 ms CurrentDemand timeouts (V2G_EVCC_Msg_Timeout). The namespace breaks its
    maxLength (refused at the length field); the KeyName has no maxLength (decoded, linearly)."""
    secc, port = secc_process("--profile", "dc")
    namespace_attack = [app_request("\u00e9" * 30000)]
    key_name_attack = [SAP, signed_setup("\u4e2d" * 21000)]
    assert len(namespace_attack[0]) > 60000 and 60000 < len(key_name_attack[1]) < 65536

    async def main() -> None:
        stop = asyncio.Event()
        attackers = [asyncio.create_task(hammer(port, namespace_attack if i % 2 else key_name_attack, stop)) for i in range(4)]
        await asyncio.sleep(0)  # the attackers connect first
        try:
            profile = load_profile("evcc", "dc")
            profile["charge_loops"] = 10
            outcomes = await asyncio.gather(*(run_evcc(profile, "::1", port, tracer=NullTracer()) for _ in range(5)))
        finally:
            stop.set()
            rounds = await asyncio.gather(*attackers)
        assert [o.reason for o in outcomes if not o.ok] == []
        assert sum(rounds) >= 8  # the attack really ran during the sessions

    try:
        asyncio.run(main())
        assert secc.poll() is None, "the SECC died"
    finally:
        secc.kill()
        secc.communicate(timeout=10)
