"""The command-line side of SLAC: usage mistakes are one line and exit status 2."""

from __future__ import annotations

import subprocess
import sys


def v2glab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "v2glab.cli", *args], capture_output=True, text=True, timeout=60)


def test_slac_without_an_interface_is_a_usage_error() -> None:
    done = v2glab("evcc", "--slac", "--sim-modem")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["v2glab: error: SLAC needs --interface (the Ethernet port of the Green PHY modem, or a veth with --sim-modem)"]


def test_an_interface_that_does_not_exist_is_one_line() -> None:
    done = v2glab("slac", "ev", "--interface", "v2glab-none0")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    # as root the interface is missing; without root the raw socket is refused first
    assert "cannot open interface 'v2glab-none0' for SLAC" in done.stderr or "SLAC needs root" in done.stderr


def test_a_bad_slac_profile_key_is_named(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[secc.slac]\nattenuation = 300.0\n")
    done = v2glab("slac", "evse", "--interface", "lo", "--profile", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == "v2glab: error: profile key 'secc.slac.attenuation' must be 0..255, got 300.0"


def test_cm_validate_without_the_simulated_pilot_is_one_line(tmp_path) -> None:
    profile = tmp_path / "ev.toml"
    profile.write_text("[evcc.slac]\nvalidate = true\n")
    done = v2glab("slac", "ev", "--interface", "lo", "--profile", str(profile))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["v2glab: error: CM_VALIDATE (slac.validate) toggles the control pilot: v2glab has one only with --sim-modem"]
