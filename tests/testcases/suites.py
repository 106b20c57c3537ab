"""Running one protocol's suite of the test-case library through `v2glab test` on loopback, for the
library's test modules: the charger suite against a v2glab SECC, the car suite against a fresh v2glab EV
per case, the verdicts read back from the JUnit report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lxml import etree

from tests.conftest import LISTENING, start_server

V2GLAB = [sys.executable, "-m", "v2glab.cli"]
Suite = tuple[int, dict[str, str]]  # exit code, case name -> "pass" or the failure/error message


def junit_verdicts(path: Path) -> dict[str, str]:
    """case name -> "pass", or the failure/error message."""
    out = {}
    for tc in etree.parse(str(path)).iter("testcase"):
        bad = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
        out[tc.get("name")] = "pass" if bad is None else f"{bad.tag}: {bad.get('message')}"
    return out


def charger_suite(protocol: str, kind: str, out: Path, *extra: str) -> Suite:
    """`v2glab test secc` against `v2glab secc` enabling only ``protocol``; ``extra`` goes to `v2glab test`."""
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", kind, "--protocol", protocol])
    try:
        junit = out / f"secc-{protocol}-{kind}.xml"
        done = subprocess.run([*V2GLAB, "test", "secc", "--protocol", protocol, "--host", "::1", "--port", str(port), "--profile", kind,
                               "--quiet", "--junit", str(junit), *extra], capture_output=True, text=True, timeout=300)
        return done.returncode, junit_verdicts(junit)
    finally:
        secc.kill()
        secc.wait()


def car_suite(protocol: str, kind: str, out: Path, *extra: str, car_profile: str | None = None) -> Suite:
    """`v2glab test evcc` listens anew for each case (port 0: printed); a fresh `v2glab evcc` offering only
    ``protocol`` (profile ``car_profile``, else ``kind``) connects to each."""
    junit = out / f"evcc-{protocol}-{kind}.xml"
    tester = subprocess.Popen([*V2GLAB, "test", "evcc", "--protocol", protocol, "--host", "::1", "--port", "0", "--no-sdp",
                               "--profile", kind, "--quiet", "--junit", str(junit), *extra], stderr=subprocess.PIPE, text=True)
    cars = []
    try:
        assert tester.stderr is not None
        for line in tester.stderr:
            match = LISTENING.search(line.rstrip())
            if match:  # readiness of this case's listener
                cars.append(subprocess.Popen([*V2GLAB, "evcc", "--protocol", protocol, "--host", "::1", "--port", match.group(1),
                                              "--profile", car_profile or kind, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        code = tester.wait(timeout=300)
    finally:
        for car in cars:
            car.kill()
            car.wait()
    return code, junit_verdicts(junit)
