"""The EVCC as a process against a hostile charger: it fails with one line, never a traceback."""

from __future__ import annotations

import asyncio
import sys

from v2glab import exi
from tests.helpers import v2g_message
from v2glab.v2gtp import V2GTPReader, frame

SAP_RES = frame(exi.encode(exi.Message("app", "supportedAppProtocolRes", {"ResponseCode": "OK_SuccessfulNegotiation", "SchemaID": 1})))


async def charger_answering(setup_body: dict) -> tuple[asyncio.Server, int]:
    """A raw SECC: the handshake, then SessionSetupRes with ``setup_body``, written without validation."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stream, answers = V2GTPReader(), [SAP_RES, frame(exi.encode(v2g_message(bytes(8), "SessionSetupRes", setup_body), validate=False))]
        while answers and (data := await reader.read(65536)):
            for _frame in stream.feed(data):
                writer.write(answers.pop(0))
        await reader.read()  # until the EV closes
        writer.close()

    server = await asyncio.start_server(handle, "::1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_a_lone_surrogate_in_a_response_fails_the_session_with_one_line() -> None:
    async def main() -> tuple[int, str, str]:
        server, port = await charger_answering({"ResponseCode": "OK_NewSessionEstablished", "EVSEID": "DE*V2G*\ud800*1"})
        async with server:
            ev = await asyncio.create_subprocess_exec(sys.executable, "-m", "v2glab.cli", "evcc", "--host", "::1", "--port", str(port),
                                                      stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(ev.communicate(), 60)
        return ev.returncode, out.decode(), err.decode()

    code, out, err = asyncio.run(main())
    assert code == 1
    assert err.splitlines() == ["v2glab evcc: session FAILED: SessionSetupRes breaks the schema: V2G_Message/Body/SessionSetupRes/EVSEID: "
                                "character U+D800 at 7 is not allowed in an XML string [Char]"]
    assert "<s1:EVSEID>DE*V2G*&#xD800;*1</s1:EVSEID>" in out  # the trace shows what came, escaped
