"""A self-contained HTML report: verdicts, timing violations, and the message sequence,
every message expandable to its XML and hex."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from . import TestCaseResult

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
.pass { color: #16794a; font-weight: bold; } .fail { color: #b3261e; font-weight: bold; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
tr.late td { background: #fde7e4; }
details summary { cursor: pointer; } pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
.dir { font-family: monospace; white-space: nowrap; }
"""


def write_html(path: str, title: str, cases: list[TestCaseResult], records: list[dict[str, Any]]) -> None:
    ok = all(c.passed for c in cases)
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>{STYLE}</style></head><body>"]
    out.append(f"<h1>v2glab: {escape(title)} <span class='{'pass' if ok else 'fail'}' id='overall'>{'PASS' if ok else 'FAIL'}</span></h1>")
    out.append("<h2>Test cases</h2><table><tr><th>test case</th><th>verdict</th><th>time</th><th>details</th></tr>")
    for case in cases:
        verdict = "PASS" if case.passed else ("ERROR" if case.error else "FAIL")
        lines = [escape(f) for f in case.failures] + ([escape(case.error)] if case.error else [])
        lines += [f"PASS {escape(v.name)}" for v in case.checks if v.passed]
        out.append(f"<tr><td>{escape(case.name)}</td><td class='{'pass' if case.passed else 'fail'}'>{verdict}</td>"
                   f"<td>{case.duration:.3f} s</td><td>{'<br>'.join(lines) or '-'}</td></tr>")
    out.append("</table><h2>Message sequence</h2><table id='sequence'><tr><th>time</th><th>direction</th><th>message</th><th>Δ</th></tr>")
    for i, r in enumerate(records):
        arrow = f"{r['role']} → {'EVCC' if r['role'] == 'SECC' else 'SECC'}" if r["direction"] == "tx" else f"{r['role']} ← {'EVCC' if r['role'] == 'SECC' else 'SECC'}"
        stamp = dt.datetime.fromtimestamp(r["time"]).strftime("%H:%M:%S.%f")[:-3]
        delta = "" if r["delta_ms"] is None else f"+{r['delta_ms']:.1f} ms"
        late = "".join(f"<div class='fail'>timing: {escape(v)}</div>" for v in r["violations"])
        body = f"<pre>{escape(r['xml'])}</pre>" if r["xml"] else f"<div class='fail'>{escape(r['error'] or '')}</div>"
        out.append(f"<tr class='{'late' if r['violations'] else ''}'><td>{stamp}</td><td class='dir'>{escape(arrow)}</td>"
                   f"<td><details id='msg{i}'><summary>{escape(r['message'])}</summary>{body}<pre>{escape(r['hex'])}</pre></details>{late}</td><td>{delta}</td></tr>")
    out.append("</table></body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
