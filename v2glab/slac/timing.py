"""ISO 15118-3 SLAC timing parameters and counts, in one table.

ISO 15118-3:2015 lists these with the Green PHY matching process of its Annex A
(requirements [V2G3-A09-xx]); the per-parameter requirement numbers are not in the
public sources, so each entry names the parameter as the standard does. The values
below are the ones public implementations agree on:
EVerest's libslac (``slac/iso15118_consts.hpp``) and SwitchEV's pyslac
(``pyslac/enums.py``, which names each parameter in its comments).
Where the standard gives a range, the value chosen and the range are both here.
Times in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    name: str  # the standard's name
    value: float
    meaning: str
    range: tuple[float, float] | None = None  # the standard's (min, max) where it gives one


_PARAMETERS = [
    Parameter("TT_EVSE_SLAC_init", 50.0, "EVSE: wait for the first CM_SLAC_PARM.REQ after the plug-in (state B)", (20.0, 50.0)),
    Parameter("TT_match_sequence", 0.4, "EVSE: wait for the next message of the sequence (CM_START_ATTEN_CHAR.IND after CM_SLAC_PARM.CNF)"),
    Parameter("TT_match_response", 0.2, "wait for the answer to a request (CM_SLAC_PARM.CNF, CM_ATTEN_CHAR.RSP, CM_SLAC_MATCH.CNF)"),
    Parameter("TT_EV_atten_results", 1.2, "EV: wait for CM_ATTEN_CHAR.IND after the first CM_START_ATTEN_CHAR.IND"),
    Parameter("TT_EVSE_match_MNBC", 0.6, "EVSE: collect the sounds after CM_START_ATTEN_CHAR.IND (sent as Time_Out = 6 x 100 ms)"),
    Parameter("TT_EVSE_match_session", 10.0, "EVSE: wait for CM_SLAC_MATCH.REQ (or CM_VALIDATE.REQ) after CM_ATTEN_CHAR.RSP"),
    Parameter("TT_match_join", 12.0, "the EV's modem joins the logical network after CM_SLAC_MATCH.CNF"),
    # 30 ms: a timer can only be late, so the middle of the range leaves 20 ms for a busy machine
    Parameter("TP_EV_batch_msg_interval", 0.03, "EV: interval between CM_START_ATTEN_CHAR.IND and CM_MNBC_SOUND.IND messages", (0.02, 0.05)),
    # CM_VALIDATE (optional): the EV toggles its control pilot B -> C -> B, the EVSE counts the toggles
    Parameter("TP_EV_vald_state_duration", 0.3, "EV: how long each state of a BCB toggle lasts (CM_VALIDATE)", (0.2, 0.4)),
    Parameter("TT_EVSE_vald_toggle", 3.5, "EVSE: the longest window in which it counts the EV's BCB toggles after the second CM_VALIDATE.REQ"),
    Parameter("C_EV_vald_nb_toggles", 1, "BCB toggles the EV makes for CM_VALIDATE", (1, 3)),
    Parameter("C_EV_match_retry", 2, "retries of an unanswered CM_SLAC_PARM.REQ, CM_ATTEN_CHAR.IND or CM_SLAC_MATCH.REQ"),
    Parameter("C_EV_start_atten_char_inds", 3, "CM_START_ATTEN_CHAR.IND messages the EV sends"),
    Parameter("C_EV_match_MNBC", 10, "CM_MNBC_SOUND.IND messages (sounds) the EV sends"),
]

TIMING: dict[str, Parameter] = {p.name: p for p in _PARAMETERS}


def value(name: str) -> float:
    return TIMING[name].value


AAG_GROUPS = 58  # attenuation groups of a Green PHY attenuation profile (ISO 15118-3, CM_ATTEN_CHAR.IND)
