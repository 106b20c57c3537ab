"""`v2glab run`: a Lua script plays one side of a session.

The script runs in this thread with lupa; the sockets live in an asyncio loop in
a background thread. A Lua call that waits (Receive, Sleep) blocks on a future of
that loop. While a script runs the engine answers nothing by itself; it still
does SDP, TCP/TLS and, unless the script does it first, the supportedAppProtocol
handshake.

Exit status: 0 the script finished and every check passed; 1 a check failed;
2 a script or usage error (reported with the Lua file:line).
"""

from __future__ import annotations

import asyncio
import copy
import difflib
import threading
import time
from pathlib import Path
from typing import Any

import lupa
from lupa import LuaRuntime

from .. import exi
from ..errors import EXIError, V2GError, ValidationError, V2GTPError
from ..exi.grammar import SimpleType
from ..protocols.messages import body_type, minimal
from ..protocols.oracle import HANDSHAKE_EVCC
from ..transport.listen import bind_dynamic
from ..trace import Tracer
from ..transport import sdp
from ..v2gtp import V2GTPReader
from ..report import TestCaseResult
from . import api
from .session import APP_MESSAGES, ScriptError, ScriptSession, Verdict

# Tools beyond the generated API, the same for both tables (see README, "Negative tests").
TOOLS = (
    "Set_SendDelay", "Withhold_{msg}_001", "Send_RawFrame", "Send_RawPayload",
    "Set_V2GTP_ProtocolVersion", "Set_V2GTP_InverseProtocolVersion", "Set_V2GTP_PayloadType", "Set_V2GTP_PayloadLength",
    "Set_Validation", "Close_Connection", "Check_ConnectionClosed", "Get_SessionID", "Set_SessionID", "Get_LastResponseTime",
    "Log", "Verdict",
)

LUA_PRELUDE = b"""
local dispatch, tables = ...
local function api_table(tname)
  local t = {}
  return setmetatable(t, {__index = function(_, key)
    local fn = function(...)
      local ok, result = dispatch(tname, key, ...)
      if not ok then error(result, 2) end
      return result
    end
    rawset(t, key, fn)
    return fn
  end})
end
for _, name in ipairs(tables) do _G[name] = api_table(name) end
SECC = Secc
EVCC = Evcc
function TestCase(name, fn)
  local ok, result = dispatch("", "TestCase_begin", name)
  if not ok then error(result, 2) end
  local passed, err = pcall(fn)
  dispatch("", "TestCase_end", passed, err and tostring(err) or nil)
end
for _, name in ipairs({"Sleep", "Log", "Verdict"}) do
  _G[name] = function(...)
    local ok, result = dispatch("", name, ...)
    if not ok then error(result, 2) end
    return result
  end
end
"""


class Channel:
    """The connection, driven from the script thread, living in the loop thread."""

    def __init__(self) -> None:
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.frames = V2GTPReader()
        self.pending: list[tuple[Any, bytes]] = []
        self.closed = False


