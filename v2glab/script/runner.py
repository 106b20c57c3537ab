"""`v2glab run`: a Lua script plays one side of a session, on the asyncio loop.

The script is a Lua coroutine (``sandbox.py``) that the loop drives: an API call that
must wait (Receive, Sleep, a delayed Send, connecting) yields, and a loop callback
resumes the script with the result: the frame that arrived, the timer that fired.
There is no thread and no hop between threads.

Play modes. Hybrid (the default): the engine of the same role (``engine.py``) plays
every step the script does not take: while a ``Receive``/``Send`` waits for its step,
the engine answers (SECC) or sends (EVCC) the steps before it, and when the script
ends, the engine finishes the session. Strict (``--strict``, ``Set_Strict(true)``):
the script is in charge of every application message, as a negative test needs; the
runner still does SDP, TCP/TLS and, unless the script does it first, the
supportedAppProtocol handshake.

Exit status: 0 the script finished and every check passed; 1 a check failed, a
timing limit was missed or ``--timeout`` ended the script; 2 a script or usage
error (with the Lua file:line); 130 Ctrl-C.
"""

from __future__ import annotations

import asyncio
import copy
import difflib
import math
import random
import signal
import socket
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

from .. import exi
from ..errors import EXIError, V2GError, ValidationError, V2GTPError
from ..exi.grammar import SimpleType
from ..protocols import APP_SCHEMA
from ..protocols.events import Close, Note, Send, StartTimer, StopTimer
from ..protocols.messages import body_type, minimal
from ..protocols.oracle import HANDSHAKE_EVCC, TimingOracle
from ..report import TestCaseResult
from ..trace import Tracer
from ..transport import sdp
from ..transport.listen import bind_dynamic
from ..v2gtp import V2GTPReader
from . import api, slac_api
from .engine import engine_for
from .pnc_tools import PNC_TOOLS, PncTools
from .sandbox import MAX_MEMORY, STATUS_ERROR, STATUS_NOTE, STATUS_OK, STATUS_WAIT, LuaError, LuaMemoryError, LuaState
from .session import APP_MESSAGES, ScriptError, ScriptSession, Verdict

# Tools beyond the generated API, the same for both tables (see README, "Negative tests").
TOOLS = (
    "Set_SendDelay", "Withhold_{msg}_001", "Send_RawFrame", "Send_RawPayload",
    "Set_V2GTP_ProtocolVersion", "Set_V2GTP_InverseProtocolVersion", "Set_V2GTP_PayloadType", "Set_V2GTP_PayloadLength",
    "Set_Validation", "Close_Connection", "Check_ConnectionClosed", "Get_SessionID", "Set_SessionID", "Get_LastResponseTime",
    "Log", "Verdict", "Set_Strict", "Get_Timer", "Reconnect",
)
MAX_WAIT_MS = 86_400_000  # Sleep and Set_SendDelay: at most a day; more is a mistake in the script
SEND_STALL = 10.0  # s a Send waits for a peer that reads nothing before the script stops
OUTBOX_LIMIT = 64 * 1024  # bytes a script sends before the loop gets a turn
EXIT_INTERRUPTED = 130
WAIT = object()  # returned by an API implementation that will resume the script later


class StopScript(Exception):
    """Ctrl-C or the time limit."""


