"""The ISO 15118-20 suite of the test-case library, run through `v2glab test --protocol iso15118-20` on
loopback: the charger suite against v2glab's own -20 SECC and the car suite against v2glab's own -20 EV,
AC and DC, asserted per case from the JUnit report; and `v2glab test --html`, read back with lxml."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.testcases.suites import V2GLAB, Suite, car_suite, charger_suite
from v2glab import testcases

PROTOCOL = "iso15118-20"
KINDS = ("ac", "dc")


@pytest.fixture(scope="module")
def suites(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Suite]:
    tmp = tmp_path_factory.mktemp("testcases-iso20")
    runs = {("secc", kind): (charger_suite, kind) for kind in KINDS} | {("evcc", kind): (car_suite, kind) for kind in KINDS}
    # the car suites mostly wait on the car's timeouts: all four run at once
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {key: pool.submit(suite, PROTOCOL, kind, tmp) for key, (suite, kind) in runs.items()}
        return {key: future.result() for key, future in futures.items()}


CASES = [(c.side, kind, c.name) for side in testcases.SIDES for c in testcases.cases(side, protocol=PROTOCOL)
         for kind in KINDS if c.kind in (kind.upper(), "CMN")]


@pytest.mark.parametrize(("side", "kind", "name"), CASES, ids=[f"{k}-{n}" for _, k, n in CASES])
def test_case_passes_against_v2glab(suites: dict, side: str, kind: str, name: str) -> None:
    _code, results = suites[side, kind]
    assert results.get(name) == "pass", results.get(name, "not run")


@pytest.mark.parametrize("side", testcases.SIDES)
@pytest.mark.parametrize("kind", KINDS)
def test_suite_exits_0_with_one_junit_case_per_case(suites: dict, side: str, kind: str) -> None:
    code, results = suites[side, kind]
    assert set(results) == {c.name for c in testcases.cases(side, kind=kind.upper(), protocol=PROTOCOL)}
    assert code == 0


def test_the_suite_has_a_dozen_cases_per_side_in_each_family() -> None:
    done = subprocess.run([*V2GLAB, "test", "--list", "--protocol", PROTOCOL], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = [line.split(None, 2) for line in done.stdout.splitlines()]
    assert all(protocol == PROTOCOL and purpose for protocol, _name, purpose in listed)
    names = [name for _protocol, name, _purpose in listed]
    chargers, cars = [n for n in names if n.startswith("TC_SECC_")], [n for n in names if n.startswith("TC_EVCC_")]
    assert len(chargers) >= 12 and len(cars) >= 12
    for family in ("_PerformanceTime", "_SequenceError", "_UnknownSession", "_V2GTP_WrongPayloadType", "_EXI_Undecodable",
                   "_CableCheck_Ongoing", "_PreCharge_TargetVoltage", "_ChargeLoop_PerformanceTime", "_SessionStop_Pause"):
        assert any(family in n for n in chargers), family
    for family in ("_FAILED", "_EVSENotificationTerminate", "_NoResponse", "_ResponseAfterTimeout", "_ResponseWithinTimeout", "_WrongSessionID"):
        assert any(family in n for n in cars), family


def test_html_report_has_a_section_per_case_with_its_verdict(tmp_path: Path) -> None:
    """Two car cases with a tolerant car (it waits 8 times the standard's timeouts): the one whose response comes
    after the car's 500 ms must fail, as the car goes on; the one inside it passes. The late response is the
    tester's own doing: highlighted in the sequence, but no timing violation of the car."""
    car_profile = tmp_path / "tolerant.toml"
    car_profile.write_text('base = "dc"\n[evcc.timers]\nmsg_timeout_scale = 8\n', encoding="utf-8")
    report = tmp_path / "report.html"
    code, junit = car_suite(PROTOCOL, "dc", tmp_path, "--case", "TC_EVCC_DC_ChargeLoop_Response*", "--html", str(report),
                            car_profile=str(car_profile))
    late, inside = "TC_EVCC_DC_ChargeLoop_ResponseAfterTimeout", "TC_EVCC_DC_ChargeLoop_ResponseWithinTimeout"
    assert code == 1 and junit[inside] == "pass" and junit[late].startswith("failure") and "timing" not in junit[late]

    page = lxml_html.parse(str(report)).getroot()
    assert page.get_element_by_id("overall").text_content() == "FAIL"
    sections = {s.get("id"): s for s in page.find_class("case")}
    assert set(sections) == {f"case-{late}", f"case-{inside}"}
    verdicts = {name: sections[f"case-{name}"].find_class("verdict")[0].text_content() for name in (late, inside)}
    assert verdicts == {late: "FAIL", inside: "PASS"}
    late_section, inside_section = sections[f"case-{late}"], sections[f"case-{inside}"]
    assert "a message came instead" in late_section.find_class("checks")[0].text_content()
    assert [s.find_class("violations")[0].text_content() for s in (late_section, inside_section)] == ["none", "none"]
    # the tester's late answer gives no verdict: a note, as in the JUnit
    assert "timing:" in late_section.find_class("notes")[0].text_content()
    highlighted = [row.find(".//summary").text_content() for row in late_section.iter("tr") if row.get("class") == "late"]
    assert highlighted == ["DC_ChargeLoopRes"]  # 700 ms, beyond the car's 500 ms: marked in the sequence
    assert "PASS the car went on" in inside_section.find_class("checks")[0].text_content()
    assert "700 ms late" in late_section.find_class("purpose")[0].text_content()  # the case's purpose line
    for section in sections.values():  # each case's own session, in order, from the handshake on
        messages = [d.find("summary").text_content() for d in section.iter("details") if d.get("id")]
        assert messages[:3] == ["supportedAppProtocolReq", "supportedAppProtocolRes", "SessionSetupReq"]
        assert "DC_ChargeLoopRes" in messages
    # the verdict table links each case to its section
    assert {a.get("href") for a in page.iter("a")} == {f"#case-{late}", f"#case-{inside}"}
