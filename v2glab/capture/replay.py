"""`v2glab replay`: play one side of a recorded session against a live engine.

``--role evcc`` replays the recorded car: its requests go, in order and with the
recorded pauses, to a live SECC; ``--role secc`` replays the recorded charger: it
listens and answers each request with the next recorded response. The live side's
messages are compared with the recording, so a session recorded once becomes a
regression test. The SECC assigns a new SessionID in every session; the replayed
car's requests carry the live one (header, and MeteringReceiptReq's body).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .. import exi
from ..trace import Tracer
from .. import v2gtp
from ..protocols import by_schema
from .show import Frame, read_capture

MAX_PAUSE = 5.0  # s: longer recorded pauses are shortened


@dataclass
class ReplayResult:
    expected: list[str]
    live: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def identical(self) -> bool:
        return self.expected == self.live and not self.reason


def recorded(path: str, side: str) -> tuple[list[Frame], list[Frame]]:
    """(frames the replayed side sent, frames the other side sent), in order, decodable ones only."""
    frames = [f for f in read_capture(path) if f.transport == "TCP" and f.message is not None]
    if not frames:
        raise ValueError(f"{path}: no decodable V2GTP frame")
    mine = [f for f in frames if f.sender == side.upper()]
    theirs = [f for f in frames if f.sender != side.upper()]
    return mine, theirs


def _with_session(frame: Frame, session_id: bytes | None) -> bytes:
    """The recorded frame with the live SessionID (header and MeteringReceiptReq body)."""
    message = frame.message
    if session_id is None or message.name != "V2G_Message":
        return frame.data
    content = dict(message.content)
    content["Header"] = {**content["Header"], "SessionID": session_id}
    body = message.body
    if isinstance(body, dict) and "SessionID" in body:
        content["Body"] = {message.body_name: {**body, "SessionID": session_id}}
    return v2gtp.frame(exi.encode(exi.Message(message.schema, message.name, content), validate=False))


def _is_setup_response(message: exi.Message) -> bool:
    """The response that assigns the SessionID, by the message's own protocol."""
    protocol = by_schema(message.schema)
    return protocol is not None and message.body_name[:-3] + "Req" in protocol.sequence.first


async def _next_message(reader: asyncio.StreamReader, stream: v2gtp.V2GTPReader, pending: list, timeout: float) -> tuple[bytes, exi.Message] | None:
    while not pending:
        data = await asyncio.wait_for(reader.read(65536), timeout)
        if not data:
            return None
        pending.extend(stream.feed(data))
    header, payload = pending.pop(0)
    return header.to_bytes() + payload, exi.decode(payload, exi.detect_schema(payload))


async def replay_evcc(path: str, host: str, port: int, tracer: Tracer, ssl_context: Any = None, timeout: float = 5.0) -> ReplayResult:
    requests, responses = recorded(path, "evcc")
    result = ReplayResult([f.name for f in responses])
    reader, writer = await asyncio.open_connection(host, port, ssl=ssl_context, server_hostname="" if ssl_context else None)
    stream, pending = v2gtp.V2GTPReader(), []
    session_id: bytes | None = None
    try:
        for i, request in enumerate(requests):
            if i and i - 1 < len(responses):  # the recorded pause between the last response and this request
                await asyncio.sleep(min(MAX_PAUSE, max(0.0, request.ts - responses[i - 1].ts)))
            data = _with_session(request, session_id)
            writer.write(data)
            await writer.drain()
            tracer.message("EVCC", "replay", "tx", data, exi.decode(data[8:], exi.detect_schema(data[8:])))
            try:
                got = await _next_message(reader, stream, pending, timeout)
            except TimeoutError:
                result.reason = f"no answer to {request.name} within {timeout:g} s"
                break
            if got is None:
                result.reason = f"the SECC closed the connection after {request.name}"
                break
            raw, message = got
            tracer.message("EVCC", "replay", "rx", raw, message)
            result.live.append(message.body_name)
            if _is_setup_response(message):
                session_id = message.session_id
    finally:
        writer.close()
    return result


async def replay_secc(path: str, host: str, port: int, tracer: Tracer, ssl_context: Any = None, timeout: float = 60.0) -> ReplayResult:
    responses, requests = recorded(path, "secc")
    result = ReplayResult([f.name for f in requests])
    connected: asyncio.Queue = asyncio.Queue()
    server = await asyncio.start_server(lambda r, w: connected.put_nowait((r, w)), host, port, ssl=ssl_context)
    tracer.note("SECC", f"replaying the recorded SECC on [{host}]:{port}")
    try:
        reader, writer = await asyncio.wait_for(connected.get(), timeout)
        stream, pending = v2gtp.V2GTPReader(), []
        for response in responses:
            try:
                got = await _next_message(reader, stream, pending, timeout)
            except TimeoutError:
                result.reason = f"no request within {timeout:g} s"
                break
            if got is None:
                result.reason = "the EV closed the connection"
                break
            raw, message = got
            tracer.message("SECC", "replay", "rx", raw, message)
            result.live.append(message.body_name)
            writer.write(response.data)
            await writer.drain()
            tracer.message("SECC", "replay", "tx", response.data, response.message)
        writer.close()
    finally:
        server.close()
    return result
