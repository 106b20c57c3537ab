"""The message trace: one console entry per message, and the same as JSON lines with ``--log``.

Each entry: wall time, direction, the V2GTP header fields as the vendor reference
shows them, the message as XML in the vendor format, and the time since the
previous message of the same connection.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import threading
import time
from typing import IO, Any

from .exi import Message
from .protocols.oracle import TimingOracle, Violation
from .v2gtp import HEADER_LENGTH, parse_header


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe for any console: controls (but tab and newline) and lone surrogates as Python escapes.

    A peer's strings reach notes and reasons (a namespace it offered, a decoder's complaint);
    a lone surrogate cannot be encoded at all, and controls could drive the terminal.
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class Tracer:
    def __init__(self, console: IO[str] | None = sys.stdout, log_path: str | None = None, show_xml: bool = True, messages: bool = True,
                 status: IO[str] | None = None) -> None:
        self.console = console
        # Where a server says it is ready ("listening on TCP [::1]:54321"), even with --quiet:
        # the CLI passes stderr, so a script or a test waits for this line, not for a time.
        self.status = status
        self.show_xml = show_xml
        self.messages = messages  # False: notes only (the demo's EVCC, whose messages the SECC already shows)
        self._log: IO[str] | None = open(log_path, "a", encoding="utf-8") if log_path else None
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._oracles: dict[str, TimingOracle | None] = {}
        self.violations: list[Violation] = []  # timing violations seen, for reports
        self.records: list[dict[str, Any]] = []  # every message, for reports (keep_records=True)
        self.keep_records = False

    def message(self, role: str, connection: str, direction: str, frame_bytes: bytes, message: Message | None, error: str | None = None,
                at: tuple[float, float] | None = None, extra: list[str] | None = None) -> None:
        """``direction`` is 'tx' (we sent) or 'rx' (we received); ``at`` = (time.time(), time.monotonic()) of arrival;
        ``extra``: more lines to show under the header (a capture's deviations and verdicts)."""
        now, mono = at or (time.time(), time.monotonic())
        late = self._check_timing(role, connection, direction, mono, message)
        if not self.messages or (self.console is None and self._log is None and not self.keep_records):
            return
        previous = self._last.get(connection)
        # Frames that came in one TCP segment share its arrival time, which precedes the answers
        # traced between them: the time since the previous entry is then 0, never negative.
        if previous is not None and mono < previous:
            mono = previous
        self._last[connection] = mono
        delta_ms = None if previous is None else (mono - previous) * 1000
        header = None
        try:
            header = parse_header(frame_bytes[:HEADER_LENGTH], max_payload=2**32)
        except Exception:  # noqa: BLE001 - a corrupted header is traced as raw bytes
            pass
        name = message.body_name if message else "(undecodable)" if error else "(raw)"
        peer = "EVCC" if role == "SECC" else "SECC"
        arrow = f"{role} -> {peer}" if direction == "tx" else f"{role} <- {peer}"
        stamp = dt.datetime.fromtimestamp(now).strftime("%H:%M:%S.%f")[:-3]
        if self.console is not None:
            lines = [f"[{stamp}] {arrow}  {name}" + (f"  (+{delta_ms:.1f} ms)" if delta_ms is not None else "")]
            if header is not None:
                lines.append(
                    f"  V2GTP  Protocol Version 0x{header.version:02X}  Inverse Version 0x{header.inverse:02X}  "
                    f"Payload Type 0x{header.payload_type:04X}  Payload Length 0x{header.payload_length:08X}"
                )
            else:
                lines.append(f"  raw {frame_bytes[:64].hex().upper()}")
            if error:
                lines.append(f"  error: {error}")
            for violation in late:
                lines.append(f"  TIMING VIOLATION: {violation}")
            lines.extend(f"  {line}" for line in extra or ())
            if message is not None and self.show_xml:
                lines.extend("  " + line for line in message.to_xml().rstrip("\n").split("\n"))
            with self._lock:
                print(printable("\n".join(lines)), file=self.console, flush=True)
        if self._log is not None:
            record: dict[str, Any] = {
                "time": dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat(),
                "role": role,
                "connection": connection,
                "direction": direction,
                "message": name,
                "delta_ms": None if delta_ms is None else round(delta_ms, 3),
                "hex": frame_bytes.hex().upper(),
            }
            if header is not None:
                record["v2gtp"] = {"version": header.version, "inverse": header.inverse, "payload_type": f"0x{header.payload_type:04X}", "payload_length": header.payload_length}
            if message is not None:
                record["xml"] = message.to_xml()
            if error:
                record["error"] = error
            if late:
                record["timing_violations"] = [str(v) for v in late]
            if extra:
                record["notes"] = list(extra)
            with self._lock:
                self._log.write(json.dumps(record) + "\n")
                self._log.flush()

        if self.keep_records:
            self.records.append({"time": now, "role": role, "direction": direction, "message": name, "delta_ms": delta_ms,
                                 "hex": frame_bytes.hex().upper(), "xml": message.to_xml() if message else None,
                                 "error": error, "violations": [str(v) for v in late]})

    def _check_timing(self, role: str, connection: str, direction: str, mono: float, message: Message | None) -> list[Violation]:
        if message is None:
            return []
        sender = role if direction == "tx" else ("EVCC" if role == "SECC" else "SECC")
        oracle = self._oracles.setdefault(connection, TimingOracle())
        if oracle is None:
            return []
        late = oracle.observe(mono, sender, message.body_name, message.body, message.schema)
        self.violations.extend(late)
        return late

    def mme(self, sender: str, receiver: str, mme: Any, frame_bytes: bytes, error: str | None = None, at: float | None = None,
            violations: list[str] | tuple[str, ...] = (), direction: str = "rx") -> None:
        """One HomePlug management message (SLAC, ISO 15118-3), laid out like a V2G message: the
        header fields (MMV, MMTYPE, Ethernet addresses) and the payload fields by name."""
        now = at if at is not None else time.time()
        if self.console is None and self._log is None:
            return
        previous = self._last.get("homeplug")
        self._last["homeplug"] = now
        delta_ms = None if previous is None else (now - previous) * 1000
        name = mme.name if mme is not None else "(undecodable)"
        stamp = dt.datetime.fromtimestamp(now).strftime("%H:%M:%S.%f")[:-3]
        if self.console is not None:
            lines = [f"[{stamp}] {sender} -> {receiver}  {name}" + (f"  (+{delta_ms:.1f} ms)" if delta_ms is not None else "")]
            if mme is not None:
                lines.append(f"  HomePlug  MMV 0x{mme.mmv:02X}  MMTYPE 0x{mme.mmtype:04X}  {mme.src} -> {mme.dst}  {len(frame_bytes)} bytes")
                summary = mme.summary()
                if summary:
                    lines.append(f"  {summary}")
            else:
                lines.append(f"  raw {frame_bytes[:64].hex().upper()}")
            if error:
                lines.append(f"  error: {error}")
            lines.extend(f"  TIMING VIOLATION: {v}" for v in violations)
            with self._lock:
                print("\n".join(lines), file=self.console, flush=True)
        if self._log is not None:
            record: dict[str, Any] = {"time": dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat(), "role": sender, "to": receiver,
                                      "connection": "homeplug", "direction": direction, "message": name,
                                      "delta_ms": None if delta_ms is None else round(delta_ms, 3), "hex": frame_bytes.hex().upper()}
            if mme is not None:
                record["homeplug"] = {"mmv": mme.mmv, "mmtype": f"0x{mme.mmtype:04X}", "src": mme.src, "dst": mme.dst, "fields": mme.summary()}
            if error:
                record["error"] = error
            if violations:
                record["timing_violations"] = list(violations)
            with self._lock:
                self._log.write(json.dumps(record) + "\n")
                self._log.flush()

    def set_oracle(self, connection: str, oracle: TimingOracle | None) -> None:
        """Time ``connection`` with this oracle (its protocol's), or not at all (None)."""
        self._oracles[connection] = oracle

    def note(self, role: str, text: str, at: float | None = None) -> None:
        """``at``: the time the note is about (a capture's timestamp), else now."""
        when = at if at is not None else time.time()
        if self.console is not None:
            stamp = dt.datetime.fromtimestamp(when).strftime("%H:%M:%S.%f")[:-3]
            with self._lock:
                print(printable(f"[{stamp}] {role}: {text}"), file=self.console, flush=True)
        if self._log is not None:
            with self._lock:
                self._log.write(json.dumps({"time": dt.datetime.fromtimestamp(when, dt.timezone.utc).isoformat(), "role": role, "note": text}) + "\n")
                self._log.flush()

    def listening(self, role: str, kind: str, host: str, port: int) -> None:
        """A listener is bound and accepting: one line with the real port (a server may bind port 0)."""
        text = f"listening on {kind} [{host}]:{port}"
        if self.status is None:
            self.note(role, text)
            return
        with self._lock:
            print(printable(f"v2glab {role.lower()}: {text}"), file=self.status, flush=True)
            if self._log is not None:
                self._log.write(json.dumps({"time": dt.datetime.now(dt.timezone.utc).isoformat(), "role": role, "note": text}) + "\n")
                self._log.flush()

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class NullTracer(Tracer):
    """Traces nothing (load tests)."""

    def __init__(self) -> None:
        super().__init__(console=None)

    def message(self, *args: Any, **kwargs: Any) -> None:
        pass

    def mme(self, *args: Any, **kwargs: Any) -> None:
        pass

    def note(self, role: str, text: str, at: float | None = None) -> None:
        pass

    def listening(self, role: str, kind: str, host: str, port: int) -> None:
        pass
