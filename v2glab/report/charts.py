"""Charts for the HTML reports, drawn with matplotlib as inline SVG.

* the message sequence between EVCC and SECC (runs of the same request/response
  pair folded into one, with the count);
* the response time of every answer against the limit its protocol sets;
* for DC sessions, the EV's target and the EVSE's present voltage and current,
  and the state of charge, over time.

Input is protocol-neutral: (time, sender, message name, body) tuples; the limits
come from the caller, per response name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..capture.sessions import find_key  # noqa: E402 - the message-tree search the capture summary uses

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "v2glab", "font.size": 9, "axes.grid": True, "grid.alpha": 0.3})

MAX_ROWS = 150  # sequence rows drawn; the middle of a longer sequence is folded


@dataclass(frozen=True)
class ChartMessage:
    ts: float
    sender: str  # 'EVCC' or 'SECC'
    name: str
    body: Any = None
    late: bool = False


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _rows(messages: list[ChartMessage]) -> list[tuple[ChartMessage, int]]:
    """Fold runs of the same request/response pair (or the same message) into (first message, count) rows."""
    units: list[list[ChartMessage]] = []
    i = 0
    while i < len(messages):
        m = messages[i]
        nxt = messages[i + 1] if i + 1 < len(messages) else None
        if nxt is not None and m.name.endswith("Req") and nxt.name == m.name[:-3] + "Res":
            units.append([m, nxt])
            i += 2
        else:
            units.append([m])
            i += 1
    rows: list[tuple[ChartMessage, int]] = []
    k = 0
    while k < len(units):
        j = k
        while j + 1 < len(units) and [u.name for u in units[j + 1]] == [u.name for u in units[k]]:
            j += 1
        count = j - k + 1
        late = any(u.late for unit in units[k:j + 1] for u in unit)
        for m in units[k]:
            rows.append((ChartMessage(m.ts, m.sender, m.name, None, late), count))
        k = j + 1
    return rows


def sequence_chart(messages: list[ChartMessage]) -> str:
    rows = _rows(messages)
    folded = 0
    if len(rows) > MAX_ROWS:
        folded = len(rows) - MAX_ROWS
        rows = rows[:MAX_ROWS // 2] + [(ChartMessage(rows[MAX_ROWS // 2].ts, "", f"... {folded} more rows ...", None), 0)] + rows[-MAX_ROWS // 2:]
    t0 = messages[0].ts if messages else 0.0
    height = 0.9 + 0.26 * len(rows)
    fig, ax = plt.subplots(figsize=(7.5, height))
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) + 0.5, -1.2)
    ax.axis("off")
    for x, who in ((0.3, "EVCC"), (0.85, "SECC")):
        ax.text(x, -0.8, who, ha="center", va="center", weight="bold", bbox={"boxstyle": "round", "fc": "#e8eef7", "ec": "#4a6fa5"})
        ax.plot([x, x], [-0.4, len(rows) + 0.3], color="#4a6fa5", lw=1)
    for y, (m, count) in enumerate(rows):
        if not m.sender:
            ax.text(0.575, y, m.name, ha="center", va="center", style="italic", color="#666")
            continue
        start, end = (0.3, 0.85) if m.sender == "EVCC" else (0.85, 0.3)
        color = "#b3261e" if m.late else "#222"
        ax.annotate("", xy=(end, y + 0.15), xytext=(start, y + 0.15), arrowprops={"arrowstyle": "->", "color": color, "lw": 1})
        label = m.name + (f" ×{count}" if count > 1 else "")
        ax.text(0.575, y - 0.05, label, ha="center", va="bottom", fontsize=8, color=color)
        ax.text(0.0, y + 0.15, f"+{m.ts - t0:.3f} s", ha="left", va="center", fontsize=7, color="#666", family="monospace")
    ax.set_title("Message sequence" + (f" ({folded} rows folded)" if folded else ""), loc="left")
    return _svg(fig)


def response_times(messages: list[ChartMessage]) -> list[tuple[ChartMessage, float]]:
    """(response, seconds since its request) for every answered request."""
    out = []
    pending: ChartMessage | None = None
    for m in messages:
        if m.sender == "EVCC" and m.name.endswith("Req"):
            pending = m
        elif m.sender == "SECC" and pending is not None and m.name == pending.name[:-3] + "Res":
            out.append((m, m.ts - pending.ts))
            pending = None
    return out


def response_time_chart(messages: list[ChartMessage], limits: dict[str, float]) -> str | None:
    pairs = response_times(messages)
    if not pairs:
        return None
    t0 = messages[0].ts
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    xs = [m.ts - t0 for m, _ in pairs]
    ys = [max(d * 1000, 0.01) for _, d in pairs]
    over = [name_limit is not None and d > name_limit for (m, d), name_limit in ((p, limits.get(p[0].name)) for p in pairs)]
    ax.scatter([x for x, o in zip(xs, over) if not o], [y for y, o in zip(ys, over) if not o], s=10, color="#16794a", label="response time")
    if any(over):
        ax.scatter([x for x, o in zip(xs, over) if o], [y for y, o in zip(ys, over) if o], s=18, color="#b3261e", label="over its limit")
    limited = [(x, limits[m.name] * 1000) for x, (m, _d) in zip(xs, pairs) if m.name in limits]
    if limited:
        ax.scatter([x for x, _ in limited], [y for _, y in limited], marker="_", s=60, color="#b3261e", alpha=0.6, label="limit")
    ax.set_yscale("log")
    ax.set_xlabel("time since the session started (s)")
    ax.set_ylabel("response time (ms)")
    ax.set_title("Response time per message" + ("" if limits else " (no timing table for this protocol)"), loc="left")
    ax.legend(loc="upper right", fontsize=7)
    return _svg(fig)


def _physical(value: Any) -> float | None:
    """A scaled number: Value x 10^Multiplier (PhysicalValueType of ISO 15118-2 and DIN) or
    Value x 10^Exponent (RationalNumberType of ISO 15118-20, which has no unit)."""
    if isinstance(value, dict) and isinstance(value.get("Value"), int):
        return value["Value"] * 10.0 ** value.get("Multiplier", value.get("Exponent", 0))
    return None


DC_SERIES = {
    "voltage (V)": ("EVTargetVoltage", "EVSEPresentVoltage"),
    "current (A)": ("EVTargetCurrent", "EVSEPresentCurrent"),
}
SOC_KEYS = ("EVRESSSOC", "PresentSOC")  # ISO 15118-2 and DIN; ISO 15118-20's DisplayParameters


def dc_series(messages: list[ChartMessage]) -> dict[str, list[tuple[float, float]]]:
    """Per DC_SERIES key and "SOC": (seconds since the first message, value), in message order."""
    t0 = messages[0].ts if messages else 0.0
    series: dict[str, list[tuple[float, float]]] = {}
    for m in messages:
        if m.body is None:
            continue
        for keys in DC_SERIES.values():
            for key in keys:
                v = _physical(find_key(m.body, key))
                if v is not None:
                    series.setdefault(key, []).append((m.ts - t0, v))
        soc = next((v for v in (find_key(m.body, k) for k in SOC_KEYS) if isinstance(v, int)), None)
        if soc is not None:
            series.setdefault("SOC", []).append((m.ts - t0, soc))
    return series


def dc_chart(messages: list[ChartMessage]) -> str | None:
    """EV target and EVSE present voltage and current, and SOC, over time; None if the session carries none."""
    series = dc_series(messages)
    if not any(k in series for keys in DC_SERIES.values() for k in keys):
        return None
    fig, axes = plt.subplots(3, 1, figsize=(7.5, 6.5), sharex=True)
    for ax, (label, keys) in zip(axes, DC_SERIES.items()):
        for key, style in zip(keys, ("--", "-")):
            points = series.get(key, [])
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], style, drawstyle="steps-post", label=key)
        ax.set_ylabel(label)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=7)
    points = series.get("SOC", [])
    if points:
        axes[2].plot([p[0] for p in points], [p[1] for p in points], "-", color="#7a4ab3", label="SOC")
        axes[2].legend(loc="best", fontsize=7)
    axes[2].set_ylabel("SOC (%)")
    axes[2].set_xlabel("time since the session started (s)")
    axes[0].set_title("DC: EV target and EVSE present values, state of charge", loc="left")
    return _svg(fig)


def charts(messages: list[ChartMessage], limits: dict[str, float]) -> list[tuple[str, str]]:
    """(chart id, inline SVG) for a session's messages, the DC chart only where DC values exist."""
    if not messages:
        return []
    out = [("sequence", sequence_chart(messages))]
    rt = response_time_chart(messages, limits)
    if rt:
        out.append(("response-times", rt))
    dc = dc_chart(messages)
    if dc:
        out.append(("dc-values", dc))
    return out
