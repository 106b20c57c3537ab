"""Full sessions and misbehaving clients over real sockets on ::1.

Every negative test checks that the SECC still serves a complete session afterwards.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from v2glab import exi
from v2glab.evcc.client import run_evcc
from v2glab.pki import init_pki
from v2glab.profiles import load_profile
from tests.helpers import ISO2_NAMESPACE, v2g_message
from v2glab.secc.server import SeccServer
from v2glab.transport.listen import PORT_RANGE
from v2glab.trace import NullTracer, Tracer
from v2glab.transport import sdp
from v2glab.transport.tls import evcc_context, secc_context
from v2glab.v2gtp import V2GTPReader, build_header, frame


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pki")
    init_pki(path)
    return path


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("other-pki")
    init_pki(path)
    return path


async def start_secc(mode: str = "ac", pki: Path | None = None, tracer: Tracer | None = None, **timers: float) -> SeccServer:
    profile = load_profile("secc", mode)
    profile["timers"].update(timers)
    server = SeccServer(profile, host="::1", ssl_context=secc_context(pki) if pki else None, tracer=tracer or NullTracer(), sdp_port=random.randint(20000, 40000))
    await server.start()
    return server


async def ev_session(server: SeccServer, mode: str = "ac", trust: Path | None = None, via_sdp: bool = True):
    ctx = evcc_context(trust) if trust else None
    if via_sdp:
        return await run_evcc(load_profile("evcc", mode), ssl_context=ctx, tracer=NullTracer(), sdp_target="::1", sdp_port=server.sdp_port)
    return await run_evcc(load_profile("evcc", mode), "::1", server.port, ssl_context=ctx, tracer=NullTracer())


async def raw_client(port: int, frames: list[bytes], wait: float = 2.0) -> list[exi.Message]:
    """Send frames one after the other and collect the decoded answers until the SECC closes."""
    reader, writer = await asyncio.open_connection("::1", port)
    answers: list[exi.Message] = []
    stream = V2GTPReader()
    try:
        for data in frames:
            writer.write(data)
            await writer.drain()
            chunk = await asyncio.wait_for(reader.read(65536), wait)
            if not chunk:
                break
            for _header, payload in stream.feed(chunk):
                answers.append(exi.decode(payload, exi.detect_schema(payload)))
        rest = await asyncio.wait_for(reader.read(65536), wait)  # b"" once the SECC has closed
        assert rest == b"", "the SECC should have closed the connection"
    finally:
        writer.close()
    return answers


SAP = frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": [
    {"ProtocolNamespace": ISO2_NAMESPACE, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]})))
SETUP = frame(exi.encode(v2g_message(b"\x00", "SessionSetupReq", {"EVCCID": bytes(6)})))


def then_a_full_session_works(server: SeccServer) -> None:
    async def second() -> None:
        outcome = await ev_session(server)
        assert outcome.ok, outcome.reason
        await asyncio.wait_for(server.session_done.wait(), 2)
    return second()


@pytest.mark.parametrize("mode", ["ac", "dc"])
@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_full_session_found_by_sdp(mode: str, tls: bool, pki: Path) -> None:
    async def main() -> None:
        server = await start_secc(mode, pki if tls else None)
        try:
            assert PORT_RANGE[0] <= server.port <= PORT_RANGE[1]
            outcome = await ev_session(server, mode, pki / "ev_trust" if tls else None)
            assert outcome.ok, outcome.reason
            await asyncio.wait_for(server.session_done.wait(), 2)
            assert server.outcomes[-1].ok, server.outcomes[-1].reason
            assert server.outcomes[-1].reason == "session terminated by the EV"
        finally:
            await server.close()

    asyncio.run(main())


def test_sdp_answers_with_the_listener() -> None:
    async def main() -> None:
        server = await start_secc()
        try:
            found = await sdp.discover(sdp.SECURITY_NONE, target="::1", port=server.sdp_port)
            assert (found.address, found.port, found.security, found.transport) == ("::1", server.port, sdp.SECURITY_NONE, sdp.TRANSPORT_TCP)
        finally:
            await server.close()

    asyncio.run(main())


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stream: V2GTPReader, data: bytes) -> exi.Message:
    writer.write(data)
    (_header, payload), = stream.feed(await asyncio.wait_for(reader.read(65536), 2))
    return exi.decode(payload, exi.detect_schema(payload))


def test_request_out_of_order() -> None:
    async def main() -> None:
        server = await start_secc()
        try:
            reader, writer = await asyncio.open_connection("::1", server.port)
            stream = V2GTPReader()
            await exchange(reader, writer, stream, SAP)
            session_id = (await exchange(reader, writer, stream, SETUP)).session_id
            answer = await exchange(reader, writer, stream, frame(exi.encode(v2g_message(session_id, "ChargingStatusReq", {}))))
            # the response type of the request received, FAILED_SequenceError [V2G2-538] ...
            assert answer.body_name == "ChargingStatusRes" and answer.body["ResponseCode"] == "FAILED_SequenceError"
            assert answer.session_id == session_id
            # ... and the SECC closes the connection [V2G2-539]
            assert await asyncio.wait_for(reader.read(65536), 2) == b""
            writer.close()
            await then_a_full_session_works(server)
        finally:
            await server.close()

    asyncio.run(main())


def test_unknown_session_id() -> None:
    async def main() -> None:
        server = await start_secc()
        try:
            wrong = frame(exi.encode(v2g_message(bytes.fromhex("DEADBEEFDEADBEEF"), "ServiceDiscoveryReq", {})))
            answers = await raw_client(server.port, [SAP, SETUP, wrong])
            assert answers[-1].body_name == "ServiceDiscoveryRes" and answers[-1].body["ResponseCode"] == "FAILED_UnknownSession"
            await then_a_full_session_works(server)
        finally:
            await server.close()

    asyncio.run(main())


@pytest.mark.parametrize(
    "bad",
    [build_header(0x8001, 4, version=0x02, inverse=0xFD), build_header(0x8001, 4, inverse=0x00), build_header(0x8123, 4), build_header(0x8001, 10**9)],
    ids=["version", "inverse", "payload-type", "length"],
)
def test_bad_v2gtp_header(bad: bytes) -> None:
    async def main() -> None:
        server = await start_secc()
        try:
            answers = await raw_client(server.port, [bad + b"\x80\x00\x00\x00"])
            assert answers == []  # no answer: the connection is closed
            assert "bad V2GTP header" in server.outcomes[-1].reason
            await then_a_full_session_works(server)
        finally:
            await server.close()

    asyncio.run(main())


def test_undecodable_exi() -> None:
    async def main() -> None:
        server = await start_secc()
        try:
            answers = await raw_client(server.port, [SAP, frame(b"\x80\x98\xff\xff\xff")])
            assert len(answers) == 1  # the handshake answer, then nothing
            assert "undecodable EXI" in server.outcomes[-1].reason and "bit" in server.outcomes[-1].reason
            await then_a_full_session_works(server)
        finally:
            await server.close()

    asyncio.run(main())


def test_silent_ev_hits_the_sequence_timeout() -> None:
    async def main() -> None:
        server = await start_secc(sequence_timeout=0.3, communication_setup_timeout=0.3)
        try:
            loop = asyncio.get_running_loop()
            started = loop.time()
            answers = await raw_client(server.port, [SAP, SETUP], wait=3)
            assert [a.body_name for a in answers] == ["supportedAppProtocolRes", "SessionSetupRes"]
            assert loop.time() - started < 2.5  # closed by the 0.3 s timer, not by our 3 s wait
            assert "V2G_SECC_Sequence_Timeout expired" in server.outcomes[-1].reason
            # and an EV that says nothing at all meets the communication-setup timer
            reader, writer = await asyncio.open_connection("::1", server.port)
            assert await asyncio.wait_for(reader.read(100), 3) == b""
            writer.close()
            assert "CommunicationSetup" in server.outcomes[-1].reason
            await then_a_full_session_works(server)
        finally:
            await server.close()

    asyncio.run(main())


def test_ev_that_does_not_trust_the_chain(pki: Path, other_pki: Path) -> None:
    async def main() -> None:
        server = await start_secc("ac", pki)
        try:
            outcome = await ev_session(server, trust=other_pki / "ev_trust", via_sdp=False)
            assert not outcome.ok
            assert "TLS handshake failed" in outcome.reason and "CERTIFICATE_VERIFY_FAILED" in outcome.reason
            good = await ev_session(server, trust=pki / "ev_trust")
            assert good.ok, good.reason
        finally:
            await server.close()

    asyncio.run(main())


def test_secc_presents_the_full_chain(pki: Path) -> None:
    """Trusting only the root works only if the SECC sends Sub-CA 2 and Sub-CA 1 with its leaf."""
    async def main() -> None:
        server = await start_secc("dc", pki)
        try:
            outcome = await ev_session(server, "dc", trust=pki / "ev_trust" / "v2g_root.pem", via_sdp=False)
            assert outcome.ok, outcome.reason
        finally:
            await server.close()

    asyncio.run(main())


def test_ipv4_for_convenience() -> None:
    async def main() -> None:
        profile = load_profile("secc", "ac")
        server = SeccServer(profile, host="127.0.0.1", tracer=NullTracer(), sdp_port=None)
        await server.start()
        try:
            outcome = await run_evcc(load_profile("evcc", "ac"), "127.0.0.1", server.port, tracer=NullTracer())
            assert outcome.ok, outcome.reason
        finally:
            await server.close()

    asyncio.run(main())


def test_sslkeylogfile_lets_wireshark_decrypt(pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keylog = tmp_path / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))

    async def main() -> None:
        server = await start_secc("ac", pki)
        try:
            outcome = await ev_session(server, trust=pki / "ev_trust", via_sdp=False)
            assert outcome.ok, outcome.reason
        finally:
            await server.close()

    asyncio.run(main())
    lines = keylog.read_text().splitlines()
    assert any(line.startswith("CLIENT_RANDOM ") for line in lines)  # the TLS 1.2 master secret, NSS format
