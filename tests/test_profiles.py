from __future__ import annotations

from pathlib import Path

import pytest

from v2glab.profiles import ProfileError, load_profile


def test_builtin_profiles() -> None:
    assert load_profile("secc")["energy_modes"][0].startswith("AC")
    assert load_profile("secc", "dc")["energy_modes"] == ["DC_extended", "DC_core"]
    assert load_profile("secc", "dc")["evse_id"] == load_profile("secc", "ac")["evse_id"]  # dc extends ac
    assert load_profile("evcc", "dc")["requested_mode"] == "DC_extended"
    assert load_profile("secc")["timers"]["sequence_timeout"] == 60.0


def test_a_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('base = "dc"\n[secc]\nevse_id = "KR*TC1*ISO1*CHG"\n[secc.dc]\nmax_current = 125\n[secc.timers]\nsequence_timeout = 5\n')
    profile = load_profile("secc", str(path))
    assert profile["evse_id"] == "KR*TC1*ISO1*CHG"
    assert profile["dc"]["max_current"] == 125.0 and profile["dc"]["max_voltage"] == 500.0
    assert profile["energy_modes"] == ["DC_extended", "DC_core"]
    assert profile["timers"]["sequence_timeout"] == 5.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[secc]\nevse_idd = 'x'\n", "unknown profile key 'secc.evse_idd'"),
        ("[secc]\nreceipt_required = 'yes'\n", "must be bool"),
        ("[secc.ac]\nmax_current = 'x'\n", "secc.ac.max_current' must be float"),
        ("[evcc]\ncharge_loops = 3\n", "unknown table(s) evcc"),
        ("base = 'hpc'\n", "base must be 'ac' or 'dc'"),
        ("[secc\n", "not valid TOML"),
    ],
)
def test_bad_profiles_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_profile("secc", str(path))


def test_missing_file() -> None:
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile("secc", "/nonexistent/profile.toml")
