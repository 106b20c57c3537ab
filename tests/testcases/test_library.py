"""The named test-case library (issue 11 item 5), run through `v2glab test` on loopback: the charger suite
against v2glab's own SECC and the car suite against v2glab's own EV, once per profile, asserted per case
from the JUnit report."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import LISTENING, start_server
from v2glab import testcases

V2GLAB = [sys.executable, "-m", "v2glab.cli"]


def _junit(path: Path) -> dict[str, str]:
    """case name -> "pass", or the failure/error message."""
    out = {}
    for tc in etree.parse(str(path)).iter("testcase"):
        bad = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
        out[tc.get("name")] = "pass" if bad is None else f"{bad.tag}: {bad.get('message')}"
    return out


# The charger's timeout cases wait out V2G_SECC_Sequence_Timeout (60 s) and V2G_SECC_CommunicationSetup (18 s):
# v2glab's SECC runs with a tenth of each, and the tester's profile scales the waits of its cases alike.
TIMER_SCALE = 0.1


def _short_timer_profiles(kind: str, tmp: Path) -> tuple[str, str]:
    """(charger profile, tester profile): the built-in ``kind`` ones, with the charger's timers x TIMER_SCALE."""
    secc, ev = tmp / f"secc-{kind}.toml", tmp / f"ev-{kind}.toml"
    secc.write_text(f'base = "{kind}"\n[secc.timers]\nsequence_timeout = {60 * TIMER_SCALE}\n'
                    f'communication_setup_timeout = {18 * TIMER_SCALE}\n')
    ev.write_text(f'base = "{kind}"\n[evcc.timers]\nsecc_timer_scale = {TIMER_SCALE}\n')
    return str(secc), str(ev)


def _charger_suite(kind: str, tmp: Path, protocol: str | None = None) -> tuple[int, dict[str, str]]:
    """``protocol``: that protocol's suite against a charger that enables only it (default: ISO 15118-2's, the profile's protocols)."""
    chosen = ["--protocol", protocol] if protocol else []
    secc_profile, ev_profile = _short_timer_profiles(kind, tmp)
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", secc_profile, *chosen])
    try:
        junit = tmp / f"secc-{protocol or 'default'}-{kind}.xml"
        done = subprocess.run([*V2GLAB, "test", "secc", "--host", "::1", "--port", str(port), "--profile", ev_profile, "--quiet",
                               "--junit", str(junit), *chosen], capture_output=True, text=True, timeout=300)
        return done.returncode, _junit(junit)
    finally:
        secc.kill()
        secc.wait()


