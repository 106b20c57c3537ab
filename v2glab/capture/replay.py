"""`v2glab replay`: play one side of a recorded session against a live engine.

``--role evcc`` replays the recorded car: its requests go, in order and with the
recorded pauses, to a live SECC; ``--role secc`` replays the recorded charger: it
listens and answers each request with the next recorded response. The live side's
messages are compared with the recording, by name and by content (response codes,
EVSEProcessing, the fields a profile sets: ``compare.py``), so a session recorded
once becomes a regression test. The SECC assigns a new SessionID in every session;
the replayed car's requests carry the live one (header, and MeteringReceiptReq's
body). The replayed charger answers the live EV's offer with the SchemaID the EV
gave the recorded protocol, and its responses carry the live SessionID.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .. import exi, v2gtp
from ..trace import Tracer
from ..protocols import Protocol, by_schema
from .compare import NOTHING, first_difference, mimic_profile
from .sessions import negotiated
from .show import Frame, read

MAX_PAUSE = 5.0  # s: longer recorded pauses are shortened


@dataclass
class ReplayResult:
    expected: list[str]
    live: list[str] = field(default_factory=list)
    reason: str = ""
    content: str = ""  # the first content difference: 'message N (Name): field F: recorded a, live b'

    @property
    def identical(self) -> bool:
        return self.expected == self.live and not self.reason and not self.content


def recorded(path: str, side: str, keylog: str | None = None) -> tuple[list[Frame], list[Frame]]:
    """(frames the replayed side sent, frames the other side sent), in order, decodable ones of the first session only."""
    capture = read(path, keylog)
    if not capture.sessions:
        raise ValueError(f"{path}: no V2GTP session")
    frames = [f for f in capture.sessions[0].messages if f.message is not None]
    if not frames:
        raise ValueError(f"{path}: no decodable V2GTP frame")
    mine = [f for f in frames if f.sender == side.upper()]
    theirs = [f for f in frames if f.sender != side.upper()]
    return mine, theirs


def mimic(path: str, keylog: str | None = None) -> tuple[str, dict[str, Any]]:
    """The SECC profile (base, override) under which v2glab's charger answers the recorded car as the recording did."""
    answers, _requests = recorded(path, "secc", keylog)
    return mimic_profile([(f.name, f.message.body) for f in answers], _protocol(answers))


def _protocol(frames: list[Frame]) -> Protocol | None:
    """The recorded session's protocol: that of its first V2G message (None: a handshake alone)."""
    return next((p for p in (by_schema(f.message.schema) for f in frames) if p is not None), None)


def _with(frame: Frame, session_id: bytes | None, schema_id: int | None = None) -> bytes:
    """The recorded frame with the live SessionID (header and a body's SessionID), or the live SchemaID."""
    message = frame.message
    if message.name == "supportedAppProtocolRes" and schema_id is not None and message.content.get("SchemaID") != schema_id:
        content = {**message.content, "SchemaID": schema_id}
        return v2gtp.frame(exi.encode(exi.Message(message.schema, message.name, content), validate=False))
    if session_id is None or message.session_id is None or message.session_id == session_id:
        return frame.data
    content = dict(message.content)
    content["Header"] = {**content["Header"], "SessionID": session_id}  # V2G_Message's, or the -20 message's own
    body = message.body
    if message.name == "V2G_Message" and isinstance(body, dict) and "SessionID" in body:
        content["Body"] = {message.body_name: {**body, "SessionID": session_id}}
    replayed = exi.Message(message.schema, message.name, content)
    return v2gtp.frame_message(replayed, exi.encode(replayed, validate=False))


def _compare(result: ReplayResult, index: int, expected: Frame | None, live: exi.Message, names: frozenset[str]) -> None:
    if result.content or expected is None or expected.name != live.body_name:
        return
    if live.name == "V2G_Message":
        diff = first_difference(expected.name, expected.message.body, live.body, names)
    else:  # the handshake: the response code; the SchemaID follows the live offer, so it is not compared
        diff = first_difference(expected.name, {k: v for k, v in expected.message.content.items() if k != "SchemaID"},
                                {k: v for k, v in live.content.items() if k != "SchemaID"}, frozenset({"ResponseCode", "ProtocolNamespace", "Priority"}))
    if diff:
        result.content = f"message {index + 1} ({expected.name}): {diff}"


