"""The DIN SPEC 70121 suite of the test-case library (issue 11 item 5), through `v2glab test --protocol din70121`
on loopback: the charger suite against `v2glab secc --protocol din70121 --profile dc`, the car suite against
v2glab's own DIN EV, asserted per case from the JUnit report. DIN is DC only: one DC run per side."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import start_server
from tests.testcases.suites import V2GLAB, car_suite, charger_suite
from v2glab import testcases

DIN = "din70121"


@pytest.fixture(scope="module")
def suites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("testcases-din")
    with ThreadPoolExecutor(2) as pool:  # the car suite mostly waits on the car's timeouts: beside the charger suite
        chargers, cars = pool.submit(charger_suite, DIN, "dc", tmp), pool.submit(car_suite, DIN, "dc", tmp)
        return {"secc": chargers.result(), "evcc": cars.result()}


CASES = [(c.side, c.name) for side in testcases.SIDES for c in testcases.cases(side, protocol=DIN)]


@pytest.mark.parametrize(("side", "name"), CASES, ids=[n for _, n in CASES])
def test_case_passes_against_v2glab(suites: dict, side: str, name: str) -> None:
    code, results = suites[side]
    assert results.get(name) == "pass", results.get(name, "not run")


@pytest.mark.parametrize("side", testcases.SIDES)
def test_suite_exits_0_with_one_junit_case_per_case(suites: dict, side: str) -> None:
    code, results = suites[side]
    assert set(results) == {c.name for c in testcases.cases(side, protocol=DIN)}
    assert len(results) >= 15  # issue 11: at least 15 cases per side for DIN
    assert code == 0


@pytest.mark.parametrize("side", testcases.SIDES)
def test_din_cases_are_dc_or_cmn(side: str) -> None:
    assert {c.kind for c in testcases.cases(side, protocol=DIN)} <= {"DC", "CMN"}
    assert testcases.cases(side, kind="AC", protocol=DIN) == testcases.cases(side, protocol=DIN, pattern="TC_*_CMN_*")


def test_the_din_suite_plays_dc_by_default_and_refuses_an_ac_profile() -> None:
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", "dc", "--protocol", DIN])
    try:
        run = [*V2GLAB, "test", "secc", "--host", "::1", "--port", str(port), "--protocol", DIN, "--quiet"]
        plain = subprocess.run([*run, "--case", "TC_SECC_CMN_SessionSetup_NewSession"], capture_output=True, text=True, timeout=60)
        ac = subprocess.run([*run, "--profile", "ac"], capture_output=True, text=True, timeout=60)
    finally:
        secc.kill()
        secc.wait()
    assert plain.returncode == 0, plain.stderr
    assert "1 of 1 cases passed" in plain.stderr
    assert ac.returncode == 2
    assert ac.stderr.strip().splitlines() == ["v2glab: error: test: DIN SPEC 70121 is DC only: use a DC profile (--profile dc)"]


def test_a_din_case_fails_against_a_charger_that_does_not_speak_din(tmp_path: Path) -> None:
    """The DIN suite against an ISO 15118-2-only charger: no protocol in common, so the case fails and the run exits 1."""
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", "dc", "--protocol", "iso15118-2"])
    try:
        done = subprocess.run([*V2GLAB, "test", "secc", "--host", "::1", "--port", str(port), "--protocol", DIN, "--quiet",
                               "--case", "TC_SECC_CMN_SessionSetup_ResponseTime"], capture_output=True, text=True, timeout=60)
    finally:
        secc.kill()
        secc.wait()
    assert done.returncode == 1, done.stderr
    assert "0 of 1 cases passed" in done.stderr
