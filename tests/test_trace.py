"""The trace: deltas never negative, and nothing a peer sends can break the console."""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

from v2glab import exi
from v2glab.profiles import load_profile
from tests.helpers import ISO2_NAMESPACE, v2g_message
from v2glab.secc.server import SeccServer
from v2glab.trace import Tracer, printable
from v2glab.v2gtp import frame

SAP = frame(exi.encode(exi.Message("app", "supportedAppProtocolReq", {"AppProtocol": [
    {"ProtocolNamespace": ISO2_NAMESPACE, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]})))
SETUP = frame(exi.encode(v2g_message(b"\x00", "SessionSetupReq", {"EVCCID": bytes(6)})))


def test_frames_of_one_segment_never_show_a_negative_delta(tmp_path: Path) -> None:
    """The issue: '+-50.7 ms' when several frames arrive in one segment. Two requests in one
    write: the second is stamped with the segment's arrival, before the first answer went out."""
    console, log = io.StringIO(), tmp_path / "trace.jsonl"

    async def main() -> None:
        server = SeccServer(load_profile("secc", "ac"), host="::1", port=0, tracer=Tracer(console=console, log_path=str(log)), sdp_port=None)
        await server.start()
        try:
            reader, writer = await asyncio.open_connection("::1", server.port)
            writer.write(SAP + SETUP)  # one segment
            received = b""
            while received.count(b"\x01\xfe\x80\x01") < 2:
                received += await asyncio.wait_for(reader.read(65536), 5)
            writer.close()
        finally:
            await server.close()

    asyncio.run(main())
    deltas = [float(d) for d in re.findall(r"\(\+(-?[\d.]+) ms\)", console.getvalue())]
    assert len(deltas) == 3 and min(deltas) >= 0, console.getvalue()
    logged = [r["delta_ms"] for r in map(json.loads, log.read_text().splitlines()) if r.get("delta_ms") is not None]
    assert len(logged) == 3 and min(logged) >= 0


def test_printable_escapes_what_a_console_cannot_take_or_would_obey() -> None:
    assert printable("ns\ud800 \x1b[2J\x9b end\ttab\nline") == "ns\\ud800 \\x1b[2J\\x9b end\ttab\nline"
    assert printable("DE*V2G*E12345*1 é 中") == "DE*V2G*E12345*1 é 中"
