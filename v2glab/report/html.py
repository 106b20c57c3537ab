"""A self-contained HTML report: verdicts, timing violations, and the message sequence,
every message expandable to its XML and hex."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from .. import exi
from ..errors import V2GError
from ..v2gtp import schemas_for_payload_type
from . import TestCaseResult
from .charts import ChartMessage, charts

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
.pass { color: #16794a; font-weight: bold; } .fail { color: #b3261e; font-weight: bold; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
tr.late td { background: #fde7e4; }
details summary { cursor: pointer; } pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
.dir { font-family: monospace; white-space: nowrap; }
.chart { margin: 1em 0; } .chart svg { max-width: 100%; height: auto; }
table.summary { width: auto; } table.summary th { width: 10em; }
section.case { border-top: 1px solid #ccc; margin-top: 1.5em; } h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
"""


SEQUENCE_HEAD = "<tr><th>time</th><th>direction</th><th>message</th><th>Δ</th></tr>"


def write_html(path: str, title: str, cases: list[TestCaseResult], records: list[dict[str, Any]]) -> None:
    """`run --html`: the verdict of each test case, charts, and the script's message sequence."""
    out = _head(title, all(c.passed for c in cases)) + _verdict_table(cases)
    out.extend(_charts_html(_record_messages(records)))
    out.append(f"<h2>Message sequence</h2><table id='sequence'>{SEQUENCE_HEAD}")
    out.extend(_message_rows(records))
    out.append("</table></body></html>")
    _write(path, out)


def write_suite_html(path: str, title: str, runs: list[tuple[TestCaseResult, str, list[dict[str, Any]]]]) -> None:
    """`test --html`: the verdict table, then a section per case (its result, purpose and message
    records): verdict, purpose, every check, the timing violations and the message sequence."""
    cases = [result for result, _purpose, _records in runs]
    out = _head(title, all(c.passed for c in cases)) + _verdict_table(cases, link=True)
    for number, (case, purpose, records) in enumerate(runs, start=1):
        verdict = _verdict(case)
        out.append(f"<section class='case' id='case-{escape(case.name)}'>"
                   f"<h2>{escape(case.name)} <span class='verdict {'pass' if case.passed else 'fail'}'>{verdict}</span></h2>")
        if purpose:
            out.append(f"<p class='purpose'>{escape(purpose)}</p>")
        checks = [f"<li class='{'pass' if v.passed else 'fail'}'>{'PASS' if v.passed else 'FAIL'} {escape(v.name)}"
                  f"{': ' + escape(v.detail) if v.detail and not v.passed else ''}</li>" for v in case.checks]
        if case.error:
            checks.append(f"<li class='fail'>ERROR {escape(case.error)}</li>")
        out.append(f"<h3>Checks</h3><ul class='checks'>{''.join(checks) or '<li>none</li>'}</ul>")
        late = "".join(f"<li class='fail'>{escape(str(v))}</li>" for v in case.violations)
        out.append(f"<h3>Timing violations</h3><ul class='violations'>{late or '<li>none</li>'}</ul>")
        if case.notes:  # what gives no verdict (`v2glab test`: the timing oracle's findings), as the JUnit's NOTE lines
            out.append("<h3>Notes</h3><ul class='notes'>" + "".join(f"<li>{escape(n)}</li>" for n in case.notes) + "</ul>")
        out.append(f"<details><summary>{len(records)} messages</summary><table class='sequence' id='sequence{number}'>{SEQUENCE_HEAD}")
        out.extend(_message_rows(records, prefix=f"c{number}-msg"))
        out.append("</table></details></section>")
    out.append("</body></html>")
    _write(path, out)


def _head(title: str, ok: bool) -> list[str]:
    return [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>{STYLE}</style></head><body>",
            f"<h1>v2glab: {escape(title)} <span class='{'pass' if ok else 'fail'}' id='overall'>{'PASS' if ok else 'FAIL'}</span></h1>"]


def _verdict(case: TestCaseResult) -> str:
    return "PASS" if case.passed else ("ERROR" if case.error else "FAIL")


def _verdict_table(cases: list[TestCaseResult], link: bool = False) -> list[str]:
    """The test-case table; with ``link`` each name links to its section."""
    out = ["<h2>Test cases</h2><table><tr><th>test case</th><th>verdict</th><th>time</th><th>details</th></tr>"]
    for case in cases:
        lines = [escape(f) for f in case.failures] + ([escape(case.error)] if case.error else [])
        lines += [f"PASS {escape(v.name)}" for v in case.checks if v.passed]
        name = f"<a href='#case-{escape(case.name)}'>{escape(case.name)}</a>" if link else escape(case.name)
        out.append(f"<tr><td>{name}</td><td class='{'pass' if case.passed else 'fail'}'>{_verdict(case)}</td>"
                   f"<td>{case.duration:.3f} s</td><td>{'<br>'.join(lines) or '-'}</td></tr>")
    out.append("</table>")
    return out