class ScriptRunner:
    def __init__(
        self,
        role: str,
        profile: dict[str, Any],
        tracer: Tracer | None = None,
        host: str | None = None,
        port: int | None = None,
        ssl_context: Any = None,
        interface: str | None = None,
        sdp_port: int | None = sdp.SDP_PORT,
        sdp_target: str = sdp.SDP_MULTICAST,
        capture: Any = None,
    ) -> None:
        self.role = role
        self.capture = capture  # a PcapWriter, or None
        self.table = api.ROLE_TABLES[role]
        self.profile = profile
        self.tracer = tracer or Tracer()
        self.host, self.port, self.ssl_context, self.interface = host, port, ssl_context, interface
        self.sdp_port, self.sdp_target = sdp_port, sdp_target
        self.session = ScriptSession(role, profile)
        # name -> schema set -> function: a name two protocols share acts on the negotiated one
        self.functions: dict[str, dict[str, api.Function]] = {}
        for schema in api.schemas():
            for f in api.functions(role, schema):
                self.functions.setdefault(f.name, {})[schema] = f
        self.other_table = "Evcc" if role == "secc" else "Secc"
        self.send_delay = 0.0
        self.last_response_time: float | None = None
        self._sent_at: float | None = None
        self._expecting: str | None = None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="v2glab-io", daemon=True)
        self._thread.start()
        self.channel = Channel()
        self._connections: asyncio.Queue | None = None
        self._server: Any = None
        self._sdp: Any = None
        self.lua = LuaRuntime(unpack_returned_tuples=True, encoding=None)
        # Chunks are loaded under their file name, so Lua errors read "script.lua:12: ..."
        loader = self.lua.eval(b"function(code, name, ...) local fn, err = load(code, name); if not fn then return false, err end; fn(...); return true end")
        tables = self.lua.table_from([b"Secc", b"Evcc"])
        loader(LUA_PRELUDE, b"=prelude", self._dispatch, tables)
        for table_name, values in api.enums().items():
            self.lua.globals()[table_name.encode()] = self.lua.table_from({k.encode(): v.encode() for k, v in values.items()})
        self._loader = loader
        self.error: str | None = None
        self.cases: list[TestCaseResult] = []
        self._case: TestCaseResult | None = None
        self._marks = (0, 0)

    # -- I/O in the loop thread ------------------------------------------------
    def _run(self, coro: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _listen(self) -> None:
        self._connections = asyncio.Queue()

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._connections.put((reader, writer))

        host = self.host or "::"
        if self.interface and host == "::":
            host = f"{sdp.link_local_address(self.interface)}%{self.interface}"
        self._server, _ = await bind_dynamic(lambda port: asyncio.start_server(accepted, host, port, ssl=self.ssl_context), self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # 0 asks the system for a free port
        if self.sdp_port is not None:
            def answer(request: sdp.SDPRequest) -> sdp.SDPResponse:
                address = sdp.link_local_address(self.interface) if self.interface else ("::1" if host in ("::", "::1") else host)
                return sdp.SDPResponse(address, self.port, sdp.SECURITY_TLS if self.ssl_context else sdp.SECURITY_NONE)

            self._sdp = await sdp.start_sdp_server(answer, self.interface, self.sdp_port, on_event=lambda s: self.tracer.note("SECC", s), capture=self.capture)
        self.tracer.listening("SECC", "TLS" if self.ssl_context else "TCP", host, self.port)

    async def _accept(self, timeout: float) -> None:
        reader, writer = await asyncio.wait_for(self._connections.get(), timeout)
        self.channel.reader, self.channel.writer = reader, writer
        self._capture_open()
        self.tracer.note("SECC", "EV connected")

    async def _connect(self) -> None:
        host, port = self.host, self.port
        if host is None or port is None:
            found = await sdp.discover(sdp.SECURITY_TLS if self.ssl_context else sdp.SECURITY_NONE, self.interface, self.sdp_target,
                                       self.sdp_port or sdp.SDP_PORT, capture=self.capture)
            host, port = found.address, found.port
        reader, writer = await asyncio.open_connection(host, port, ssl=self.ssl_context, server_hostname="" if self.ssl_context else None)
        self.channel.reader, self.channel.writer = reader, writer
        self._capture_open()
        self.tracer.note("EVCC", f"connected to [{host}]:{port}")

    def _capture_open(self) -> None:
        if self.capture is not None:
            from ..capture.pcap import endpoint

            local = endpoint(self.channel.writer.get_extra_info("sockname"))
            remote = endpoint(self.channel.writer.get_extra_info("peername"))
            self.capture.tcp_open("script", *((local, remote) if self.role == "evcc" else (remote, local)))

    async def _read_frame(self, timeout: float) -> tuple[Any, bytes] | None:
        ch = self.channel
        deadline = self.loop.time() + timeout
        while not ch.pending:
            if ch.closed or ch.reader is None:
                return None
            try:
                async with asyncio.timeout_at(deadline):
                    data = await ch.reader.read(65536)
            except TimeoutError:
                return None
            if not data:
                ch.closed = True
                if self.capture is not None:
                    self.capture.tcp_close("script", closed_by_client=self.role == "secc")
                return None
            if self.capture is not None:
                self.capture.tcp_data("script", self.role == "secc", data)
            ch.pending.extend(ch.frames.feed(data))
        return ch.pending.pop(0)

    async def _write(self, data: bytes) -> None:
        ch = self.channel
        if ch.writer is None or ch.closed:
            raise ScriptError("the connection is closed")
        ch.writer.write(data)
        if self.capture is not None:
            self.capture.tcp_data("script", self.role == "evcc", data)
        await ch.writer.drain()

    async def _close(self) -> None:
        ch = self.channel
        if ch.writer is not None and not ch.closed:
            ch.closed = True
            if self.capture is not None:
                self.capture.tcp_close("script", closed_by_client=self.role == "evcc")
            ch.writer.close()
            try:
                await ch.writer.wait_closed()
            except OSError:
                pass

    async def _shutdown(self) -> None:
        await self._close()
        if self._sdp is not None:
            self._sdp.close()
        if self._server is not None:
            self._server.close()

    # -- connection on demand ------------------------------------------------------
    def _ensure_connected(self) -> None:
        if self.channel.writer is not None:
            return
        if self.role == "secc":
            if self._server is None:
                self._run(self._listen())
            self._run(self._accept(self.profile["timers"]["communication_setup_timeout"]))
        else:
            self._run(self._connect())

    def start(self) -> None:
        """SECC: listen (and answer SDP) before the script starts, so an EV can find it at once."""
        if self.role == "secc":
            self._run(self._listen())

    # -- the API ---------------------------------------------------------------------
    def _dispatch(self, table: bytes, name: bytes, *args: Any) -> tuple[bool, Any]:
        table_s, name_s = table.decode(), name.decode()
        try:
            if not table_s:  # the global helpers
                if name_s.startswith("TestCase_"):
                    return True, getattr(self, f"_tool_{name_s}")(list(args))
                if name_s == "Sleep":
                    time.sleep(self._number(args, 0, "ms") / 1000)
                    return True, None
                return True, self._lua_value(getattr(self, f"_tool_{name_s}")(list(args)))
            if table_s == self.other_table:
                raise ScriptError(f"{table_s}.{name_s}: {table_s} functions are for --role {table_s.lower()} scripts; this one runs as {self.role.upper()}")
            return True, self._lua_value(self._call(name_s, list(args)))
        except ScriptError as exc:
            return False, f"{self.table}.{name_s}: {exc}".encode()
        except (V2GError, ValueError) as exc:
            return False, f"{self.table}.{name_s}: {exc}".encode()

    def _function(self, name: str) -> api.Function | None:
        variants = self.functions.get(name)
        if not variants:
            return None
        negotiated = [f for f in variants.values() if f.schema == self.session.schema_of(f.message)]
        return negotiated[0] if negotiated else next(iter(variants.values()))

    def _call(self, name: str, args: list[Any]) -> Any:
        function = self._function(name)
        if function is not None:
            return getattr(self, f"_do_{function.action}")(function, args)
        tool = getattr(self, f"_tool_{name}", None) if name in TOOLS else None
        if tool is not None:
            return tool(args)
        if name.startswith("Withhold_") and name.endswith("_001") and self._function(f"Send_{name[9:-4]}_001") is not None:
            return self._withhold(name[9:-4])
        candidates = list(self.functions) + [t for t in TOOLS if "{" not in t]
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(f'{self.table}.{c}' for c in close)}?" if close else ""
        raise ScriptError(f"no such function{hint}")

    @staticmethod
    def _number(args: list[Any], i: int, what: str) -> float:
        if len(args) <= i or isinstance(args[i], bool) or not isinstance(args[i], (int, float)):
            raise ScriptError(f"argument {i + 1} ({what}) must be a number, got {_lua_type_name(args[i] if len(args) > i else None)}")
        return args[i]

    def _indices(self, f: api.Function, args: list[Any], n: int | None = None) -> tuple[list[int], list[Any]]:
        if n is None:
            n = len(f.field.lists) if f.field else 0
        indices = []
        for i in range(n):
            value = self._number(args, i, "index")
            if value != int(value) or value < 0:
                raise ScriptError(f"index must be a whole number >= 0, got {value}")
            indices.append(int(value))
        return indices, args[n:]

    def _root(self, f: api.Function, incoming: bool) -> Any:
        if incoming:
            message = self.session.received.get(f.message)
            if message is None:
                return None
            return message.content if f.message in APP_MESSAGES else message.body
        return self.session.body(f.message)

    def _incoming(self, f: api.Function) -> bool:
        return f.message.endswith("Req") == (self.role == "secc") or (self.role == "evcc" and f.message == "supportedAppProtocolRes")

    # generated actions
    def _do_get(self, f: api.Function, args: list[Any]) -> Any:
        indices, _ = self._indices(f, args)
        root = self._root(f, self._incoming(f))
        if root is None:
            return None
        field = f.field
        value = self.session.get(root, field.keys, field.lists, indices)
        if field.kind == "specified":
            return value is not None
        if field.kind == "count":
            return len(value) if isinstance(value, list) else 0
        return value if value is None else (value, field.type)

    def _do_check(self, f: api.Function, args: list[Any]) -> bool:
        indices, rest = self._indices(f, args)
        if not rest:
            raise ScriptError("needs the expected value")
        expected = self._to_python(f.field.type, rest[0], validate=False)
        actual = self._do_get(f, indices)
        actual = actual[0] if isinstance(actual, tuple) else actual
        passed = self.session.check(f"{self.table}.{f.name}", expected, actual)
        self.tracer.note(self.role.upper(), f"{'PASS' if passed else 'FAIL'} {self.table}.{f.name}: expected {_show(expected)}, got {_show(actual)}")
        return passed

    def _do_set(self, f: api.Function, args: list[Any]) -> None:
        indices, rest = self._indices(f, args)
        if not rest:
            raise ScriptError(f"needs a value ({', '.join(f.parameters())})")
        field = f.field
        root = self.session.body(f.message)
        value = rest[0]
        if field.kind == "specified":
            if not isinstance(value, bool):
                raise ScriptError(f"expects a boolean, got {_lua_type_name(value)}")
            if value:
                if self.session.get(root, field.keys, field.lists, indices) is None:
                    self.session.set(root, field.keys, field.lists, indices, self._minimal_for(f, field))
            else:
                self.session.remove(root, field.keys, field.lists, indices)
            return
        if field.kind == "count":
            count = self._number(rest, 0, "count")
            current = self.session.get(root, field.keys, field.lists, indices) or []
            template = self._minimal_for(f, field, item=True)
            resized = (list(current) + [template] * int(count))[: int(count)]
            self.session.set(root, field.keys, field.lists, indices, [v if v is not None else template for v in resized])
            return
        self.session.set(root, field.keys, field.lists, indices, self._to_python(field.type, value, self.session.validate))

    def _minimal_for(self, f: api.Function, field: api.Field, item: bool = False) -> Any:
        """Minimal valid content for the element at ``field`` (an optional element or one list item)."""
        t = body_type(f.message, f.schema)
        for key in field.keys:
            spec = t.children.get(key) if not t.is_simple else None
            if spec is None:
                return {}
            t = spec[1]
        return copy.deepcopy(minimal(t, f.schema))

    def _do_add(self, f: api.Function, args: list[Any]) -> None:
        """Append an entry to the innermost list on the leaf's path, with the leaf set."""
        field = f.field
        outer = field.lists[:-1]
        indices, rest = self._indices(f, args, len(outer))
        if not rest:
            raise ScriptError(f"needs a value ({', '.join(f.parameters())})")
        root = self.session.body(f.message)
        list_keys = field.keys[: field.lists[-1] + 1]
        entries = list(self.session.get(root, list_keys, outer, indices) or [])
        entry_field = api.Field(f.message, (), list_keys, outer, "count")
        entries.append(self._minimal_for(f, entry_field, item=True))
        self.session.set(root, list_keys, outer, indices, entries)
        self.session.set(root, field.keys, field.lists, indices + [len(entries) - 1], self._to_python(field.type, rest[0], self.session.validate))

    def _do_exist(self, f: api.Function, args: list[Any]) -> bool:
        """Does the received message's list hold an entry with these values? nil matches anything."""
        root = self._root(f, incoming=True)
        entries = self.session.get(root, f.field.keys, (), []) if root is not None else None
        wanted = [(item, None if i >= len(args) or args[i] is None else self._to_python(item.type, args[i], validate=False))
                  for i, item in enumerate(f.items)]
        depth = len(f.field.keys)
        for entry in entries or []:
            if all(value is None or self.session.get({"": entry}, ("",) + item.keys[depth:], (), []) == value for item, value in wanted):
                return True
        return False

    def _do_receive(self, f: api.Function, args: list[Any]) -> None:
        """Wait for the next message; a timeout is a FAIL verdict. Check_Received_<Msg>() tells what came."""
        self._receive_message(f)

    def _receive_message(self, f: api.Function) -> bool:
        self._ensure_connected()
        if f.message not in APP_MESSAGES and not self.session.handshake_done:
            self._auto_handshake()
        if self.role == "secc":
            timeout = self.profile["timers"]["sequence_timeout"] if self.session.session_id else self.profile["timers"]["communication_setup_timeout"]
        else:
            timeout = self.session.protocol.timing.msg_timeout(f.message[:-3] + "Req")
        message = self._receive(timeout)
        if message is None:
            what = "V2G_SECC_Sequence_Timeout" if self.role == "secc" else "V2G_EVCC_Msg_Timeout"
            self.session.verdicts.append(Verdict(f"{self.table}.{f.name}", False, f"no {f.message} within {timeout:g} s ({what})"))
            self.tracer.note(self.role.upper(), f"FAIL {self.table}.{f.name}: no {f.message} within {timeout:g} s ({what})")
            return False
        return message.body_name == f.message

    def _do_check_received(self, f: api.Function, args: list[Any]) -> bool:
        last = self.session.last_received
        return last is not None and last.body_name == f.message

    def _do_send(self, f: api.Function, args: list[Any]) -> None:
        self._ensure_connected()
        if f.message not in APP_MESSAGES and not self.session.handshake_done:
            self._auto_handshake()
        try:
            data, message = self.session.encode(f.message)
        except (EXIError, ValidationError) as exc:
            raise ScriptError(f"cannot encode {f.message}: {exc}") from None
        self._send_bytes(data, message)

    # engine help
    def _auto_handshake(self) -> None:
        """The supportedAppProtocol exchange, done by the engine when the script skips it.

        Header corruptions the script asked for are kept for the script's own next send.
        """
        pending, self.session.header_override = self.session.header_override, {}
        try:
            self._handshake()
        finally:
            self.session.header_override = pending

    def _handshake(self) -> None:
        if self.role == "secc":
            message = self._receive(self.profile["timers"]["communication_setup_timeout"])
            if message is None or message.name != "supportedAppProtocolReq":
                raise ScriptError("the EV did not start with supportedAppProtocolReq")
            data, sent = self.session.encode("supportedAppProtocolRes")
            self._send_bytes(data, sent)
        else:
            data, sent = self.session.encode("supportedAppProtocolReq")
            self._send_bytes(data, sent)
            message = self._receive(HANDSHAKE_EVCC.seconds)
            if message is None or not self.session.handshake_done:
                raise ScriptError("the supportedAppProtocol handshake failed")

    def _receive(self, timeout: float) -> exi.Message | None:
        try:
            item = self._run(self._read_frame(timeout))
        except V2GTPError as exc:
            self.tracer.note(self.role.upper(), f"bad V2GTP header from the peer: {exc}")
            self.session.verdicts.append(Verdict("V2GTP header", False, str(exc)))
            self._run(self._close())
            return None
        if item is None:
            return None
        header, payload = item
        if self._sent_at is not None:
            self.last_response_time = time.monotonic() - self._sent_at
            self._sent_at = None
        try:
            message = self.session.decode(header, payload)
        except EXIError as exc:
            self.tracer.message(self.role.upper(), "script", "rx", header.to_bytes() + payload, None, str(exc))
            self.session.verdicts.append(Verdict("EXI", False, str(exc)))
            return None
        self.tracer.message(self.role.upper(), "script", "rx", header.to_bytes() + payload, message)
        return message

    def _send_bytes(self, data: bytes, message: exi.Message | None) -> None:
        if self.send_delay:
            time.sleep(self.send_delay)
            self.send_delay = 0.0
        self._run(self._write(data))
        self._sent_at = time.monotonic()
        self.tracer.message(self.role.upper(), "script", "tx", data, message)

    def _withhold(self, message: str) -> None:
        self.session.building.pop(message, None)
        self.tracer.note(self.role.upper(), f"{message} withheld on purpose")

    # tools
    def _tool_Set_SendDelay(self, args: list[Any]) -> None:
        self.send_delay = self._number(args, 0, "ms") / 1000

    def _tool_Send_RawFrame(self, args: list[Any]) -> None:
        self._ensure_connected()
        self._send_bytes(_hex_arg(args), None)

    def _tool_Send_RawPayload(self, args: list[Any]) -> None:
        self._ensure_connected()
        payload = _hex_arg(args)
        self._send_bytes(self.session.header(len(payload)) + payload, None)

    def _header_tool(self, field: str, args: list[Any]) -> None:
        value = self._number(args, 0, field)
        self.session.header_override[field] = int(value)

    def _tool_Set_V2GTP_ProtocolVersion(self, args: list[Any]) -> None:
        self._header_tool("ProtocolVersion", args)

    def _tool_Set_V2GTP_InverseProtocolVersion(self, args: list[Any]) -> None:
        self._header_tool("InverseProtocolVersion", args)

    def _tool_Set_V2GTP_PayloadType(self, args: list[Any]) -> None:
        self._header_tool("PayloadType", args)

    def _tool_Set_V2GTP_PayloadLength(self, args: list[Any]) -> None:
        self._header_tool("PayloadLength", args)

    def _tool_Set_Validation(self, args: list[Any]) -> None:
        if not args or not isinstance(args[0], bool):
            raise ScriptError("expects a boolean")
        self.session.validate = args[0]

    def _tool_Close_Connection(self, args: list[Any]) -> None:
        self._run(self._close())
        self.tracer.note(self.role.upper(), "connection closed by the script")

    def _tool_Check_ConnectionClosed(self, args: list[Any]) -> bool:
        """PASS when the peer closes the connection within ms, without sending anything."""
        ms = self._number(args, 0, "ms")
        self._ensure_connected()
        try:
            item = self._run(self._read_frame(ms / 1000))
        except V2GTPError as exc:
            item = exc
        closed = item is None and self.channel.closed
        detail = "closed by the peer" if closed else ("a message came instead" if item is not None else f"still open after {ms:g} ms")
        self.session.verdicts.append(Verdict(f"{self.table}.Check_ConnectionClosed", closed, detail))
        self.tracer.note(self.role.upper(), f"{'PASS' if closed else 'FAIL'} {self.table}.Check_ConnectionClosed: {detail}")
        return closed

    def _tool_Get_SessionID(self, args: list[Any]) -> str | None:
        return self.session.session_id.hex().upper() if self.session.session_id is not None else None

    def _tool_Set_SessionID(self, args: list[Any]) -> None:
        self.session.session_id = _hex_arg(args)

    def _tool_Get_LastResponseTime(self, args: list[Any]) -> float | None:
        return None if self.last_response_time is None else round(self.last_response_time * 1000, 3)

    def _tool_TestCase_begin(self, args: list[Any]) -> None:
        name = args[0].decode() if args and isinstance(args[0], bytes) else "test case"
        self._case = TestCaseResult(name, time.time())
        self._marks = (len(self.session.verdicts), len(self.tracer.violations))
        self.tracer.note(self.role.upper(), f"test case {name}")

    def _tool_TestCase_end(self, args: list[Any]) -> None:
        case, self._case = self._case, None
        if case is None:
            return
        self._finish_case(case)
        if not args[0]:
            case.error = _lua_message(args[1]) if len(args) > 1 and args[1] is not None else "error"
            self.error = self.error or f"script error in test case {case.name}: {case.error}"
        self.tracer.note(self.role.upper(), f"test case {case.name}: {'PASS' if case.passed else 'ERROR' if case.error else 'FAIL'}")

    def _finish_case(self, case: TestCaseResult) -> None:
        v0, t0 = self._marks
        case.checks = self.session.verdicts[v0:]
        case.violations = self.tracer.violations[t0:]
        case.duration = time.time() - case.started
        self._marks = (len(self.session.verdicts), len(self.tracer.violations))
        self.cases.append(case)

    def _tool_Log(self, args: list[Any]) -> None:
        self.tracer.note(self.role.upper(), " ".join(_show(a) for a in args))

    def _tool_Verdict(self, args: list[Any]) -> bool:
        if len(args) < 2 or not isinstance(args[1], bool):
            raise ScriptError("expects (name, boolean)")
        name = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        self.session.verdicts.append(Verdict(name, args[1], ""))
        self.tracer.note(self.role.upper(), f"{'PASS' if args[1] else 'FAIL'} {name}")
        return args[1]

    # -- value conversion --------------------------------------------------------------
    def _to_python(self, st: SimpleType, value: Any, validate: bool) -> Any:
        kind = st.kind
        if kind == "bool":
            if not isinstance(value, bool):
                raise ScriptError(f"expects a boolean, got {_lua_type_name(value)}")
            converted: Any = value
        elif kind in ("nbit", "uint", "int"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                raise ScriptError(f"expects a whole number, got {_lua_type_name(value)} {_show(value)}")
            converted = int(value)
        elif kind == "hex":
            if not isinstance(value, bytes):
                raise ScriptError(f"expects a hex string, got {_lua_type_name(value)}")
            try:
                converted = bytes.fromhex(value.decode())
            except ValueError:
                # Not hex: its bytes, as the vendor's DIN pages set EVSEID ('KR*TC1*DIN*001') and
                # EVerest sends the ASCII of its configured DIN EVSEID.
                converted = bytes(value)
        elif kind == "b64":
            if not isinstance(value, bytes):
                raise ScriptError(f"expects a (byte) string, got {_lua_type_name(value)}")
            converted = value
        else:  # string and enum
            if not isinstance(value, bytes):
                raise ScriptError(f"expects a string{' (' + api.enum_table_name(st) + ')' if kind == 'enum' else ''}, got {_lua_type_name(value)}")
            converted = value.decode("utf-8", errors="replace")
            if kind == "enum" and converted not in st.index:
                raise ScriptError(f"{converted!r} is not a {api.enum_table_name(st)} (one of {', '.join(st.values)})")
        if validate:
            try:
                exi.check_value(st, converted)
            except ValidationError as exc:
                raise ScriptError(f"{exc.reason} [schema {exc.facet}; Secc/Evcc.Set_Validation(false) sends it anyway]") from None
            except EXIError as exc:
                raise ScriptError(str(exc)) from None
        return converted

    @staticmethod
    def _lua_value(value: Any) -> Any:
        if isinstance(value, tuple):
            value, st = value
            if st.kind == "hex":
                return value.hex().upper().encode()
            if isinstance(value, str):
                return value.encode()
            return value
        if isinstance(value, str):
            return value.encode()
        return value

    # -- running -------------------------------------------------------------------------
    def run(self, script: Path) -> int:
        code = script.read_bytes()
        self.start()
        started = time.time()
        try:
            result = self._loader(code, f"@{script}".encode())
            loaded, error = result if isinstance(result, tuple) else (result, None)
            if not loaded:
                self.error = f"script error: {_lua_message(error)}"
        except lupa.LuaError as exc:
            self.error = f"script error: {_lua_message(exc)}"
        finally:
            self._stop()
        if not self.cases or self._marks != (len(self.session.verdicts), len(self.tracer.violations)):
            # no TestCase blocks, or work after the last one: the script (rest) is a test case of its own
            rest = TestCaseResult(script.stem if not self.cases else f"{script.stem} (outside test cases)", started)
            self._finish_case(rest)
            if self.error and not any(c.error for c in self.cases[:-1]):
                rest.error = self.error
        if self.error:
            self.tracer.note(self.role.upper(), self.error)
            return 2
        failed = [v for v in self.session.verdicts if not v.passed]
        total = len(self.session.verdicts)
        late = len(self.tracer.violations)
        self.tracer.note(self.role.upper(), f"script finished: {total - len(failed)} of {total} checks passed, {late} timing violation(s)")
        return 1 if failed or late else 0

    def _stop(self) -> None:
        try:
            self._run(self._shutdown(), timeout=5)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)


def _hex_arg(args: list[Any]) -> bytes:
    if not args or not isinstance(args[0], bytes):
        raise ScriptError("expects a hex string")
    try:
        return bytes.fromhex(args[0].decode())
    except ValueError:
        raise ScriptError(f"{args[0].decode(errors='replace')!r} is not hex") from None


def _lua_type_name(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, bytes):
        return "string"
    return "table" if hasattr(value, "keys") else type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return repr(value)


def _lua_message(exc: Any) -> str:
    text = exc.decode(errors="replace") if isinstance(exc, bytes) else str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.split("\nstack traceback")[0]
