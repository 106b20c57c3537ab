"""Charts: the sequence folds loops, response times pair each answer with its request, DC values are drawn;
`pcap show --html` checked in a real browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.report.charts import ChartMessage, _rows, charts, dc_chart, dc_series, response_times

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "captures"


def loop(n: int) -> list[ChartMessage]:
    out = [ChartMessage(0.0, "EVCC", "SessionSetupReq"), ChartMessage(0.1, "SECC", "SessionSetupRes")]
    for i in range(n):
        out += [ChartMessage(1 + i, "EVCC", "CurrentDemandReq"), ChartMessage(1.02 + i, "SECC", "CurrentDemandRes", late=i == 3)]
    return out


def test_the_sequence_folds_a_loop_into_one_row_pair_with_its_count() -> None:
    rows = _rows(loop(50))
    assert [(m.name, n) for m, n in rows] == [("SessionSetupReq", 1), ("SessionSetupRes", 1), ("CurrentDemandReq", 50), ("CurrentDemandRes", 50)]
    assert rows[2][0].late  # a late answer inside the loop colours the folded row


def test_response_times_pair_answers_with_requests() -> None:
    pairs = response_times(loop(3))
    assert [(m.name, round(d, 3)) for m, d in pairs] == [("SessionSetupRes", 0.1)] + [("CurrentDemandRes", 0.02)] * 3


def test_dc_chart_only_where_dc_values_exist() -> None:
    assert dc_chart(loop(3)) is None
    body = {"EVTargetVoltage": {"Multiplier": 0, "Unit": "V", "Value": 400}, "DC_EVStatus": {"EVRESSSOC": 55}}
    svg = dc_chart([ChartMessage(1.0, "EVCC", "CurrentDemandReq", body), ChartMessage(2.0, "EVCC", "CurrentDemandReq", body)])
    assert svg is not None and svg.startswith("<svg") and "EVTargetVoltage" in svg and "SOC" in svg
    assert [name for name, _svg in charts(loop(2), {})] == ["sequence", "response-times"]


def test_dc_values_are_scaled_by_multiplier_and_by_exponent() -> None:
    """-2/DIN PhysicalValue (Multiplier, with a Unit) and -20 RationalNumber (Exponent) come out in volts and amperes."""
    iso2 = {"EVTargetVoltage": {"Multiplier": -1, "Unit": "V", "Value": 4005}, "DC_EVStatus": {"EVRESSSOC": 55}}
    iso20 = {"EVTargetVoltage": {"Exponent": 1, "Value": 41}, "EVTargetCurrent": {"Exponent": -2, "Value": 12550},
             "DisplayParameters": {"PresentSOC": 60}}
    series = dc_series([ChartMessage(1.0, "EVCC", "CurrentDemandReq", iso2), ChartMessage(2.0, "EVCC", "DC_ChargeLoopReq", iso20)])
    assert series["EVTargetVoltage"] == [(0.0, 400.5), (1.0, 410.0)]
    assert series["EVTargetCurrent"] == [(1.0, 125.5)]
    assert series["SOC"] == [(0.0, 55), (1.0, 60)]


def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("chromium (Debian package) is not installed")
    return found


def test_pcap_show_html_in_a_real_browser(tmp_path: Path) -> None:
    chromium = browser()
    html = tmp_path / "dc.html"
    result = subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", "--quiet", "--html", str(html), str(SHARED / "ISO-2_DC_DS5366.pcapng")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "dc.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,2400", html.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    dom = subprocess.run([chromium, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    for chart in ("sequence", "response-times", "dc-values"):
        assert f'id="s1-chart-{chart}"' in dom
    assert dom.count("<svg") == 3
    assert "CurrentDemandReq ×417" in dom  # the charge loop folded in the sequence chart
    assert "EVSEPresentVoltage" in dom and "EVRESSSOC" in dom and "over its limit" in dom
    assert '<span class="fail" id="overall">FAIL</span>' in dom and "limit 25 ms" in dom
    assert dom.count("<details") == 975  # every message expandable, inside one fold


def test_din_html_has_dins_limits_only(tmp_path: Path) -> None:
    html = tmp_path / "din.html"
    subprocess.run([sys.executable, "-m", "v2glab.cli", "pcap", "show", "--quiet", "--html", str(html), str(SHARED / "hyundai-kona1-din.pcap")],
                   capture_output=True, timeout=120, check=True)
    text = html.read_text()
    assert "DIN SPEC 70121 Table 75" in text and "no timing table" not in text
    assert "V2G_SECC_Msg_Performance_Time" not in text and "ISO 15118-2 Table" not in text
    assert 'id="s1-chart-dc-values"' in text.replace("'", '"')
