"""ScriptSession: what a script's session state carries into a new connection (Reconnect)."""

from __future__ import annotations

from v2glab.profiles import load_profile
from v2glab.script.session import ScriptSession, Verdict


def test_a_renewed_session_keeps_what_belongs_to_the_script_and_drops_the_rest() -> None:
    old = ScriptSession("evcc", load_profile("evcc", "ac"))
    hook = lambda message, origin: None  # noqa: E731 - a tool's hook, as PncTools registers it
    old.send_hooks.append(hook)
    old.validate = False
    old.verdicts.append(Verdict("Evcc.Check_X", True, ""))
    old.session_id = bytes(range(1, 9))
    old.building["SessionSetupReq"] = {"EVCCID": b"\x01"}
    new = old.renewed()
    # the script's: its verdicts, Set_Validation, the tools' hooks (a Pnc_ tool armed before Reconnect still acts)
    assert new.verdicts is old.verdicts and new.validate is False and new.send_hooks == [hook]
    # the old V2G session's: its SessionID and the messages being built
    assert new.session_id != old.session_id and new.building == {}