def _write(path: str, out: list[str]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def _message_rows(records: list[dict[str, Any]], prefix: str = "msg") -> list[str]:
    out = []
    for i, r in enumerate(records):
        arrow = f"{r['role']} → {'EVCC' if r['role'] == 'SECC' else 'SECC'}" if r["direction"] == "tx" else f"{r['role']} ← {'EVCC' if r['role'] == 'SECC' else 'SECC'}"
        stamp = dt.datetime.fromtimestamp(r["time"]).strftime("%H:%M:%S.%f")[:-3]
        delta = "" if r["delta_ms"] is None else f"+{r['delta_ms']:.1f} ms"
        late = "".join(f"<div class='fail'>{'' if v.startswith('deviation') else 'timing: '}{escape(v)}</div>" for v in r["violations"])
        body = f"<pre>{escape(r['xml'])}</pre>" if r["xml"] else f"<div class='fail'>{escape(r['error'] or '')}</div>"
        out.append(f"<tr class='{'late' if r['violations'] else ''}'><td>{stamp}</td><td class='dir'>{escape(arrow)}</td>"
                   f"<td><details id='{prefix}{i}'><summary>{escape(r['message'])}</summary>{body}<pre>{escape(r['hex'])}</pre></details>{late}</td><td>{delta}</td></tr>")
    return out


def _record_messages(records: list[dict[str, Any]]) -> tuple[list[ChartMessage], dict[str, float]]:
    """A script run's trace records as chart input, and the response limits of the protocol it negotiated."""
    from ..capture.sessions import negotiated, response_limits

    messages, decoded = [], []
    for r in records:
        peer = "EVCC" if r["role"] == "SECC" else "SECC"
        sender = r["role"] if r["direction"] == "tx" else peer
        message = None
        if r.get("xml"):
            frame = bytes.fromhex(r["hex"])
            payload = frame[8:]
            try:
                message = exi.decode(payload, exi.detect_schema(payload, schemas_for_payload_type(int.from_bytes(frame[2:4], "big"))))
            except V2GError:
                message = None
        decoded.append(message)
        messages.append(ChartMessage(r["time"], sender, r["message"], message.body if message else None, bool(r.get("violations"))))
    namespace, _schema_id = negotiated(decoded)
    return messages, response_limits(namespace)


def _charts_html(chart_input: tuple[list[ChartMessage], dict[str, float]], prefix: str = "") -> list[str]:
    messages, limits = chart_input
    out = []
    for name, svg in charts(messages, limits):
        out.append(f"<div class='chart' id='{prefix}chart-{name}'>{svg}</div>")
    return out


def write_capture_html(path: str, capture: Any) -> None:
    """`pcap show --html`: per session its summary, charts, and every message expandable to XML and hex."""
    from ..capture.sessions import response_limits

    ok = not any(s.violations for s in capture.sessions)
    name = capture.path.rsplit("/", 1)[-1]
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(name)}</title><style>{STYLE}</style></head><body>"]
    out.append(f"<h1>v2glab: {escape(name)} <span class='{'pass' if ok else 'fail'}' id='overall'>{'PASS' if ok else 'FAIL'}</span></h1>")
    if capture.damage:
        out.append(f"<p class='fail'>{escape(capture.damage)}</p>")
    notes = [f for f in capture.frames if f.kind in ("note", "sdp") and f.session is None]
    if notes:
        out.append("<h2>Capture</h2><ul>" + "".join(f"<li>{escape(dt.datetime.fromtimestamp(f.ts).strftime('%H:%M:%S.%f')[:-3])} {escape(f.error or '')}</li>" for f in notes) + "</ul>")
    for s in capture.sessions:
        summary = s.summary()
        verdict = "PASS" if not s.violations else "FAIL"
        out.append(f"<h2 id='session{s.number}'>Session {s.number}: {escape(s.protocol)} <span class='{'pass' if verdict == 'PASS' else 'fail'}'>{verdict}</span></h2>")
        rows = [("EVCC", summary["client"]), ("SECC", summary["server"]), ("TLS", s.tls), ("SchemaID", s.schema_id), ("EVCCID", s.evccid),
                ("EVSEID", s.evseid), ("SessionID", s.session_id), ("messages", summary["messages"]), ("duration", f"{s.duration:.3f} s"),
                ("ended", s.ended), ("timing", s.timing_note)]
        out.append("<table class='summary'>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v if v is not None else '-'))}</td></tr>" for k, v in rows) + "</table>")
        if s.violations or s.notes:
            out.append("<ul>" + "".join(f"<li class='fail'>{escape(v)}</li>" for v in s.violations) + "".join(f"<li>{escape(n)}</li>" for n in s.notes) + "</ul>")
        messages = [ChartMessage(f.ts, f.sender, f.name, f.message.body if f.message else None, bool(f.violations)) for f in s.messages]
        out.extend(_charts_html((messages, response_limits(s.namespace)), prefix=f"s{s.number}-"))
        records, previous = [], None
        for f in s.frames:
            if f.kind != "v2gtp":
                continue
            records.append({"time": f.ts, "role": "SECC", "direction": "rx" if f.sender == "EVCC" else "tx", "message": f.name,
                            "delta_ms": None if previous is None else (f.ts - previous) * 1000, "hex": f.data.hex().upper(),
                            "xml": f.message.to_xml() if f.message else None, "error": f.error,
                            "violations": [str(v) for v in f.violations] + [f"deviation: {d}" for d in f.deviations]})
            previous = f.ts
        out.append(f"<details><summary>{len(records)} messages</summary><table id='sequence{s.number}'>{SEQUENCE_HEAD}")
        out.extend(_message_rows(records, prefix=f"s{s.number}-msg"))
        out.append("</table></details>")
    out.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