class ScriptConnection(asyncio.Protocol):
    """The one connection of a script run: frames in a queue, flow control, and the close."""

    def __init__(self, runner: ScriptRunner) -> None:
        self.runner = runner
        self.transport: asyncio.Transport | None = None
        self.frames = V2GTPReader()
        self.pending: deque[tuple[Any, bytes]] = deque()
        self.header_error: V2GTPError | None = None
        self.closed = False  # by either side
        self.closed_by_us = False
        self.lost: str | None = None  # why the peer ended it
        self.paused = False
        self.arrivals: deque[tuple[float, float]] = deque()
        self.unyielded = 0  # bytes the script sent since it last let the loop run

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.runner._connected(self)

    def data_received(self, data: bytes) -> None:
        r = self.runner
        if r.capture is not None:
            r.capture.tcp_data("script", r.role == "secc", data)
        if self.header_error is not None:
            return
        try:
            frames = self.frames.feed(data)
        except V2GTPError as exc:
            self.header_error = exc
            frames = []
        if frames:
            arrived = (time.time(), time.monotonic())
            self.pending.extend(frames)
            self.arrivals.extend([arrived] * len(frames))
        r._pump()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.closed_by_us:
            self.lost = f"connection error: {exc}" if exc else "closed by the peer"
            if self.runner.capture is not None:
                self.runner.capture.tcp_close("script", closed_by_client=self.runner.role == "secc")
        self.paused = False
        self.runner._pump()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self.runner._pump()

    def write(self, data: bytes) -> None:
        self.transport.write(data)  # at once: the response goes out before the script's next call
        self.unyielded += len(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = self.closed_by_us = True
            if self.runner.capture is not None:
                self.runner.capture.tcp_close("script", closed_by_client=self.runner.role == "evcc")
            self.transport.close()


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
        strict: bool = False,
        allow_unsafe: bool = False,
        timeout: float | None = None,
        slac: slac_api.ScriptSlac | None = None,
    ) -> None:
        self.role = role
        self.slac = slac  # run --slac: SLAC before the session (slac_api.py)
        self.capture = capture  # a PcapWriter, or None
        self.table = api.ROLE_TABLES[role]
        self.ROLE = role.upper()
        self.profile = profile
        self.tracer = tracer or Tracer()
        self.host, self.port, self.ssl_context, self.interface = host, port, ssl_context, interface
        self.sdp_port, self.sdp_target = sdp_port, sdp_target
        self.strict = strict
        self.time_limit = timeout
        self.script_dir = Path.cwd()
        self.engine = engine_for(role, profile)
        self.session = ScriptSession(role, profile)
        self.functions = api.by_name(role)  # name -> schema set -> function (read only: shared by every runner)
        self.other_table = "Evcc" if role == "secc" else "Secc"
        self.send_delay = 0.0
        self.send_stall = SEND_STALL
        self._valid: dict[tuple[int, Any], bool] = {}  # (simple type, value) pairs that passed the facet checks
        self.last_response_time: float | None = None
        self._sent_at: float | None = None
        self.conn: ScriptConnection | None = None
        self._accepted: deque[ScriptConnection] = deque()
        self._server: Any = None
        self._sdp: Any = None
        self.state = LuaState(self._resolve, self._check, api.enums(), self._find_module, sandboxed=not allow_unsafe)
        self.error: str | None = None
        self.stop_reason: bytes | None = None  # set by Ctrl-C, the time limit or a failed SLAC; every API call then fails with it
        self.stop_verdict: str | None = None  # the failed verdict a stop is (not for Ctrl-C)
        self.interrupted = False
        self.cases: list[TestCaseResult] = []
        self._case: TestCaseResult | None = None
        self._marks = (0, 0)
        self.unanswered: exi.Message | None = None  # SECC: the request the script received and has not answered
        self.dropped = 0  # sends after the peer closed
        self._dropped_at: str | None = None
        # the wait the script is in: a callable the pump calls until it returns a result, and its timer
        self._want: Callable[[], Any] | None = None
        self._want_name = ""
        self._timer: asyncio.TimerHandle | None = None
        self._want_timeout: tuple[float | None, Callable[[], Any]] = (None, lambda: None)
        self._sleep_handle: asyncio.TimerHandle | None = None
        self._engine_timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None
        self._co: Any = None
        self._started = False
        self._done: asyncio.Future | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.engine_outcome: Close | None = None
        self.pnc = PncTools(self)  # Plug & Charge tools (Pnc_*): hooks on what this side sends and receives
        # `v2glab run`: a message later than the standard allows is a failed verdict. `v2glab test` sets False:
        # a case's verdict is its purpose, as in ISO 15118-4 (whose pre- and postambles give none); a case about
        # timing says so with its own Verdict, and the timing oracle's findings are the report's notes.
        self.timing_verdicts = True

    # -- running ------------------------------------------------------------------------
    def run(self, script: Path) -> int:
        return asyncio.run(self.run_async(script))

    async def run_async(self, script: Path) -> int:
        self.loop = asyncio.get_running_loop()
        self._done = self.loop.create_future()
        self.script_dir = script.resolve().parent
        started = time.time()
        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, self._on_sigint)
        limit = self.loop.call_later(self.time_limit, self._on_time_limit) if self.time_limit else None
        self._deadline = time.monotonic() + self.time_limit if self.time_limit else None
        try:
            if self.role == "secc":
                await self._listen()
            try:
                self._co = self.state.coroutine(script.read_bytes(), str(script))
            except LuaError as exc:
                self.error = f"script error: {_lua_message(exc)}"
            else:
                self._resume(STATUS_OK, None)
                await self._done
                if not self.error and not self.stop_reason and not self.strict:
                    await self._finish_session()
        finally:
            if limit is not None:
                limit.cancel()
            signal.signal(signal.SIGINT, previous)
            await self._shutdown()
        return self._result(script, started)

    def _result(self, script: Path, started: float) -> int:
        for tool, detail in self.pnc.unapplied():
            self.session.verdicts.append(Verdict(f"{self.table}.{tool}", False, detail))
            self.tracer.note(self.ROLE, f"FAIL {self.table}.{tool}: {detail}")
        if not self.cases or self._marks != (len(self.session.verdicts), len(self.tracer.violations)):
            # no TestCase blocks, or work after the last one: the script (rest) is a test case of its own
            rest = TestCaseResult(script.stem if not self.cases else f"{script.stem} (outside test cases)", started)
            self._finish_case(rest)
            if self.error and not any(c.error for c in self.cases[:-1]):
                rest.error = self.error
        if self.dropped:
            self.tracer.note(self.ROLE, f"{self._dropped_at}: {self.dropped} send(s) not sent: {self.conn.lost if self.conn else 'no connection'}")
        if self.interrupted:
            self.tracer.note(self.ROLE, self.error or "interrupted")
            return EXIT_INTERRUPTED
        if self.error:
            self.tracer.note(self.ROLE, self.error)
            return 2
        failed = [v for v in self.session.verdicts if not v.passed]
        total = len(self.session.verdicts)
        late = len(self.counted_violations(self.tracer.violations))
        self.tracer.note(self.ROLE, f"script finished: {total - len(failed)} of {total} checks passed, {late} timing violation(s)")
        return 1 if failed or late else 0

    def counted_violations(self, violations: list[Any]) -> list[Any]:
        """The timing violations that count for the verdict: all of them, or none (``timing_verdicts`` False)."""
        return list(violations) if self.timing_verdicts else []

    def _resume(self, status: int, value: Any) -> None:
        """Run the script until it waits again or ends (called from loop callbacks only)."""
        self._want = None
        if self.conn is not None:
            self.conn.unyielded = 0
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            out = self._co.send((status, value) if self._started else None)
            self._started = True
        except StopIteration:
            out = b"done"
        except LuaMemoryError:
            self._script_ended(f"not enough memory: the script passed the Lua limit of {MAX_MEMORY // 2**20} MiB")
            return
        except LuaError as exc:
            self._script_ended(_lua_message(exc))
            return
        except BaseException as exc:  # noqa: BLE001 - a bug in the runner: end the run, show it
            self._script_ended(f"internal error: {type(exc).__name__}: {exc}")
            raise
        if out == b"done":
            self._script_ended(None)
        elif self._want is None and self._task is None and self._sleep_handle is None:
            self._script_ended("coroutine.yield outside a coroutine")

    def _script_ended(self, error: str | None) -> None:
        if error is not None:
            if self.stop_reason is not None and self.stop_verdict and not self.interrupted:
                where = error if error.endswith(self.stop_reason.decode()) else f"{error} ({self.stop_reason.decode()})"
                self.session.verdicts.append(Verdict(self.stop_verdict, False, where))
                self.tracer.note(self.ROLE, f"FAIL {where}")
            else:
                self.error = error if self.interrupted else f"script error: {error}"
        if self._done is not None and not self._done.done():
            self._done.set_result(None)

    # -- limits -----------------------------------------------------------------------------
    def _check(self) -> bytes | None:
        """Called by the Lua count hook: stop the script on Ctrl-C or past the time limit."""
        if self.stop_reason is None and self._deadline is not None and time.monotonic() > self._deadline:
            self._time_up()
        return self.stop_reason

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self.interrupted:
            raise KeyboardInterrupt  # the second Ctrl-C: out at once
        self.interrupted = True
        self.stop_reason = b"interrupted (Ctrl-C)"
        self.loop.call_soon_threadsafe(self._stop_waiting)

    def _on_time_limit(self) -> None:
        if self.stop_reason is None:
            self._time_up()
            self._stop_waiting()

    def _time_up(self) -> None:
        self.stop_verdict = "time limit"
        self.stop_reason = f"the script did not finish within {self.time_limit:g} s (--timeout)".encode()

    def _stop_waiting(self) -> None:
        """Ctrl-C or the time limit while the script waits: resume it with the error, at its line."""
        if self._done is not None and self._done.done():
            return
        if self._task is not None:
            self._task.cancel()
            return  # _task_done resumes
        if self._sleep_handle is not None:
            self._sleep_handle.cancel()
            self._sleep_handle = None
            self._resume(STATUS_ERROR, self.stop_reason)
        elif self._want is not None:
            self._resume(STATUS_ERROR, self.stop_reason)

    # -- waiting ---------------------------------------------------------------------------------
    def _wait(self, want: Callable[[], Any], timeout: float | None, on_timeout: Callable[[], Any]) -> Any:
        """Wait until ``want()`` returns a result (not None); try it now first. Returns the result or WAIT."""
        result = want()
        if result is not None:
            return result
        self._want = want
        self._want_timeout = (timeout, on_timeout)
        self._arm()
        return WAIT

    def _arm(self, step_timeout: float | None = None) -> None:
        """(Re)start the timer of the current wait: it restarts whenever the engine plays a step.

        ``step_timeout``: the engine's step has a limit of its own (the car waits V2G_EVCC_Msg_Timeout
        of its own request, not of the script's, e.g. 2 s for CableCheckRes before a CurrentDemand call).
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        timeout, on_timeout = self._want_timeout
        if timeout is not None and step_timeout is not None:
            timeout = step_timeout
        if timeout is not None:
            self._timer = self.loop.call_later(timeout, self._timed_out, on_timeout)

    def _timed_out(self, on_timeout: Callable[[], Any]) -> None:
        self._timer = None
        if self._want is not None:
            self._want = None
            self._finish_wait(on_timeout)

    def _pump(self) -> None:
        """Something happened on the connection: give the waiting call a chance to finish."""
        want = self._want
        if want is None:
            if self._done is not None and self._done.done():
                self._engine_pump()
            return
        self._finish_wait(want)

    def _finish_wait(self, step: Callable[[], Any]) -> None:
        try:
            result = step()
        except (ScriptError, V2GError, ValueError) as exc:
            self._resume(STATUS_ERROR, f"{self.table}.{self._want_name}: {exc}".encode())
            return
        if result is None or result is WAIT:  # still waiting, or a new wait took over
            return
        self._resume(*self._status_of(result))

    def _status_of(self, result: Any) -> tuple[int, Any]:
        if result is _NONE:
            return STATUS_OK, None
        if type(result) is _Note:
            return STATUS_NOTE, f"{self.table}.{self._want_name}: {result.text}".encode()
        return STATUS_OK, self._lua_value(result)

    def _wait_task(self, coro: Any) -> Any:
        """A slow wait (connecting) as a task; the script resumes when it ends."""
        self._task = self.loop.create_task(coro)
        self._task.add_done_callback(self._task_done)
        return WAIT

    def _task_done(self, task: asyncio.Task) -> None:
        self._task = None
        if task.cancelled():
            self._resume(STATUS_ERROR, self.stop_reason or b"cancelled")
            return
        exc = task.exception()
        if exc is None:
            result = task.result()
            if result is WAIT:  # the task handed over to a wait of its own
                return
            self._resume(*self._status_of(result))
        elif isinstance(exc, (ScriptError, V2GError, ValueError)):
            self._resume(STATUS_ERROR, f"{self.table}.{self._want_name}: {exc}".encode())
        elif isinstance(exc, OSError):
            self._resume(STATUS_ERROR, f"{self.table}.{self._want_name}: {exc.strerror or exc}".encode())
        else:
            self._resume(STATUS_ERROR, f"{self.table}.{self._want_name}: internal error: {type(exc).__name__}: {exc}".encode())

    def _sleep(self, seconds: float, then: Callable[[], Any]) -> Any:
        """Resume the script after ``seconds`` with what ``then()`` gives (which may wait itself)."""
        def wake() -> None:
            self._sleep_handle = None
            self._finish_wait(then)

        self._sleep_handle = self.loop.call_later(seconds, wake)
        return WAIT

    # -- the connection -------------------------------------------------------------------------------
    async def _listen(self) -> None:
        host = self.host or "::"
        if self.interface and host == "::":
            host = f"{sdp.link_local_address(self.interface)}%{self.interface}"
        def create(port: int) -> Any:
            return self.loop.create_server(lambda: ScriptConnection(self), host, port, ssl=self.ssl_context,
                                           family=socket.AF_INET6 if ":" in host else socket.AF_UNSPEC)

        self._server, _ = await bind_dynamic(create, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # 0 asks the system for a free port
        if self.sdp_port is not None:
            def answer(request: sdp.SDPRequest) -> sdp.SDPResponse:
                address = sdp.link_local_address(self.interface) if self.interface else ("::1" if host in ("::", "::1") else host)
                return sdp.SDPResponse(address, self.port, sdp.SECURITY_TLS if self.ssl_context else sdp.SECURITY_NONE)

            self._sdp = await sdp.start_sdp_server(answer, self.interface, self.sdp_port, on_event=lambda s: self.tracer.note("SECC", s), capture=self.capture)
        self.tracer.listening("SECC", "TLS" if self.ssl_context else "TCP", host, self.port)

    def _connected(self, conn: ScriptConnection) -> None:
        if self.capture is not None:
            from ..capture.pcap import endpoint

            local, remote = endpoint(conn.transport.get_extra_info("sockname")), endpoint(conn.transport.get_extra_info("peername"))
            self.capture.tcp_open("script", *((local, remote) if self.role == "evcc" else (remote, local)))
        if self.role == "secc":
            if self.conn is None:
                self.conn = conn
                self.tracer.note("SECC", "EV connected")
                if self._accept_waiter is not None and not self._accept_waiter.done():
                    self._accept_waiter.set_result(None)
                self._pump()
            else:
                self._accepted.append(conn)

    async def _connect(self) -> None:
        host, port = self.host, self.port
        if host is None or port is None:
            found = await sdp.discover(sdp.SECURITY_TLS if self.ssl_context else sdp.SECURITY_NONE, self.interface, self.sdp_target,
                                       self.sdp_port or sdp.SDP_PORT, capture=self.capture)
            host, port = found.address, found.port
        _, conn = await self.loop.create_connection(lambda: ScriptConnection(self), host, port, ssl=self.ssl_context,
                                                     server_hostname="" if self.ssl_context else None)
        self.conn = conn
        self.tracer.note("EVCC", f"connected to [{host}]:{port}")

    def _need_connection(self, then: Callable[[], Any]) -> Any:
        """Connect (EVCC) or wait for the EV (SECC), then run ``then`` (which may wait itself)."""
        if self.conn is not None:
            return then()
        if self.slac is not None and not (self.slac.done and self.slac.result.ok):  # run --slac: the match first
            return self._wait_task(self._slac_then(then))
        if self.role == "evcc":
            async def connect_then() -> Any:
                await self._connect()
                result = then()
                return _NONE if result is None else result
            return self._wait_task(connect_then())
        timeout = self.profile["timers"]["communication_setup_timeout"]
        return self._wait(lambda: then() if self.conn is not None else None, timeout,
                          lambda: _raise(ScriptError(f"no EV connected within {timeout:g} s")))

    def slac_match(self) -> Any:
        """``Slac.Match()``: run SLAC now (once); true or false, no verdict (slac_api.py)."""
        self.slac.asked = True
        if self.slac.done:
            return self.slac.result.ok
        async def match() -> bool:
            return (await self.slac.match(self.tracer, self.capture)).ok
        return self._wait_task(match())

    async def _slac_then(self, then: Callable[[], Any]) -> Any:
        """SLAC before the first V2G call; a failed match ends the script with a failed verdict."""
        result = await self.slac.match(self.tracer, self.capture)
        if not result.ok:
            self.stop_verdict, self.stop_reason = "SLAC", f"{result.describe()}; no V2G session".encode()
            raise ScriptError(self.stop_reason.decode())
        result = self._need_connection(then)
        return _NONE if result is None else result

    async def _shutdown(self) -> None:
        for handle in (self._timer, self._engine_timer):
            if handle is not None:
                handle.cancel()
        if self.conn is not None:
            self.conn.close()
        for conn in self._accepted:
            conn.close()
        if self._sdp is not None:
            self._sdp.close()
        if self._server is not None:
            self._server.close()
        await asyncio.sleep(0)  # let the transports flush and close

    # -- frames in ---------------------------------------------------------------------------------------
    def _next_message(self) -> Any:
        """The next decoded message, _CLOSED, _BAD (a frame that did not decode), or None (nothing yet)."""
        conn = self.conn
        if conn.pending:
            header, payload = conn.pending.popleft()
            arrived = conn.arrivals.popleft()
            if self._sent_at is not None:
                self.last_response_time = arrived[1] - self._sent_at
                self._sent_at = None
            try:
                message = self.session.decode(header, payload)
            except EXIError as exc:
                self.tracer.message(self.ROLE, "script", "rx", header.to_bytes() + payload, None, str(exc), at=arrived)
                self.session.verdicts.append(Verdict("EXI", False, str(exc)))
                return _BAD
            self.tracer.message(self.ROLE, "script", "rx", header.to_bytes() + payload, message, at=arrived)
            return message
        if conn.header_error is not None:
            exc, conn.header_error = conn.header_error, None
            self.tracer.note(self.ROLE, f"bad V2GTP header from the peer: {exc}")
            self.session.verdicts.append(Verdict("V2GTP header", False, str(exc)))
            conn.close()
            return _CLOSED
        if conn.closed:
            return _CLOSED
        return None

    # -- the engine, playing the steps the script does not take ---------------------------------------
    def _perform(self, events: list[Any], close: bool = True) -> None:
        """``close=False``: the engine's end of the session leaves the connection open (the script goes on)."""
        for event in events:
            if isinstance(event, Send):
                if event.message is not None and event.message.schema != APP_SCHEMA and self.session.outgoing(event.message, "engine"):
                    event = Send(self.session.protocol.envelope.frame(event.message, validate=False), event.message)  # a tool changed it
                self._write(event.frame, event.message)
                if event.message is not None:
                    self.session.on_sent(event.message)
                if self._want is not None:  # the engine played a step: the script's wait starts again from here
                    # the car's own step, not the request whose response the script waits for
                    own = self.role == "evcc" and event.message is not None and not self.engine.deliver_next
                    played = event.message.body_name if own else None
                    self._arm(self._engine_step_timeout(played) if played else None)
            elif isinstance(event, Close):
                self.engine_outcome = event
                self.tracer.note(self.ROLE, f"engine: session {'ended' if event.ok else 'FAILED'}: {event.reason}")
                if self.conn is not None and close:
                    self.conn.close()
            elif isinstance(event, StartTimer):
                if self._engine_timer is not None:
                    self._engine_timer.cancel()
                self._engine_timer = self.loop.call_later(event.seconds, self._engine_timeout)
            elif isinstance(event, StopTimer) and self._engine_timer is not None:
                self._engine_timer.cancel()
                self._engine_timer = None
            elif isinstance(event, Note):  # e.g. each Plug & Charge check with its result
                self.tracer.note(self.ROLE, f"engine: {event.text}")
        self._share()

    def _share(self) -> None:
        """The script's pre-fills come from the engine's own charger or car: one state for both."""
        simulator = self.engine.simulator
        if simulator is not None and simulator is not (self.session.charger if self.role == "secc" else self.session.car):
            self.session.share(simulator)

    def _engine_timeout(self) -> None:
        self._engine_timer = None
        self._perform(self.engine.timeout())
        self._pump()

    async def _finish_session(self) -> None:
        """The script ended: the engine plays the rest of the session by the profile, unless the script closed it.

        A script that never touched the connection leaves the whole session to the engine.
        """
        if self.slac is not None and self.conn is None:  # run --slac: the match first
            result = await self.slac.match(self.tracer, self.capture)
            if not result.ok:
                if not self.slac.asked:  # a Slac.Match() the script judged itself is no verdict here
                    self.session.verdicts.append(Verdict("SLAC", False, result.describe()))
                self.tracer.note(self.ROLE, f"engine: no session: {result.describe()}")
                return
        if self.conn is None and not self.engine.closed:
            try:
                if self.role == "evcc":
                    await self._connect()
                else:
                    self._accept_waiter = self.loop.create_future()
                    await asyncio.wait_for(self._accept_waiter, self.profile["timers"]["communication_setup_timeout"])
            except (OSError, TimeoutError, V2GError) as exc:
                self.tracer.note(self.ROLE, f"engine: no session: {exc or 'no EV connected'}")
                return
        if self.conn is None or self.conn.closed or self.engine.closed:
            return
        self.tracer.note(self.ROLE, "script ended: the engine finishes the session")
        self._perform(self.engine.finish(self.unanswered))
        self.unanswered = None
        self._finished = self.loop.create_future()
        self._engine_pump()
        limit = self.profile["timers"]["sequence_timeout"] if self.role == "secc" else 60.0
        try:
            await asyncio.wait_for(self._finished, limit * 4)
        except TimeoutError:
            self.tracer.note(self.ROLE, "engine: the session did not end")

    _finished: asyncio.Future | None = None
    _accept_waiter: asyncio.Future | None = None

    def _engine_pump(self) -> None:
        if self._finished is None or self._finished.done() or self.conn is None:
            return
        while True:
            if self.engine.closed or self.conn.closed:
                if not self.conn.closed:
                    self.conn.close()
                self._finished.set_result(None)
                return
            self._perform(self.engine.proceed())
            item = self._next_message()
            if item is None:
                return
            if item is _CLOSED or item is _BAD:
                self.conn.close()
                self._finished.set_result(None)
                return
            self._perform(self.engine.handle(item))

    # -- frames out ------------------------------------------------------------------------------------
    def _write(self, data: bytes, message: exi.Message | None) -> None:
        self.conn.write(data)
        if self.capture is not None:
            self.capture.tcp_data("script", self.role == "evcc", data)
        self._sent_at = time.monotonic()
        self.tracer.message(self.ROLE, "script", "tx", data, message)

    def _send_bytes(self, data: bytes, message: exi.Message | None) -> Any:
        """Send now, or after the script's Set_SendDelay; wait while the peer reads nothing (flow control)."""
        delay, self.send_delay = self.send_delay, 0.0
        if delay:
            return self._sleep(delay, lambda: self._deliver(data, message) or _NONE)
        return self._deliver(data, message)

    def _deliver(self, data: bytes, message: exi.Message | None) -> Any:
        conn = self.conn
        if conn.closed:
            if conn.closed_by_us and conn.lost is None:
                raise ScriptError("the connection is closed (the script or the engine closed it)")
            self.dropped += 1
            if self.dropped == 1:  # the peer reset or closed: not the script's error, but say where
                return _Note(f"not sent: the connection was {conn.lost}; later sends are dropped too")
            return None
        if conn.paused:
            def writable() -> Any:
                if conn.closed or not conn.paused:
                    return self._deliver(data, message) or _NONE
                return None

            def stalled() -> Any:
                raise ScriptError(f"the peer has read nothing for {self.send_stall:g} s "
                                  f"({conn.transport.get_write_buffer_size() // 1024} KiB waiting to be sent)")

            return self._wait(writable, self.send_stall, stalled)
        self._write(data, message)
        if message is not None:
            self.session.on_sent(message)
        if conn.unyielded > OUTBOX_LIMIT:  # a script sending without pause: let the loop see the peer (a reset, flow control)
            conn.unyielded = 0
            return self._sleep(0, lambda: _NONE)
        return None

    # -- the API ---------------------------------------------------------------------------------------
    def _resolve(self, table: bytes, key: Any) -> Callable[..., tuple[int, Any]]:
        """The Python side of one Lua API function, looked up once per name."""
        table_s = table.decode()
        name = key.decode(errors="replace") if isinstance(key, bytes) else str(key)
        full = f"{table_s}.{name}" if table_s else name
        if not table_s:
            impl = getattr(self, f"_tool_{name}", None)
        elif table_s == "Slac":
            impl = slac_api.implementation(self, name)
        elif table_s == self.other_table:
            def impl(args: list[Any]) -> Any:
                raise ScriptError(f"{table_s} functions are for --role {table_s.lower()} scripts; this one runs as {self.ROLE}")
        else:
            impl = self._implementation(name)
        if impl is None:
            impl = _raise_later(ScriptError("no such function"))
        lua_value = self._lua_value

        def handler(*args: Any) -> tuple[int, Any]:
            if self.stop_reason is not None:
                return STATUS_ERROR, self.stop_reason
            self._want_name = name
            try:
                result = impl(args)
            except (ScriptError, V2GError, ValueError) as exc:
                return STATUS_ERROR, f"{full}: {exc}".encode()
            except StopScript:
                return STATUS_ERROR, self.stop_reason
            except Exception as exc:  # noqa: BLE001 - a runner bug must still name the call and the line
                return STATUS_ERROR, f"{full}: internal error: {type(exc).__name__}: {exc}".encode()
            if result is WAIT:
                return STATUS_WAIT, None
            if type(result) is _Note:
                return STATUS_NOTE, f"{full}: {result.text}".encode()
            return STATUS_OK, lua_value(None if result is _NONE else result)

        return handler

    def _function(self, name: str) -> api.Function | None:
        variants = self.functions.get(name)
        if not variants:
            return None
        negotiated = [f for f in variants.values() if f.schema == self.session.schema_of(f.message)]
        return negotiated[0] if negotiated else next(iter(variants.values()))

    def _implementation(self, name: str) -> Callable[[Any], Any] | None:
        variants = self.functions.get(name)
        if variants:
            if len(variants) == 1:  # the common case: bound once
                (function,) = variants.values()
                action = getattr(self, f"_do_{function.action}")
                return lambda args: action(function, args)

            bound: dict[Any, Callable[[Any], Any]] = {}  # negotiated protocol -> its variant, bound

            def per_protocol(args: Any) -> Any:  # a name two protocols share acts on the negotiated one
                key = (id(self.session.protocol), self.session.handshake_done)
                call = bound.get(key)
                if call is None:
                    function = self._function(name)
                    action = getattr(self, f"_do_{function.action}")
                    call = bound[key] = lambda a: action(function, a)
                return call(args)
            return per_protocol
        if name in TOOLS:
            return getattr(self, f"_tool_{name}", None)
        if name in PNC_TOOLS:
            return self.pnc.implementation(name)
        if name.startswith("Withhold_") and name.endswith("_001") and self._function(f"Send_{name[9:-4]}_001") is not None:
            message = name[9:-4]
            return lambda args: self._withhold(message)
        candidates = list(self.functions) + [t for t in TOOLS if "{" not in t] + list(PNC_TOOLS)
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(f'{self.table}.{c}' for c in close)}?" if close else ""
        return _raise_later(ScriptError(f"no such function{hint}"))

    def _note(self, text: bytes) -> None:
        """A note that Lua prefixed with the script's file:line."""
        line = text.decode(errors="replace")
        self._dropped_at = self._dropped_at or line.split(": ", 1)[0]
        self.tracer.note(self.ROLE, line)

    def _find_module(self, name: bytes) -> tuple[bytes | None, bytes]:
        """``require`` in the sandbox: a Lua source file beside the script, nothing else."""
        text = name.decode(errors="replace")
        parts = text.split(".")
        if not all(p and p.replace("_", "").replace("-", "").isalnum() for p in parts):
            return None, f"not a module name".encode()
        path = self.script_dir.joinpath(*parts[:-1], parts[-1] + ".lua")
        if not path.is_file():
            return None, f"no {'/'.join(parts)}.lua beside the script".encode()
        return str(path).encode(), path.read_bytes()

    @staticmethod
    def _number(args: Any, i: int, what: str) -> float:
        if len(args) <= i or isinstance(args[i], bool) or not isinstance(args[i], (int, float)):
            raise ScriptError(f"argument {i + 1} ({what}) must be a number, got {_lua_type_name(args[i] if len(args) > i else None)}")
        return args[i]

    def _milliseconds(self, args: Any) -> float:
        ms = self._number(args, 0, "ms")
        if not (0 <= ms <= MAX_WAIT_MS):  # NaN fails too
            raise ScriptError(f"argument 1 (ms) must be between 0 and {MAX_WAIT_MS} (a day), got {_show(ms)}")
        return ms

    def _indices(self, f: api.Function, args: Any, n: int | None = None) -> tuple[list[int], Any]:
        if n is None:
            n = len(f.field.lists) if f.field else 0
        indices = []
        for i in range(n):
            value = self._number(args, i, "index")
            if not math.isfinite(value) or value != int(value) or value < 0:
                raise ScriptError(f"index must be a whole number >= 0, got {_show(value)}")
            indices.append(int(value))
        return indices, args[n:]

    def _root(self, f: api.Function, incoming: bool) -> Any:
        if incoming:
            message = self.session.received.get(f.message)
            if message is None:
                return None
            return message.content if f.message in APP_MESSAGES or f.field.in_header else message.body
        return self._building(f)

    def _building(self, f: api.Function) -> Any:
        """What an outgoing field's keys start in: the body being built, or its header ({"Header": ...})."""
        return self.session.header_root(f.message) if f.field is not None and f.field.in_header else self.session.body(f.message)

    def _owns_signature(self, f: api.Function) -> None:
        """The script sets a field of a message's header Signature: that Signature goes out as the script set it."""
        if f.field.in_header and f.field.keys[1:2] == ("Signature",):
            self.session.header_set_by_script.add(f.message)

    def _incoming(self, f: api.Function) -> bool:
        return f.message.endswith("Req") == (self.role == "secc") or (self.role == "evcc" and f.message == "supportedAppProtocolRes")

    # generated actions
    def _do_get(self, f: api.Function, args: Any) -> Any:
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

    def _do_check(self, f: api.Function, args: Any) -> bool:
        indices, rest = self._indices(f, args)
        if not rest:
            raise ScriptError("needs the expected value")
        expected = self._to_python(f.field.type, rest[0], validate=False)
        actual = self._do_get(f, indices)
        actual = actual[0] if isinstance(actual, tuple) else actual
        passed = self.session.check(f"{self.table}.{f.name}", expected, actual)
        self.tracer.note(self.ROLE, f"{'PASS' if passed else 'FAIL'} {self.table}.{f.name}: expected {_show(expected)}, got {_show(actual)}")
        return passed

    def _do_set(self, f: api.Function, args: Any) -> None:
        indices, rest = self._indices(f, args)
        if not rest:
            raise ScriptError(f"needs a value ({', '.join(f.parameters())})")
        field = f.field
        root = self._building(f)
        self._owns_signature(f)
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
            if not math.isfinite(count) or count != int(count) or not 0 <= count <= 1000:
                raise ScriptError(f"count must be a whole number from 0 to 1000, got {_show(count)}")
            current = self.session.get(root, field.keys, field.lists, indices) or []
            template = self._minimal_for(f, field, item=True)
            resized = (list(current) + [copy.deepcopy(template) for _ in range(int(count))])[: int(count)]
            self.session.set(root, field.keys, field.lists, indices, [v if v is not None else copy.deepcopy(template) for v in resized])
            return
        self.session.set(root, field.keys, field.lists, indices, self._to_python(field.type, value, self.session.validate))

    def _minimal_for(self, f: api.Function, field: api.Field, item: bool = False) -> Any:
        """Minimal valid content for the element at ``field`` (an optional element or one list item)."""
        t, start = api.root_type(f.schema, f.message, field)
        for key in field.keys[start:]:
            spec = t.children.get(key) if not t.is_simple else None
            if spec is None:
                return {}
            t = spec[1]
        return copy.deepcopy(minimal(t, f.schema))

    def _do_add(self, f: api.Function, args: Any) -> None:
        """Append an entry to the innermost list on the leaf's path, with the leaf set."""
        field = f.field
        outer = field.lists[:-1]
        indices, rest = self._indices(f, args, len(outer))
        if not rest:
            raise ScriptError(f"needs a value ({', '.join(f.parameters())})")
        root = self._building(f)
        self._owns_signature(f)
        list_keys = field.keys[: field.lists[-1] + 1]
        entries = list(self.session.get(root, list_keys, outer, indices) or [])
        entry_field = api.Field(f.message, (), list_keys, outer, "count")
        entries.append(self._minimal_for(f, entry_field, item=True))
        self.session.set(root, list_keys, outer, indices, entries)
        self.session.set(root, field.keys, field.lists, indices + [len(entries) - 1], self._to_python(field.type, rest[0], self.session.validate))

    def _do_exist(self, f: api.Function, args: Any) -> bool:
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

    def _do_check_received(self, f: api.Function, args: Any) -> bool:
        last = self.session.last_received
        return last is not None and last.body_name == f.message

    def _engine_step_timeout(self, request: str) -> float | None:
        """How long the car's engine waits for the answer to its own ``request`` (scaled as the profile says)."""
        return None if request in APP_MESSAGES else self._receive_timeout(request)

    def _receive_timeout(self, message: str) -> float:
        if self.role == "secc":
            return self.profile["timers"]["sequence_timeout"] if self.session.session_id else self.profile["timers"]["communication_setup_timeout"]
        # the car's V2G_EVCC_Msg_Timeout, x the profile's tolerance for a slow SECC as the engine waits (1: the standard)
        return self.session.protocol.timing.msg_timeout(message[:-3] + "Req") * self.profile["timers"]["msg_timeout_scale"]

    def _do_receive(self, f: api.Function, args: Any) -> Any:
        """Wait for the next message the script takes; a timeout is a FAIL verdict. Check_Received_<Msg>() tells what came."""
        return self._need_connection(lambda: self._after_handshake(f.message, lambda: self._take(f.message, None)))

    def _do_send(self, f: api.Function, args: Any) -> Any:
        return self._need_connection(lambda: self._after_handshake(f.message, lambda: self._send_message(f.message)))

    def _after_handshake(self, name: str, then: Callable[[], Any]) -> Any:
        """The supportedAppProtocol handshake, done by the engine when the script skips it."""
        if name in APP_MESSAGES or self.session.handshake_done or self.conn.closed:
            return then()
        # corruptions the script asked for are for its own next send
        saved, self.session.header_override = self.session.header_override, {}

        def step() -> Any:
            try:
                while not self.session.handshake_done:
                    if self.role == "evcc":
                        self._perform(self.engine.play_handshake())
                    item = self._next_message()
                    if item is None:
                        return None
                    if item is _CLOSED or item is _BAD:
                        raise ScriptError(f"the supportedAppProtocol handshake failed: the connection is {self.conn.lost or 'closed'}")
                    if self.role == "secc" and item.body_name != "supportedAppProtocolReq":
                        raise ScriptError("the EV did not start with supportedAppProtocolReq")
                    self._perform(self.engine.handle(item))
                    if not self.session.handshake_done and (self.engine.closed or self.role == "evcc"):
                        raise ScriptError("the supportedAppProtocol handshake failed")
            finally:
                if self.session.handshake_done or self._want is None:
                    self.session.header_override = saved
            return then()

        timeout = self.profile["timers"]["communication_setup_timeout"] if self.role == "secc" else HANDSHAKE_EVCC.seconds
        return self._wait(step, timeout, lambda: _raise(ScriptError(f"the supportedAppProtocol handshake did not finish within {timeout:g} s")))

    def _take(self, wanted: str, send_after: Callable[[], Any] | None) -> Any:
        """Wait for the message the script takes next; hybrid: the engine plays the steps before it.

        ``send_after``: SECC ``Send_<Res>`` with no request to answer: wait for its request, then send.
        """
        name = self._want_name
        request = _request_of(wanted) if send_after is not None else wanted
        timeout = self._receive_timeout(request if self.role == "secc" else wanted)
        what = "V2G_SECC_Sequence_Timeout" if self.role == "secc" else "V2G_EVCC_Msg_Timeout"

        if self.role == "secc" and self.unanswered is not None and not self.strict and send_after is None:
            # the script moves on without answering what it holds: that step is the engine's
            self._perform(self.engine.answer(self.unanswered))
            self.unanswered = None

        def step() -> Any:
            while True:
                if self.role == "evcc" and not self.strict:
                    self._perform(self.engine.play(for_response=wanted))
                item = self._next_message()
                if item is None:
                    return None
                if item is _CLOSED or item is _BAD:
                    return self._missed(name, f"no {request}: the connection is {self.conn.lost or 'closed'}", send_after)
                if self.role == "secc":
                    if self.strict or not self.engine.plays_before(item, request):
                        self.unanswered = item
                        break
                    self._perform(self.engine.answer(item))
                else:
                    if self.strict or self.engine.delivers(item):
                        # a response the script took: what follows is the script's to see (does the charger
                        # close after FAILED or SessionStopRes?), so the car's end of the session does not close
                        # the connection; the script, or its end, does
                        self._perform(self.engine.script_received(item), close=False)
                        break
                    self._perform(self.engine.handle(item))
            if send_after is not None:
                if item.body_name != request:
                    return self._missed(name, f"{request} did not come ({item.body_name} came instead); {wanted} not sent", send_after)
                return send_after()
            return item.body_name == wanted

        def expired() -> Any:
            return self._missed(name, f"no {request} within {timeout:g} s ({what})", send_after)

        return self._wait(step, timeout, expired)

    def _missed(self, name: str, detail: str, send_after: Any) -> Any:
        self.session.last_received = None  # nothing came: every Check_Received_ is false
        self.session.verdicts.append(Verdict(f"{self.table}.{name}", False, detail))
        self.tracer.note(self.ROLE, f"FAIL {self.table}.{name}: {detail}")
        return False if send_after is None else _NONE

    def _send_message(self, name: str) -> Any:
        if self.role == "secc":
            if self.strict or name in APP_MESSAGES or self.unanswered is not None:
                return self._encode_and_send(name)  # answers the request the script holds, whatever it is
            return self._take(name, send_after=lambda: self._encode_and_send(name))
        if self.strict or self.engine.script_may_send(name):
            return self._encode_and_send(name)
        label = self._want_name

        def step() -> Any:
            while not self.engine.script_may_send(name):
                if self.engine.closed or self.conn.closed:
                    return self._missed(label, f"the session ended before {name} ({self.conn.lost or self.engine.reason()}); not sent", True)
                self._perform(self.engine.play())
                item = self._next_message()
                if item is None:
                    return None
                if item is _CLOSED or item is _BAD:
                    return self._missed(label, f"the connection is {self.conn.lost or 'closed'} before {name}; not sent", True)
                self._perform(self.engine.handle(item))
            return self._encode_and_send(name)

        return self._wait(step, self._receive_timeout(name), lambda: self._missed(label, f"the engine did not reach {name}; not sent", True))

    def _encode_and_send(self, name: str) -> Any:
        try:
            data, message = self.session.encode(name)
        except (EXIError, ValidationError) as exc:
            raise ScriptError(f"cannot encode {name}: {exc}") from None
        if self.role == "secc":
            request, self.unanswered = self.unanswered, None
            self._perform(self.engine.script_answered(request, message))
        else:
            # the car's own next request is dropped, so is the pause before it (after an Ongoing answer):
            # left running it would end the session while the script's request waits for a slow answer
            self._perform(self.engine.script_sent(message))
        return self._send_bytes(data, message) or _NONE

    def _withhold(self, message: str) -> None:
        self.session.building.pop(message, None)
        self.session.headers.pop(message, None)
        if self.role == "secc":
            self.unanswered = None
        self.tracer.note(self.ROLE, f"{message} withheld on purpose")

    # tools
    def _tool_Sleep(self, args: Any) -> Any:
        return self._sleep(self._milliseconds(args) / 1000, lambda: _NONE)

    def _tool_Set_SendDelay(self, args: Any) -> None:
        self.send_delay = self._milliseconds(args) / 1000

    def _tool_Set_Strict(self, args: Any) -> None:
        if not args or not isinstance(args[0], bool):
            raise ScriptError("expects a boolean")
        self.strict = args[0]

    def _tool_Send_RawFrame(self, args: Any) -> Any:
        data = _hex_arg(args)
        return self._need_connection(lambda: self._send_bytes(data, None))

    def _tool_Send_RawPayload(self, args: Any) -> Any:
        payload = _hex_arg(args)
        return self._need_connection(lambda: self._send_bytes(self.session.header(len(payload)) + payload, None))

    def _header_tool(self, field: str, args: Any) -> None:
        value = self._number(args, 0, field)
        if not math.isfinite(value) or value != int(value) or not 0 <= value < 2**32:
            raise ScriptError(f"{field} must be a whole number from 0 to 0xFFFFFFFF, got {_show(value)}")
        self.session.header_override[field] = int(value)

    def _tool_Set_V2GTP_ProtocolVersion(self, args: Any) -> None:
        self._header_tool("ProtocolVersion", args)

    def _tool_Set_V2GTP_InverseProtocolVersion(self, args: Any) -> None:
        self._header_tool("InverseProtocolVersion", args)

    def _tool_Set_V2GTP_PayloadType(self, args: Any) -> None:
        self._header_tool("PayloadType", args)

    def _tool_Set_V2GTP_PayloadLength(self, args: Any) -> None:
        self._header_tool("PayloadLength", args)

    def _tool_Set_Validation(self, args: Any) -> None:
        if not args or not isinstance(args[0], bool):
            raise ScriptError("expects a boolean")
        self.session.validate = args[0]

    def _tool_Close_Connection(self, args: Any) -> None:
        if self.conn is not None:
            self.conn.close()
        self.tracer.note(self.ROLE, "connection closed by the script")

    def _tool_Check_ConnectionClosed(self, args: Any) -> Any:
        """PASS when the peer closes the connection within ms, without sending anything; with a second
        argument, not before at_least ms either (a timeout the peer must wait out, e.g. V2G_SECC_Sequence_Timeout)."""
        ms = self._milliseconds(args)
        at_least = self._milliseconds(args[1:]) if len(args) > 1 and args[1] is not None else 0.0
        name = f"{self.table}.Check_ConnectionClosed"
        started: list[float] = []

        def verdict(closed: bool, detail: str) -> bool:
            self.session.verdicts.append(Verdict(name, closed, detail))
            self.tracer.note(self.ROLE, f"{'PASS' if closed else 'FAIL'} {name}: {detail}")
            return closed

        def step() -> Any:
            conn = self.conn
            if not started:
                started.append(time.monotonic())  # from now: connected, the wait begins
            if conn.pending:
                return verdict(False, "a message came instead")
            if conn.header_error is not None:
                conn.header_error = None
                return verdict(False, "a message came instead")
            if conn.closed:
                after = (time.monotonic() - started[0]) * 1000
                if after < at_least:
                    return verdict(False, f"{conn.lost or 'closed by the script'} after {after:.0f} ms, before {at_least:g} ms")
                return verdict(True, (conn.lost or "closed by the script") + (f" after {after:.0f} ms" if at_least else ""))
            return None

        return self._need_connection(lambda: self._wait(step, ms / 1000, lambda: verdict(False, f"still open after {ms:g} ms")))

    def _tool_Get_Timer(self, args: Any) -> float:
        """The standard's value of a timer of the negotiated protocol's timing table, in ms: Get_Timer(name [, message]).

        A charger's timers (V2G_SECC_*) are multiplied by the profile's timers.secc_timer_scale (1, the standard, unless a
        tester profile shortens them to test a charger configured alike, as the tests do with v2glab's own)."""
        if not args or not isinstance(args[0], bytes) or (len(args) > 1 and args[1] is not None and not isinstance(args[1], bytes)):
            raise ScriptError("expects a timer name and optionally a message name, e.g. Get_Timer('V2G_SECC_Sequence_Timeout')")
        name = args[0].decode(errors="replace")
        message = args[1].decode(errors="replace") if len(args) > 1 and args[1] is not None else None
        limit = self.session.protocol.timing.find(name, message)
        if limit is None:
            raise ScriptError(f"{self.session.protocol.name} has no timer {name!r}" + (f" for {message}" if message else ""))
        scale = self.profile["timers"].get("secc_timer_scale", 1.0) if name.startswith("V2G_SECC_") else 1.0
        return round(limit.seconds * scale * 1000, 3)

    def _tool_Reconnect(self, args: Any) -> Any:
        """A new TCP connection for a new V2G communication session (e.g. to resume a paused one): EVCC, SDP and
        connect again; SECC, wait for the EV's next connection. The verdicts stay; the SessionID is the script's
        (Set_SessionID) or the new session's."""
        if self.conn is not None:
            self.conn.close()
        if self._engine_timer is not None:
            self._engine_timer.cancel()
            self._engine_timer = None
        self.session = self.session.renewed()
        self.engine = engine_for(self.role, self.profile)
        self.conn, self.unanswered, self._sent_at, self.last_response_time, self.engine_outcome = None, None, None, None, None
        self.tracer.set_oracle("script", TimingOracle())  # the timing of a new connection starts anew
        self.tracer.note(self.ROLE, "new connection (Reconnect)")
        if self.role == "secc" and self._accepted:
            self.conn = self._accepted.popleft()
        return self._need_connection(lambda: _NONE)

    def _tool_Get_SessionID(self, args: Any) -> str | None:
        return self.session.session_id.hex().upper() if self.session.session_id is not None else None

    def _tool_Set_SessionID(self, args: Any) -> None:
        self.session.session_id = _hex_arg(args)

    def _tool_Get_LastResponseTime(self, args: Any) -> float | None:
        return None if self.last_response_time is None else round(self.last_response_time * 1000, 3)

    def _tool_TestCase_begin(self, args: Any) -> None:
        name = args[0].decode(errors="replace") if args and isinstance(args[0], bytes) else "test case"
        self._case = TestCaseResult(name, time.time())
        self._marks = (len(self.session.verdicts), len(self.tracer.violations))
        self.tracer.note(self.ROLE, f"test case {name}")

    def _tool_TestCase_end(self, args: Any) -> Any:
        case, self._case = self._case, None
        if case is not None:
            self._finish_case(case)
            if not args[0]:
                case.error = _lua_message(args[1]) if len(args) > 1 and args[1] is not None else "error"
                if self.stop_reason is None:
                    self.error = self.error or f"script error in test case {case.name}: {case.error}"
            self.tracer.note(self.ROLE, f"test case {case.name}: {'PASS' if case.passed else 'ERROR' if case.error else 'FAIL'}")
        if self.stop_reason is not None:
            raise StopScript
        return None

    def _finish_case(self, case: TestCaseResult) -> None:
        v0, t0 = self._marks
        case.checks = self.session.verdicts[v0:]
        case.violations = self.counted_violations(self.tracer.violations[t0:])
        case.duration = time.time() - case.started
        self._marks = (len(self.session.verdicts), len(self.tracer.violations))
        self.cases.append(case)

    def _tool_Log(self, args: Any) -> None:
        self.tracer.note(self.ROLE, " ".join(_show(a) for a in args))

    def _tool_print(self, args: Any) -> None:
        print(args[0].decode(errors="replace"), flush=True)

    def _tool_note(self, args: Any) -> None:
        self._note(args[0])

    def _tool_Verdict(self, args: Any) -> bool:
        if len(args) < 2 or not isinstance(args[1], bool):
            raise ScriptError("expects (name, boolean)")
        name = args[0].decode(errors="replace") if isinstance(args[0], bytes) else str(args[0])
        self.session.verdicts.append(Verdict(name, args[1], ""))
        self.tracer.note(self.ROLE, f"{'PASS' if args[1] else 'FAIL'} {name}")
        return args[1]

    # -- value conversion --------------------------------------------------------------
    def _to_python(self, st: SimpleType, value: Any, validate: bool) -> Any:
        kind = st.kind
        if kind == "bool":
            if not isinstance(value, bool):
                raise ScriptError(f"expects a boolean, got {_lua_type_name(value)}")
            converted: Any = value
        elif kind in ("nbit", "uint", "int"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value != int(value):
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
            key = (id(st), converted)
            if key in self._valid:  # a loop sets the same values again and again
                return converted
            try:
                exi.check_value(st, converted)
            except ValidationError as exc:
                raise ScriptError(f"{exc.reason} [schema {exc.facet}; Secc/Evcc.Set_Validation(false) sends it anyway]") from None
            except EXIError as exc:
                raise ScriptError(str(exc)) from None
            if len(self._valid) > 4096:
                self._valid.clear()
            self._valid[key] = True
        return converted

    @staticmethod
    def _lua_value(value: Any) -> Any:
        if type(value) is tuple:
            value, st = value
            if st.kind == "hex":
                return value.hex().upper().encode()
            if isinstance(value, str):
                return value.encode()
            return value
        if isinstance(value, str):
            return value.encode()
        return value


class _Note:
    """An API result that is a note for the trace, to be prefixed with the script's file:line."""

    def __init__(self, text: str) -> None:
        self.text = text


_NONE = object()  # a finished wait whose result is nil
_CLOSED = object()
_BAD = object()


def _request_of(response: str) -> str:
    return response[:-3] + "Req" if response.endswith("Res") else response


def _raise(exc: Exception) -> Any:
    raise exc


def _raise_later(exc: Exception) -> Callable[[Any], Any]:
    def impl(args: Any) -> Any:
        raise exc
    return impl


def _hex_arg(args: Any) -> bytes:
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
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))  # as Lua prints a whole float
    return repr(value)


def _lua_message(exc: Any) -> str:
    text = exc.decode(errors="replace") if isinstance(exc, bytes) else str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.split("\nstack traceback")[0]


__all__ = ["ScriptRunner", "ScriptConnection", "EXIT_INTERRUPTED", "sys"]