async def _next_message(reader: asyncio.StreamReader, stream: v2gtp.V2GTPReader, pending: list, timeout: float) -> tuple[bytes, exi.Message] | None:
    while not pending:
        data = await asyncio.wait_for(reader.read(65536), timeout)
        if not data:
            return None
        pending.extend(stream.feed(data))
    header, payload = pending.pop(0)
    return header.to_bytes() + payload, _decode(header.payload_type, payload)


def _decode(payload_type: int, payload: bytes) -> exi.Message:
    return exi.decode(payload, exi.detect_schema(payload, v2gtp.schemas_for_payload_type(payload_type)))


async def replay_evcc(path: str, host: str, port: int, tracer: Tracer, ssl_context: Any = None, timeout: float = 5.0, keylog: str | None = None) -> ReplayResult:
    requests, responses = recorded(path, "evcc", keylog)
    result = ReplayResult([f.name for f in responses])
    protocol = _protocol(responses)
    compared = protocol.comparison.charger_fields if protocol else NOTHING.charger_fields
    reader, writer = await asyncio.open_connection(host, port, ssl=ssl_context, server_hostname="" if ssl_context else None)
    stream, pending = v2gtp.V2GTPReader(), []
    session_id: bytes | None = None
    try:
        for i, request in enumerate(requests):
            if i and i - 1 < len(responses):  # the recorded pause between the last response and this request
                await asyncio.sleep(min(MAX_PAUSE, max(0.0, request.ts - responses[i - 1].ts)))
            data = _with(request, session_id)
            writer.write(data)
            await writer.drain()
            tracer.message("EVCC", "replay", "tx", data, _decode(int.from_bytes(data[2:4], "big"), data[8:]))
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
            _compare(result, len(result.live), responses[len(result.live)] if len(result.live) < len(responses) else None, message, compared)
            result.live.append(message.body_name)
            if message.session_id and any(message.session_id):
                session_id = message.session_id
    finally:
        writer.close()
    return result


async def replay_secc(path: str, host: str, port: int, tracer: Tracer, ssl_context: Any = None, timeout: float = 60.0, keylog: str | None = None,
                      ready: asyncio.Future | None = None) -> ReplayResult:
    responses, requests = recorded(path, "secc", keylog)
    result = ReplayResult([f.name for f in requests])
    protocol = _protocol(requests)
    compared = protocol.comparison.car_fields if protocol else NOTHING.car_fields
    namespace, _schema_id = negotiated([f.message for f in requests + responses])
    connected: asyncio.Queue = asyncio.Queue()
    server = await asyncio.start_server(lambda r, w: connected.put_nowait((r, w)), host, port, ssl=ssl_context)
    bound = server.sockets[0].getsockname()[1]
    tracer.note("SECC", f"replaying the recorded SECC on [{host}]:{bound}")
    tracer.listening("SECC", "TLS" if ssl_context else "TCP", host, bound)
    if ready is not None:
        ready.set_result(bound)
    try:
        reader, writer = await asyncio.wait_for(connected.get(), timeout)
        stream, pending = v2gtp.V2GTPReader(), []
        schema_id: int | None = None
        session_id: bytes | None = None
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
            _compare(result, len(result.live), requests[len(result.live)] if len(result.live) < len(requests) else None, message, compared)
            result.live.append(message.body_name)
            if message.name == "supportedAppProtocolReq":  # the live EV's SchemaID for the recorded protocol
                schema_id = next((e.get("SchemaID") for e in message.content.get("AppProtocol") or [] if e.get("ProtocolNamespace") == namespace), None)
            elif message.name == "V2G_Message" and message.session_id and any(message.session_id):
                session_id = message.session_id  # the live SessionID, from the EV's requests
            data = _with(response, session_id, schema_id)
            writer.write(data)
            await writer.drain()
            tracer.message("SECC", "replay", "tx", data, _decode(int.from_bytes(data[2:4], "big"), data[8:]))
            if message.name == "V2G_Message" and session_id is None and response.message.session_id:
                session_id = response.message.session_id
        writer.close()
    finally:
        server.close()
    return result