def _car_suite(kind: str, tmp: Path, protocol: str | None = None) -> tuple[int, dict[str, str]]:
    """`v2glab test evcc` listens anew for each case (port 0: printed); a fresh v2glab EV connects to each."""
    chosen = ["--protocol", protocol] if protocol else []
    junit = tmp / f"evcc-{protocol or 'default'}-{kind}.xml"
    tester = subprocess.Popen([*V2GLAB, "test", "evcc", "--host", "::1", "--port", "0", "--no-sdp", "--profile", kind, "--quiet",
                               "--junit", str(junit), *chosen], stderr=subprocess.PIPE, text=True)
    cars = []
    try:
        for line in tester.stderr:
            match = LISTENING.search(line.rstrip())
            if match:  # readiness of this case's listener
                cars.append(subprocess.Popen([*V2GLAB, "evcc", "--host", "::1", "--port", match.group(1), "--profile", kind, "--quiet", *chosen],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        code = tester.wait(timeout=300)
    finally:
        for car in cars:
            car.kill()
            car.wait()
    return code, _junit(junit)


@pytest.fixture(scope="module")
def suites(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("testcases")

    def side(suite, side_name: str) -> dict:
        return {(side_name, kind): suite(kind, tmp) for kind in ("ac", "dc")}

    # the car suite mostly waits on the car's timeouts: it runs beside the charger suite
    with ThreadPoolExecutor(2) as pool:
        chargers, cars = pool.submit(side, _charger_suite, "secc"), pool.submit(side, _car_suite, "evcc")
        return {**chargers.result(), **cars.result()}


CASES = [(c.side, kind, c.name) for side in testcases.SIDES for c in testcases.cases(side)
         for kind in ("ac", "dc") if c.kind in (kind.upper(), "CMN")]


@pytest.mark.parametrize(("side", "kind", "name"), CASES, ids=[f"{k}-{n}" for _, k, n in CASES])
def test_case_passes_against_v2glab(suites: dict, side: str, kind: str, name: str) -> None:
    code, results = suites[side, kind]
    assert results.get(name) == "pass", results.get(name, "not run")


@pytest.mark.parametrize("side", testcases.SIDES)
@pytest.mark.parametrize("kind", ["ac", "dc"])
def test_suite_exits_0_with_one_junit_case_per_case(suites: dict, side: str, kind: str) -> None:
    code, results = suites[side, kind]
    expected = {c.name for c in testcases.cases(side, kind=kind.upper())}
    assert set(results) == expected
    assert code == 0


def test_a_failing_case_makes_exit_1(tmp_path: Path) -> None:
    """The DC charger suite against an AC-only charger: the DC cases fail, so the run exits 1 and the JUnit says which."""
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", "ac"])
    try:
        junit = tmp_path / "r.xml"
        done = subprocess.run([*V2GLAB, "test", "secc", "--host", "::1", "--port", str(port), "--profile", "dc", "--quiet",
                               "--case", "TC_SECC_DC_CableCheck_PerformanceTime", "--junit", str(junit)], capture_output=True, text=True, timeout=60)
    finally:
        secc.kill()
        secc.wait()
    assert done.returncode == 1, done.stderr
    assert _junit(junit)["TC_SECC_DC_CableCheck_PerformanceTime"] != "pass"
    assert "0 of 1 cases passed" in done.stderr


def test_list_shows_every_case_with_its_purpose() -> None:
    done = subprocess.run([*V2GLAB, "test", "--list"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    listed = [tuple(line.split()[:2]) for line in lines]
    assert listed == [(c.protocol, c.name) for p in testcases.protocols() for side in testcases.SIDES for c in testcases.cases(side, protocol=p)]
    assert all(re.match(r"[\w.-]+  TC_(SECC|EVCC)_(AC|DC|CMN)_\w+  \S", line) for line in lines)
    for suite, at_least in {"iso15118-2": 30, "din70121": 15}.items():  # issue 11: per side
        names = [name for protocol, name in listed if protocol == suite]
        assert len([n for n in names if n.startswith("TC_SECC_")]) >= at_least, suite
        assert len([n for n in names if n.startswith("TC_EVCC_")]) >= at_least, suite


def test_no_side_and_no_list_is_a_usage_error() -> None:
    done = subprocess.run([*V2GLAB, "test"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "secc or evcc" in done.stderr


def test_a_late_answer_outside_the_cases_purpose_is_a_note(tmp_path: Path) -> None:
    """A charger (a v2glab script) whose first CurrentDemandRes comes 60 ms late: a case about SessionSetup still passes,
    and its JUnit notes the timing oracle's finding; `v2glab run` would have failed on it."""
    charger = tmp_path / "slow.lua"
    charger.write_text("Secc.Receive_CurrentDemandReq_001()\nSecc.Set_SendDelay(60)\nSecc.Send_CurrentDemandRes_001()\n")
    secc, port = start_server(["v2glab", "run", str(charger), "--role", "secc", "--profile", "dc", "--host", "::1", "--no-sdp", "--quiet"])
    try:
        junit = tmp_path / "r.xml"
        done = subprocess.run([*V2GLAB, "test", "secc", "--host", "::1", "--port", str(port), "--profile", "dc", "--quiet",
                               "--case", "TC_SECC_CMN_SessionSetup_PerformanceTime", "--junit", str(junit)], capture_output=True, text=True, timeout=60)
    finally:
        secc.kill()
        secc.wait()
    assert done.returncode == 0, done.stderr
    out = etree.parse(str(junit)).find(".//testcase/system-out").text
    assert "NOTE timing: CurrentDemandRes came after" in out and "V2G_SECC_Msg_Performance_Time" in out, out
