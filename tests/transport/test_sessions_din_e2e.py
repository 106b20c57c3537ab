"""DIN SPEC 70121 sessions over real sockets on ::1: the engines found by SDP, and the two CLI commands."""

from __future__ import annotations

from v2glab.transport.observers import Silent

import asyncio
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from v2glab.evcc.client import run_evcc
from v2glab.profiles import load_profile
from v2glab.secc.server import SeccServer
from v2glab.transport.listen import PORT_RANGE


class Recorder(Silent):
    """A message observer that keeps (role, direction, schema, name) of every message."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str, str]] = []

    def message(self, role: str, connection: str, direction: str, frame_bytes: bytes, message: Any,
                error: str | None = None, at: tuple[float, float] | None = None) -> None:
        self.seen.append((role, direction, message.schema, message.body_name))


def test_din_session_found_by_sdp() -> None:
    async def main() -> None:
        secc_seen, ev_seen = Recorder(), Recorder()
        server = SeccServer(load_profile("secc", "dc"), host="::1", tracer=secc_seen, sdp_port=random.randint(20000, 40000))
        await server.start()
        try:
            ev = load_profile("evcc", "dc")
            ev["protocols"] = ["din70121"]  # the SECC enables ISO 15118-2 and DIN; this car offers DIN only
            outcome = await run_evcc(ev, tracer=ev_seen, sdp_target="::1", sdp_port=server.sdp_port)
            assert outcome.ok, outcome.reason
            await asyncio.wait_for(server.session_done.wait(), 5)
            assert server.outcomes[-1].ok and server.outcomes[-1].reason == "session terminated by the EV"
        finally:
            await server.close()
        received = [(schema, name) for role, direction, schema, name in secc_seen.seen if direction == "rx"]
        assert received[0] == ("app", "supportedAppProtocolReq")
        assert {schema for schema, _ in received[1:]} == {"din70121"}
        names = [name for _, name in received]
        assert names[1:5] == ["SessionSetupReq", "ServiceDiscoveryReq", "ServicePaymentSelectionReq", "ContractAuthenticationReq"]
        assert names.count("CurrentDemandReq") == 3 and names[-1] == "SessionStopReq"
        # both sides saw the same messages in the same order
        assert [n for _, d, _, n in ev_seen.seen if d == "tx"] == names

    asyncio.run(main())


def _wait_for_port(log: Path, process: subprocess.Popen, seconds: float = 30) -> int:
    """The SECC's real TCP port, from its 'listening on' note: waits for readiness, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text().splitlines():
                found = re.search(r"listening on TCP \[.*\]:(\d+)", json.loads(line).get("note", ""))
                if found:
                    return int(found.group(1))
        assert process.poll() is None, process.communicate()[0][-2000:]
        time.sleep(0.05)
    raise AssertionError(f"the SECC did not listen within {seconds:g} s")


def test_cli_din_evcc_against_cli_secc(tmp_path: Path) -> None:
    secc_log, ev_log = tmp_path / "secc.jsonl", tmp_path / "ev.jsonl"
    secc = subprocess.Popen([sys.executable, "-m", "v2glab.cli", "secc", "--profile", "dc", "--host", "::1", "--no-sdp", "--once",
                             "--quiet", "--log", str(secc_log)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = _wait_for_port(secc_log, secc)
        assert PORT_RANGE[0] <= port <= PORT_RANGE[1]
        ev = subprocess.run([sys.executable, "-m", "v2glab.cli", "evcc", "--protocol", "din70121", "--profile", "dc", "--host", "::1",
                             "--port", str(port), "--quiet", "--log", str(ev_log)], capture_output=True, text=True, timeout=60)
        assert secc.wait(timeout=30) == 0
    finally:
        secc.kill()
    assert ev.returncode == 0, ev.stderr
    assert "v2glab evcc: session complete" in ev.stderr
    ev_records = [json.loads(line) for line in ev_log.read_text().splitlines()]
    offer = next(r for r in ev_records if r.get("message") == "supportedAppProtocolReq")
    assert "urn:din:70121:2012:MsgDef" in offer["xml"] and "urn:iso:15118:2:2013:MsgDef" not in offer["xml"]  # --protocol din70121 offers DIN only
    received = [r["message"] for r in ev_records if r.get("direction") == "rx"]
    assert received[-1] == "SessionStopRes" and received.count("CurrentDemandRes") == 3 and "ContractAuthenticationRes" in received
    secc_notes = [json.loads(line).get("note", "") for line in secc_log.read_text().splitlines()]
    assert any("closed: session terminated by the EV" in n for n in secc_notes)
