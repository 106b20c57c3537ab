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


def _leaves(node: dict, prefix: str = "") -> dict[str, object]:
    out = {}
    for key, value in node.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.mark.parametrize("role", ["secc", "evcc"])
def test_every_key_has_a_range_or_is_a_boolean(role: str) -> None:
    from v2glab.protocols.profile_limits import LIMITS

    for mode in ("ac", "dc"):
        for key, value in _leaves(load_profile(role, mode)).items():
            assert key in LIMITS[role] or type(value) is bool, f"{role}.{key} has no range in profile_limits.py"
    assert set(LIMITS[role]) <= set(_leaves(load_profile(role, "ac")))


# The reproductions, and the other ranges: each is one error that names the key.
SECC_OUT_OF_RANGE = [
    ("[secc.dc]\nmax_current = 1e300\n", "'secc.dc.max_current' = 1e+300 must be in 0..3.2767e+07"),
    ("[secc.dc]\nmax_current = nan\n", "'secc.dc.max_current' = nan must be a finite number"),
    ("[secc.ac]\nmax_current = inf\n", "'secc.ac.max_current' = inf must be a finite number"),
    ("[secc.ac]\nnominal_voltage = -230.0\n", "'secc.ac.nominal_voltage' = -230.0 must be in 0..3.2767e+07"),
    ("[secc]\nenergy_modes = []\n", "'secc.energy_modes' = [] must be a non-empty list"),
    ("[secc]\nenergy_modes = ['Warp_drive']\n", "'secc.energy_modes' = ['Warp_drive'] 'Warp_drive' must be one of AC_single_phase_core"),
    ("[secc]\nenergy_modes = ['DC_core', 'DC_core']\n", "must not repeat a value"),
    ("[secc]\npayment_options = ['Cash']\n", "'secc.payment_options' = ['Cash'] 'Cash' must be one of"),
    ("[secc]\nevse_id = '" + "E" * 100_000 + "'\n", "'secc.evse_id' = 'EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE... breaks the schema's ns2:evseIDType: 100000 characters is longer than the maximum 37"),
    ("[secc]\nevse_id = 'DE*1'\n", "shorter than the minimum 7"),
    ("[secc]\nevse_id = \"DE*V2G*\\u0000*1\"\n", "holds a character XML does not allow"),
    ("[secc.schedule]\nduration = -1\n", "'secc.schedule.duration' = -1 breaks the schema's ns2:RelativeTimeIntervalType/duration~anon: -1 is below the minimum 0"),
    ("[secc.schedule]\nduration = 86401\n", "above the maximum 86400"),
    ("[secc.schedule]\nsa_schedule_tuple_id = 300\n", "'secc.schedule.sa_schedule_tuple_id' = 300 breaks the schema's ns2:SAIDType: 300 is above the maximum 255"),
    ("[secc.meter]\nmeter_id = '" + "M" * 33 + "'\n", "'secc.meter.meter_id'"),
    ("[secc.meter]\nstart_wh = -5\n", "'secc.meter.start_wh' = -5 breaks the schema's unsignedLong"),
    ("[secc.timers]\nsequence_timeout = -1.0\n", "'secc.timers.sequence_timeout' = -1.0 must be in 0.001..3.1536e+07"),
    ("[secc.timers]\ncommunication_setup_timeout = nan\n", "'secc.timers.communication_setup_timeout' = nan must be a finite number"),
    ("[secc.timers]\nsequence_timeout = 0.0\n", "must be in 0.001"),
    ("[secc.transport]\nmax_payload = -1\n", "'secc.transport.max_payload' = -1 must be in 64..4.29497e+09"),
    ("[secc]\nauthorization_ongoing = -1\n", "'secc.authorization_ongoing' = -1 must be in 0..1e+06"),
    ("[secc]\nmax_paused_sessions = 10000000\n", "'secc.max_paused_sessions'"),
    ("[secc.dc]\nmin_voltage = 600.0\n", "'secc.dc.min_voltage' = 600 is above 'secc.dc.max_voltage' = 500"),
]


@pytest.mark.parametrize(("text", "message"), SECC_OUT_OF_RANGE, ids=[m[:40] for _t, m in SECC_OUT_OF_RANGE])
def test_secc_values_out_of_range_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile("secc", str(path))
    assert message in str(info.value)
    assert len(str(info.value)) < 300 and "\n" not in str(info.value)


EVCC_OUT_OF_RANGE = [
    ("[evcc]\nevcc_id = 'zz'\n", "'evcc.evcc_id' = 'zz' must be hexadecimal"),
    ("[evcc]\nevcc_id = '00112233445566'\n", "longer than the maximum 6"),
    ("[evcc]\nrequested_mode = 'Warp_drive'\n", "'evcc.requested_mode' = 'Warp_drive' must be one of"),
    ("[evcc]\nloop_period = -0.5\n", "'evcc.loop_period' = -0.5 must be in 0..59"),
    ("[evcc.dc]\nsoc = 101\n", "'evcc.dc.soc' = 101 breaks the schema's ns2:percentValueType"),
    ("[evcc.dc]\ntarget_voltage = nan\n", "must be a finite number"),
    ("[evcc.sdp]\nsecurity = 'ssl'\n", "'evcc.sdp.security' = 'ssl' must be one of none, tls"),
]


@pytest.mark.parametrize(("text", "message"), EVCC_OUT_OF_RANGE, ids=[m[:40] for _t, m in EVCC_OUT_OF_RANGE])
def test_evcc_values_out_of_range_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile("evcc", str(path))
    assert message in str(info.value)


def test_a_file_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("[secc]\nevse_id = 'DE*Müller*1'\n".encode("latin-1"))
    with pytest.raises(ProfileError, match=r"latin1.toml: not UTF-8 \(byte 22\)"):
        load_profile("secc", str(path))
