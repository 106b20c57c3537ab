"""The named test-case library (issue 11 item 5), run through `v2glab test` on loopback: the charger suite
against v2glab's own SECC and the car suite against v2glab's own EV, once per profile, asserted per case
from the JUnit report."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import start_server
from tests.testcases.suites import V2GLAB, car_suite, charger_suite, junit_verdicts
from v2glab import testcases

ISO2 = "iso15118-2"


@pytest.fixture(scope="module")
def suites(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("testcases")

    def side(suite, side_name: str) -> dict:
        return {(side_name, kind): suite(ISO2, kind, tmp) for kind in ("ac", "dc")}

    # the car suite mostly waits on the car's timeouts: it runs beside the charger suite
    with ThreadPoolExecutor(2) as pool:
        chargers, cars = pool.submit(side, charger_suite, "secc"), pool.submit(side, car_suite, "evcc")
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
    assert junit_verdicts(junit)["TC_SECC_DC_CableCheck_PerformanceTime"] != "pass"
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
