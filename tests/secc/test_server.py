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
from v2glab.v2gtp import V2GTPReader, frame

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


async def one_exchange(port: int, data: bytes) -> tuple[list[exi.Message], bool]:
    """Send one frame; the decoded answers and whether the SECC then closed the connection."""
    reader, writer = await asyncio.open_connection("::1", port)
    writer.write(data)
    stream, answers = V2GTPReader(), []
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), 5):
            answers += [exi.decode(payload, exi.detect_schema(payload)) for _header, payload in stream.feed(chunk)]
        return answers, True
    except asyncio.TimeoutError:
        return answers, False
    finally:
        writer.close()


def a_session_completes(port: int, mode: str = "ac") -> None:
    outcome = asyncio.run(run_evcc(load_profile("evcc", mode), "::1", port, tracer=NullTracer()))
    assert outcome.ok, outcome.reason


def test_a_lone_surrogate_is_traced_escaped_and_the_secc_keeps_serving() -> None:
    # the issue: "Fatal error: protocol.data_received() call failed" and the connection dropped
    secc, port = start_server([sys.executable, "-m", "v2glab.cli", "secc", "--host", "::1", "--no-sdp"])
    try:
        answers, closed = asyncio.run(one_exchange(port, app_request("urn:iso:15118:2:2013:MsgDef\ud800")))
        assert [m.content["ResponseCode"] for m in answers] == ["Failed_NoNegotiation"] and closed
        a_session_completes(port)
    finally:
        secc.kill()
    out, err = secc.communicate(timeout=10)
    assert "<ProtocolNamespace>urn:iso:15118:2:2013:MsgDef&#xD800;</ProtocolNamespace>" in out
    assert "no supported protocol offered (urn:iso:15118:2:2013:MsgDef\\ud800)" in out
    assert "Traceback" not in err and "Fatal error" not in err


def test_an_exception_inside_a_connection_is_one_line_and_the_secc_keeps_serving() -> None:
    """A value the profile check would refuse, forced in behind it: each connection fails with a
    line naming the error, instead of asyncio swallowing it while the SECC says "listening"."""
    import io

    from v2glab.secc.server import SeccServer
    from v2glab.trace import Tracer

    async def main() -> None:
        console = io.StringIO()
        broken = load_profile("secc", "dc")
        broken["dc"]["max_current"] = 1e300  # no PhysicalValue holds it: the charger cannot be built
        server = SeccServer(broken, host="::1", port=0, tracer=Tracer(console=console), sdp_port=None)
        await server.start()
        try:
            for _ in range(2):
                outcome = await run_evcc(load_profile("evcc", "dc"), "::1", server.port, tracer=NullTracer())
                assert not outcome.ok
                await asyncio.wait_for(server.session_done.wait(), 5)
                server.session_done.clear()
        finally:
            await server.close()
        reasons = [o.reason for o in server.outcomes]
        assert len(reasons) == 2 and all(r.startswith("internal error: ValueError: 1e+300 A does not fit a PhysicalValue (at physical.py:") for r in reasons)
        failed = [line for line in console.getvalue().splitlines() if "FAILED: internal error" in line]
        assert len(failed) == 2

    asyncio.run(main())
