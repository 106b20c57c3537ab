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
    """case name -> "pass", or "failure: ..."/"error: ..." with the element's text (else its message)."""
    out = {}
    for tc in etree.parse(str(path)).iter("testcase"):
        bad = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
        out[tc.get("name")] = "pass" if bad is None else f"{bad.tag}: {bad.text or bad.get('message')}"
    return out


# The charger's timeout cases wait out V2G_SECC_Sequence_Timeout (60 s) and V2G_SECC_CommunicationSetup (18 s):
# v2glab's SECC runs with a tenth of each, and the tester's profile scales the waits of its cases alike.
TIMER_SCALE = 0.1


def short_timer_profiles(kind: str, out: Path) -> tuple[str, str]:
    """(charger profile, tester profile): the built-in ``kind`` ones, with the charger's timers x TIMER_SCALE."""
    secc, ev = out / f"secc-{kind}.toml", out / f"ev-{kind}.toml"
    secc.write_text(f'base = "{kind}"\n[secc.timers]\nsequence_timeout = {60 * TIMER_SCALE}\n'
                    f'communication_setup_timeout = {18 * TIMER_SCALE}\n')
    ev.write_text(f'base = "{kind}"\n[evcc.timers]\nsecc_timer_scale = {TIMER_SCALE}\n')
    return str(secc), str(ev)


def charger_suite(protocol: str, kind: str, out: Path, *extra: str) -> Suite:
    """`v2glab test secc` against `v2glab secc` enabling only ``protocol``, both with short charger timers;
    ``extra`` goes to `v2glab test`."""
    secc_profile, ev_profile = short_timer_profiles(kind, out)
    secc, port = start_server(["v2glab", "secc", "--host", "::1", "--no-sdp", "--quiet", "--profile", secc_profile, "--protocol", protocol])
    try:
        junit = out / f"secc-{protocol}-{kind}.xml"
        done = subprocess.run([*V2GLAB, "test", "secc", "--protocol", protocol, "--host", "::1", "--port", str(port), "--profile", ev_profile,
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
