"""SLAC (ISO 15118-3) for the EV and the EVSE, sans-I/O: frames and clock readings in, events out.

Each core is a table of (state, MME name) -> handler and (timer name) -> handler;
the adapter feeds it received frames and calls :meth:`SlacCore.timeout` when
:meth:`SlacCore.next_deadline` has passed. The flow (ISO 15118-3, 9.6 and Annex A):

EV                                        EVSE
CM_SLAC_PARM.REQ (broadcast)      ->      (EVSE has set its NMK on its modem: CM_SET_KEY)
                                  <-      CM_SLAC_PARM.CNF
CM_START_ATTEN_CHAR.IND x3, CM_MNBC_SOUND.IND x10 (broadcast, TP_EV_batch_msg_interval apart)
                                          (its modem reports each sound: CM_ATTEN_PROFILE.IND)
                                  <-      CM_ATTEN_CHAR.IND (average attenuation per group)
CM_ATTEN_CHAR.RSP                 ->
CM_SLAC_MATCH.REQ                 ->
                                  <-      CM_SLAC_MATCH.CNF (NID, NMK)
CM_SET_KEY.REQ to its own modem: the modems form one logical network.

Optionally (ISO 15118-3, 9.4), between CM_ATTEN_CHAR.RSP and CM_SLAC_MATCH.REQ, the EV
proves it is on this charger's cable with CM_VALIDATE: a first CM_VALIDATE.REQ, which the
EVSE answers "Ready" (or "NotRequired": then straight to the match), a second one with the
toggle window (Timer, 100 ms units), during which the EV toggles its control pilot
B -> C -> B (``Pilot`` events) and the EVSE counts the toggles (the adapter feeds
:meth:`SlacCore.pilot`), then the EVSE's CM_VALIDATE.CNF with the count, which the EV
compares with the toggles it made. The EV
matches the first EVSE whose CM_ATTEN_CHAR.IND arrives; it does not wait out
TT_EV_atten_results to compare several chargers on a shared cable.
Faults (:class:`SlacFaults`) make one side misbehave on purpose, for negative tests.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from typing import Any, Callable

from ..profiles import ProfileError
from . import messages
from .messages import BROADCAST, MODEM_LOCAL, VALIDATE_RESULTS, Mme, MmeError, build, parse
from .timing import AAG_GROUPS, TIMING, value

MODEM_TIMEOUT = 1.0  # the local modem's CM_SET_KEY.CNF (not an ISO 15118-3 parameter: it never leaves the host's cable)
RETRIES = int(value("C_EV_match_retry"))
NOT_READY, READY, SUCCESS, FAILURE, NOT_REQUIRED = range(5)  # CM_VALIDATE Result
WITHOUT_RUN_ID = {"CM_ATTEN_PROFILE.IND", "CM_SET_KEY.REQ", "CM_SET_KEY.CNF", "CM_SLAC_PARM.REQ", "CM_VALIDATE.REQ", "CM_VALIDATE.CNF"}


# -- configuration -------------------------------------------------------------------------------
def _fault(default: Any, lua: str, meaning: str, range: tuple[float, float] | None = None, unit: str = "", scale: float = 1.0) -> Any:
    """One fault: its profile key is the field's name, its script function ``Slac.Set_Fault_<lua>``.
    ``range`` is in the profile's unit; a script gives the value in ``unit`` (``scale`` times the profile's)."""
    return field(default=default, metadata={"lua": lua, "meaning": meaning, "range": range, "unit": unit, "scale": scale})


@dataclass
class SlacFaults:
    """Ways to make SLAC misbehave, each observed by the other side. One object for both roles;
    each role's profile table ``[secc.slac.faults]`` / ``[evcc.slac.faults]`` offers the keys that
    role can break, and ``v2glab run --slac`` offers each as ``Slac.Set_Fault_<Name>()``
    (``v2glab/script/slac_api.py`` makes the functions from these fields)."""

    wrong_run_id: bool = _fault(False, "WrongRunID", "the answers (EVSE) or the messages after CM_SLAC_PARM.REQ (EV) carry another RunID")
    no_parm_cnf: bool = _fault(False, "NoSlacParmCnf", "EVSE: never answer CM_SLAC_PARM.REQ")
    sounds: int = _fault(-1, "Sounds", "EV: send this many CM_MNBC_SOUND.IND (-1: as many as CM_SLAC_PARM.CNF asks)", (-1, 255))
    attenuation: float = _fault(-1.0, "Attenuation", "EVSE: report this attenuation in every group of CM_ATTEN_CHAR.IND, "
                                "whatever the modem measured (dB; -1: the measured)", (-1, 255), "dB")
    refuse_match: bool = _fault(False, "RefuseMatch", "EV: CM_ATTEN_CHAR.RSP with Result 1; EVSE: do not answer CM_SLAC_MATCH.REQ")
    match_cnf_delay: float = _fault(0.0, "MatchCnfDelay", "EVSE: send CM_SLAC_MATCH.CNF this late", (0, 3600), "ms", 1000.0)
    toggle_num: int = _fault(-1, "ToggleNum", "EVSE: report this many BCB toggles in CM_VALIDATE.CNF, whatever it counted (-1: the counted)", (-1, 255))

    @classmethod
    def from_profile(cls, table: dict[str, Any], where: str) -> "SlacFaults":
        faults = cls(**table)
        for f in fields(cls):
            low_high = f.metadata["range"]
            if low_high is not None and not low_high[0] <= getattr(faults, f.name) <= low_high[1]:
                raise ProfileError(f"profile key '{where}.{f.name}' must be {low_high[0]:g}..{low_high[1]:g}, got {getattr(faults, f.name)}")
        return faults

    def active(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) != f.default]


@dataclass
class SlacConfig:
    """The ``slac`` table of a profile, checked."""

    faults: SlacFaults = field(default_factory=SlacFaults)
    init_timeout: float = value("TT_EVSE_SLAC_init")          # EVSE
    match_session_timeout: float = value("TT_EVSE_match_session")  # EVSE
    sounds: int = int(value("C_EV_match_MNBC"))                # EVSE: NUM_SOUNDS asked for in CM_SLAC_PARM.CNF
    attenuation: float = 20.0                                  # the simulated modem's attenuation, dB, every group
    nid: bytes | None = None                                   # EVSE: 7 bytes; None: random per session
    nmk: bytes | None = None                                   # EVSE: 16 bytes; None: random per session
    attenuation_limit: float = 50.0                            # EV: highest average attenuation it matches with, dB
    sound_interval: float = value("TP_EV_batch_msg_interval")  # EV
    validate: bool = False                                     # EV: ask for CM_VALIDATE; EVSE: perform it (else "NotRequired")
    toggles: int = int(value("C_EV_vald_nb_toggles"))          # EV: BCB toggles it makes for CM_VALIDATE

    @classmethod
    def from_profile(cls, table: dict[str, Any], role: str) -> "SlacConfig":
        where = f"{role}.slac"
        table = dict(table)
        config = cls(faults=SlacFaults.from_profile(table.pop("faults", {}), f"{where}.faults"))
        for key, raw in table.items():
            if key in ("nid", "nmk"):
                size = 7 if key == "nid" else 16
                try:
                    raw = bytes.fromhex(raw) if raw else None
                except ValueError:
                    raise ProfileError(f"profile key '{where}.{key}' must be hex, got {raw!r}") from None
                if raw is not None and len(raw) != size:
                    raise ProfileError(f"profile key '{where}.{key}' must be {size} bytes of hex, got {len(raw)}")
            setattr(config, key, raw)
        checks = {"sounds": (1, 255), "attenuation": (0, 255), "attenuation_limit": (0, 255), "sound_interval": (0.001, 1.0),
                  "init_timeout": (0.1, 3600), "match_session_timeout": (0.1, 3600), "toggles": TIMING["C_EV_vald_nb_toggles"].range}
        for key, (low, high) in checks.items():
            if key in table and not low <= getattr(config, key) <= high:
                raise ProfileError(f"profile key '{where}.{key}' must be {low}..{high}, got {getattr(config, key)}")
        return config


# -- events --------------------------------------------------------------------------------------
@dataclass
class Transmit:
    """Send this MME (to the wire, or to the local modem when addressed to it)."""

    mme: Mme


@dataclass
class Received:
    """A frame arrived (for the trace); ``mme`` None when it did not parse."""

    frame: bytes
    mme: Mme | None
    error: str | None = None


@dataclass
class Note:
    text: str


@dataclass
class Pilot:
    """Set the control pilot to this state ('B' or 'C'): the EV's BCB toggles of CM_VALIDATE."""

    state: str


@dataclass
class SlacResult:
    ok: bool
    reason: str
    run_id: bytes = b""
    peer_mac: str | None = None
    nid: bytes | None = None
    nmk: bytes | None = None
    attenuation: float | None = None  # average over the groups, dB
    sounds: int | None = None  # sounds the EVSE's modem reported (CM_ATTEN_CHAR.IND NumberOfSounds)
    toggles: int | None = None  # CM_VALIDATE: the BCB toggles the EVSE counted; None without a validation

    def describe(self) -> str:
        if not self.ok:
            return f"SLAC FAILED: {self.reason}"
        parts = [f"NID {self.nid.hex().upper() if self.nid else '?'}", f"peer MAC {self.peer_mac}"]
        if self.attenuation is not None:
            parts.append(f"attenuation {self.attenuation:.1f} dB ({self.sounds} sounds)")
        if self.toggles is not None:
            parts.append(f"validated with {self.toggles} BCB toggle{'s' * (self.toggles != 1)}")
        return "SLAC matched: " + ", ".join(parts)


@dataclass
class Done:
    result: SlacResult


Event = Transmit | Received | Note | Done | Pilot


# -- the cores -----------------------------------------------------------------------------------
class SlacCore:
    """What both roles share: parsing, the table dispatch, deadlines."""

    role = ""
    TABLE: dict[tuple[str, str], str] = {}
    TIMERS: dict[str, str] = {}

    def __init__(self, mac: str, config: SlacConfig | None = None, random: Callable[[int], bytes] = os.urandom) -> None:
        self.mac = mac
        self.config = config or SlacConfig()
        self.faults = self.config.faults
        self.random = random
        self.state = "IDLE"
        self.deadlines: dict[str, float] = {}
        self.result: SlacResult | None = None
        self.run_id = b""
        self.peer_mac: str | None = None
        self.ignored: list[str] = []  # why frames were ignored (wrong RunID...): part of a failure's reason

    # inputs
    def receive(self, frame: bytes, now: float) -> list[Event]:
        try:
            mme = parse(frame)
        except MmeError as exc:
            return [Received(frame, None, str(exc))]
        events: list[Event] = [Received(frame, mme)]
        if self.result is not None:
            return events
        handler = self.TABLE.get((self.state, mme.name))
        if handler is None:
            return events
        if mme.name not in WITHOUT_RUN_ID and mme.run_id != self.run_id:
            why = f"{mme.name} ignored: RunID {(mme.run_id or b'').hex().upper()} is not this session's {self.run_id.hex().upper()}"
            self.ignored.append(why)
            return events + [Note(why)]
        if mme.name.startswith("CM_VALIDATE") and mme.src != self.peer_mac:  # no RunID: the peer is known by its MAC
            return events + [Note(f"{mme.name} ignored: from {mme.src}, not the peer {self.peer_mac}")]
        return events + getattr(self, handler)(mme, now)

    def pilot(self, state: str, now: float) -> list[Event]:
        """The control pilot changed to ``state`` (as the EVSE measures it); only the EVSE counts it."""
        return []

    def timeout(self, now: float) -> list[Event]:
        events: list[Event] = []
        for name, when in sorted(self.deadlines.items(), key=lambda item: item[1]):
            if when <= now and self.result is None and name in self.deadlines:
                del self.deadlines[name]
                events += getattr(self, self.TIMERS[name])(now)
        return events

    def next_deadline(self) -> float | None:
        return min(self.deadlines.values()) if self.deadlines else None

    # helpers
    def _arm(self, name: str, now: float, seconds: float) -> None:
        self.deadlines[name] = now + seconds

    def _send(self, name: str, dst: str, **fields: Any) -> Transmit:
        return Transmit(build(name, self.mac, dst, **fields))

    def _done(self, ok: bool, reason: str, **details: Any) -> list[Event]:
        self.deadlines.clear()
        self.state = "MATCHED" if ok else "FAILED"
        if not ok and self.ignored:
            reason += f" ({self.ignored[-1]})"
        self.result = SlacResult(ok, reason, self.run_id, self.peer_mac, **details)
        return [Done(self.result)]

    def _other_run_id(self) -> bytes:
        return bytes(b ^ 0xFF for b in self.run_id)


class EvSlac(SlacCore):
    """The EV: starts SLAC, sounds, picks the EVSE, matches, sets the key on its modem."""

    role = "EV"
    TABLE = {
        ("WAIT_PARM_CNF", "CM_SLAC_PARM.CNF"): "_on_parm_cnf",
        ("SOUNDING", "CM_ATTEN_CHAR.IND"): "_on_atten_char_ind",
        ("WAIT_ATTEN_CHAR_IND", "CM_ATTEN_CHAR.IND"): "_on_atten_char_ind",
        ("WAIT_MATCH_CNF", "CM_SLAC_MATCH.CNF"): "_on_match_cnf",
        ("WAIT_SET_KEY_CNF", "CM_SET_KEY.CNF"): "_on_set_key_cnf",
        ("WAIT_VALIDATE_CNF", "CM_VALIDATE.CNF"): "_on_validate_ready",
        ("TOGGLING", "CM_VALIDATE.CNF"): "_on_validate_result",
    }
    TIMERS = {
        "TT_match_response": "_on_response_timeout",
        "TP_EV_vald_state_duration": "_on_toggle_step",
        "TT_EVSE_vald_toggle": "_on_validate_timeout",
        "TP_EV_batch_msg_interval": "_on_batch_interval",
        "TT_EV_atten_results": "_on_atten_results_timeout",
        "CM_SET_KEY.CNF": "_on_modem_timeout",
    }

    def start(self, now: float) -> list[Event]:
        self.run_id = self.random(8)
        self.tries = 0
        self.batch: list[Transmit] = []
        self.attenuation: float | None = None
        self.sounds: int | None = None
        self.toggles: int | None = None
        self.pilot_steps: list[str] = []
        self.pilot_state = "B"
        return self._parm_req(now)

    def _later_run_id(self) -> bytes:
        return self._other_run_id() if self.faults.wrong_run_id else self.run_id

    def _parm_req(self, now: float) -> list[Event]:
        self.state, self.tries = "WAIT_PARM_CNF", self.tries + 1
        self._arm("TT_match_response", now, value("TT_match_response"))
        return [self._send("CM_SLAC_PARM.REQ", BROADCAST, RunID=self.run_id)]

    def _on_parm_cnf(self, mme: Mme, now: float) -> list[Event]:
        self.peer_mac = mme.src
        self.deadlines.pop("TT_match_response", None)
        asked = mme.fields["NumberMSounds"] or int(value("C_EV_match_MNBC"))
        count = asked if self.faults.sounds < 0 else self.faults.sounds
        run_id = self._later_run_id()
        self.batch = [self._send("CM_START_ATTEN_CHAR.IND", BROADCAST, NumberOfSounds=asked, TimeOut=mme.fields["TimeOut"] or 6,
                                 ResponseType=1, ForwardingSTA=self.mac, RunID=run_id)
                      for _ in range(int(value("C_EV_start_atten_char_inds")))]
        self.batch += [self._send("CM_MNBC_SOUND.IND", BROADCAST, Countdown=count - 1 - i, RunID=run_id, RandomValue=self.random(16))
                       for i in range(count)]
        self.state = "SOUNDING"
        self._arm("TT_EV_atten_results", now, value("TT_EV_atten_results"))
        events: list[Event] = []
        if count != asked:
            events.append(Note(f"sending {count} sounds where the EVSE asked for {asked} (fault sounds)"))
        return events + self._on_batch_interval(now)

    def _on_batch_interval(self, now: float) -> list[Event]:
        if not self.batch:
            return []
        first = self.batch.pop(0)
        if self.batch:
            self._arm("TP_EV_batch_msg_interval", now, self.config.sound_interval)
        elif self.state == "SOUNDING":
            self.state = "WAIT_ATTEN_CHAR_IND"
        return [first]

    def _on_atten_char_ind(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_EV_atten_results", None)
        self.deadlines.pop("TP_EV_batch_msg_interval", None)
        self.batch = []
        groups = mme.fields["Groups"]
        self.attenuation = sum(groups) / len(groups) if groups else None
        self.sounds = mme.fields["NumberOfSounds"]
        refuse = self.faults.refuse_match
        events: list[Event] = [self._send("CM_ATTEN_CHAR.RSP", mme.src, SourceAdress=self.mac, RunID=self._later_run_id(), Result=1 if refuse else 0)]
        details = {"attenuation": self.attenuation, "sounds": self.sounds}
        if refuse:
            return events + self._done(False, "refused the match: CM_ATTEN_CHAR.RSP Result 1 (fault refuse_match)", **details)
        if self.attenuation is None:
            return events + self._done(False, "CM_ATTEN_CHAR.IND without attenuation groups", **details)
        if self.attenuation > self.config.attenuation_limit:
            return events + self._done(False, f"attenuation {self.attenuation:.1f} dB above the limit {self.config.attenuation_limit:g} dB: "
                                       "no CM_SLAC_MATCH.REQ", **details)
        self.tries = 0
        return events + (self._validate_req(now) if self.config.validate else self._match_req(now))

    # CM_VALIDATE, ISO 15118-3 9.4: the first request asks whether the EVSE validates
    def _validate_req(self, now: float) -> list[Event]:
        self.state, self.tries = "WAIT_VALIDATE_CNF", self.tries + 1
        self._arm("TT_match_response", now, value("TT_match_response"))
        return [self._send("CM_VALIDATE.REQ", self.peer_mac, SignalType=0, Timer=0, Result=READY)]

    def _on_validate_ready(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_match_response", None)
        result = mme.fields["Result"]
        if result == NOT_REQUIRED:
            self.tries = 0
            return [Note("the EVSE needs no validation (CM_VALIDATE.CNF NotRequired)")] + self._match_req(now)
        if result != READY:
            return self._done(False, f"the EVSE cannot validate now: CM_VALIDATE.CNF Result {VALIDATE_RESULTS.get(result, result)}")
        # the second request announces the window; the toggles start one state duration later, so that the
        # EVSE counts from the request on, then B -> C -> B per toggle
        step = value("TP_EV_vald_state_duration")
        window = (2 * self.config.toggles + 1) * step + value("TT_match_response")
        timer = math.ceil(round(window / 0.1, 6))  # 100 ms units; the EVSE may read N as N or N+1 x 100 ms
        self.pilot_steps = ["C", "B"] * self.config.toggles
        self.pilot_state = "B"
        self.state = "TOGGLING"
        self._arm("TP_EV_vald_state_duration", now, step)
        self._arm("TT_EVSE_vald_toggle", now, (timer + 1) * 0.1 + value("TT_match_response"))
        return [self._send("CM_VALIDATE.REQ", self.peer_mac, SignalType=0, Timer=timer, Result=READY)]

    def _on_toggle_step(self, now: float) -> list[Event]:
        if not self.pilot_steps:
            return []
        self.pilot_state = self.pilot_steps.pop(0)
        if self.pilot_steps:
            self._arm("TP_EV_vald_state_duration", now, value("TP_EV_vald_state_duration"))
        return [Pilot(self.pilot_state)]

    def _on_validate_result(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_EVSE_vald_toggle", None)
        self.deadlines.pop("TP_EV_vald_state_duration", None)
        events: list[Event] = [Pilot("B")] if self.pilot_state != "B" else []  # an early answer: back to B
        self.pilot_steps, self.pilot_state = [], "B"
        counted, result = mme.fields["ToggleNum"], mme.fields["Result"]
        if result != SUCCESS:
            return events + self._done(False, f"the EVSE failed the validation: CM_VALIDATE.CNF Result {VALIDATE_RESULTS.get(result, result)} "
                                       f"({counted} toggles counted)", toggles=counted)
        if counted != self.config.toggles:
            return events + self._done(False, f"CM_VALIDATE.CNF counts {counted} BCB toggles where the EV made {self.config.toggles}: "
                                       "another charger's cable, no CM_SLAC_MATCH.REQ", toggles=counted)
        self.tries, self.toggles = 0, counted
        return events + [Note(f"validated: the EVSE counted the {counted} BCB toggle(s)")] + self._match_req(now)

    def _on_validate_timeout(self, now: float) -> list[Event]:
        return self._done(False, "no CM_VALIDATE.CNF after the toggle window of the second CM_VALIDATE.REQ")

    def _match_req(self, now: float) -> list[Event]:
        self.state, self.tries = "WAIT_MATCH_CNF", self.tries + 1
        self._arm("TT_match_response", now, value("TT_match_response"))
        var = {"EVMAC": self.mac, "EVSEMAC": self.peer_mac, "RunID": self._later_run_id()}
        return [self._send("CM_SLAC_MATCH.REQ", self.peer_mac, MatchVariableFieldLen=0x3E, VariableField=var)]

    def _on_match_cnf(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_match_response", None)
        var = mme.fields["VariableField"]
        self.nid, self.nmk = var["NetworkID"], var["NMK"]
        self.state = "WAIT_SET_KEY_CNF"
        self._arm("CM_SET_KEY.CNF", now, MODEM_TIMEOUT)
        return [set_key_req(self.mac, self.nid, self.nmk, self.random(4))]

    def _on_set_key_cnf(self, mme: Mme, now: float) -> list[Event]:
        if mme.fields["Result"] != 0:
            return self._done(False, f"the modem refused the key: CM_SET_KEY.CNF Result {mme.fields['Result']}")
        return self._done(True, "matched", nid=self.nid, nmk=self.nmk, attenuation=self.attenuation, sounds=self.sounds, toggles=self.toggles)

    def _on_response_timeout(self, now: float) -> list[Event]:
        waited, again = {"WAIT_PARM_CNF": ("CM_SLAC_PARM", self._parm_req), "WAIT_MATCH_CNF": ("CM_SLAC_MATCH", self._match_req),
                         "WAIT_VALIDATE_CNF": ("CM_VALIDATE", self._validate_req)}[self.state]
        if self.tries <= RETRIES:
            return [Note(f"no {waited}.CNF within TT_match_response, retry {self.tries} of {RETRIES}")] + again(now)
        return self._done(False, f"no {waited}.CNF after {self.tries} {waited}.REQ (TT_match_response "
                          f"{value('TT_match_response') * 1000:.0f} ms each, C_EV_match_retry {RETRIES})")

    def _on_atten_results_timeout(self, now: float) -> list[Event]:
        return self._done(False, f"no CM_ATTEN_CHAR.IND within TT_EV_atten_results ({value('TT_EV_atten_results') * 1000:.0f} ms)")

    def _on_modem_timeout(self, now: float) -> list[Event]:
        return self._done(False, "the modem did not answer CM_SET_KEY.REQ")


class EvseSlac(SlacCore):
    """The EVSE: sets its network key on its modem, answers, averages the attenuation, hands over NID/NMK."""

    role = "EVSE"
    TABLE = {
        ("WAIT_SET_KEY_CNF", "CM_SET_KEY.CNF"): "_on_set_key_cnf",
        ("WAIT_PARM_REQ", "CM_SLAC_PARM.REQ"): "_on_parm_req",
        ("WAIT_START_ATTEN_CHAR", "CM_SLAC_PARM.REQ"): "_on_parm_req",  # the EV's retry
        ("WAIT_START_ATTEN_CHAR", "CM_START_ATTEN_CHAR.IND"): "_on_start_atten_char",
        ("SOUNDING", "CM_MNBC_SOUND.IND"): "_on_sound",
        ("SOUNDING", "CM_ATTEN_PROFILE.IND"): "_on_atten_profile",
        ("WAIT_ATTEN_CHAR_RSP", "CM_ATTEN_CHAR.RSP"): "_on_atten_char_rsp",
        ("WAIT_MATCH_REQ", "CM_SLAC_MATCH.REQ"): "_on_match_req",
        ("WAIT_MATCH_REQ", "CM_VALIDATE.REQ"): "_on_validate_req",
        ("VALIDATE_READY", "CM_VALIDATE.REQ"): "_on_validate_req",
    }
    TIMERS = {
        "CM_SET_KEY.CNF": "_on_modem_timeout",
        "TT_EVSE_SLAC_init": "_on_init_timeout",
        "TT_match_sequence": "_on_sequence_timeout",
        "TT_EVSE_match_MNBC": "_on_sounding_over",
        "TT_match_response": "_on_atten_rsp_timeout",
        "TT_EVSE_match_session": "_on_match_session_timeout",
        "late CM_SLAC_MATCH.CNF": "_on_late_match_cnf",
        "TT_EVSE_vald_toggle": "_on_toggle_window_over",
    }

    def start(self, now: float) -> list[Event]:
        self.nmk = self.config.nmk or self.random(16)
        # NID: 54 bits; the two top bits of the last octet carry the security level, 0 = Simple Connect
        self.nid = self.config.nid or bytes(self.random(6) + bytes([self.random(1)[0] & 0x0F]))
        self.parm_reqs = 0
        self.sounds_seen = 0
        self.profiles: list[list[int]] = []
        self.toggles: int | None = None
        self.pilot_state = "B"
        self.state = "WAIT_SET_KEY_CNF"
        self._arm("CM_SET_KEY.CNF", now, MODEM_TIMEOUT)
        return [set_key_req(self.mac, self.nid, self.nmk, self.random(4))]

    def _answer_run_id(self) -> bytes:
        return self._other_run_id() if self.faults.wrong_run_id else self.run_id

    def _on_set_key_cnf(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("CM_SET_KEY.CNF", None)
        if mme.fields["Result"] != 0:
            return self._done(False, f"the modem refused the key: CM_SET_KEY.CNF Result {mme.fields['Result']}")
        self.state = "WAIT_PARM_REQ"
        self._arm("TT_EVSE_SLAC_init", now, self.config.init_timeout)
        return [Note(f"network key set on the modem (NID {self.nid.hex().upper()}); waiting for CM_SLAC_PARM.REQ")]

    def _on_parm_req(self, mme: Mme, now: float) -> list[Event]:
        self.parm_reqs += 1
        if self.faults.no_parm_cnf:
            return [Note("CM_SLAC_PARM.REQ not answered (fault no_parm_cnf)")]
        self.peer_mac, self.run_id = mme.src, mme.fields["RunID"]
        self.deadlines.pop("TT_EVSE_SLAC_init", None)
        self.state = "WAIT_START_ATTEN_CHAR"
        self._arm("TT_match_sequence", now, value("TT_match_sequence"))
        return [self._send("CM_SLAC_PARM.CNF", mme.src, MSoundTargetMAC=BROADCAST, NumberMSounds=self.config.sounds,
                           TimeOut=round(value("TT_EVSE_match_MNBC") * 10), ResponseType=1, ForwardingSTA=mme.src,
                           RunID=self._answer_run_id())]

    def _on_start_atten_char(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_match_sequence", None)
        self.expected = mme.fields["NumberOfSounds"] or self.config.sounds
        self.state = "SOUNDING"
        self._arm("TT_EVSE_match_MNBC", now, mme.fields["TimeOut"] / 10 if mme.fields["TimeOut"] else value("TT_EVSE_match_MNBC"))
        return []

    def _on_sound(self, mme: Mme, now: float) -> list[Event]:
        self.sounds_seen += 1
        return []

    def _on_atten_profile(self, mme: Mme, now: float) -> list[Event]:
        if mme.fields["EVMACAddress"] != self.peer_mac or not mme.fields["Groups"]:
            return []
        self.profiles.append(mme.fields["Groups"])
        return self._on_sounding_over(now) if len(self.profiles) >= self.expected else []

    def _on_sounding_over(self, now: float) -> list[Event]:
        self.deadlines.pop("TT_EVSE_match_MNBC", None)
        if not self.profiles:
            return self._done(False, f"no sounds within TT_EVSE_match_MNBC ({self.sounds_seen} CM_MNBC_SOUND.IND, no CM_ATTEN_PROFILE.IND)", sounds=0)
        groups = [round(sum(column) / len(column)) for column in zip(*self.profiles)]
        events: list[Event] = []
        if self.faults.attenuation >= 0:
            measured = sum(groups) / len(groups)
            groups = [round(self.faults.attenuation)] * len(groups)
            events.append(Note(f"reporting {self.faults.attenuation:g} dB in every group where the modem measured {measured:.1f} dB (fault attenuation)"))
        self.groups, self.tries = groups, 0
        if len(self.profiles) < self.expected:
            events.append(Note(f"too few sounds: {len(self.profiles)} of the {self.expected} announced"))
        return events + self._atten_char_ind(now)

    def _atten_char_ind(self, now: float) -> list[Event]:
        self.state, self.tries = "WAIT_ATTEN_CHAR_RSP", self.tries + 1
        self._arm("TT_match_response", now, value("TT_match_response"))
        return [self._send("CM_ATTEN_CHAR.IND", self.peer_mac, SourceAdress=self.peer_mac, RunID=self._answer_run_id(),
                           NumberOfSounds=len(self.profiles), Groups=self.groups)]

    def _details(self) -> dict[str, Any]:
        groups = getattr(self, "groups", None)
        return {"attenuation": sum(groups) / len(groups) if groups else None, "sounds": len(self.profiles), "toggles": self.toggles}

    # CM_VALIDATE, ISO 15118-3 9.4
    def _on_validate_req(self, mme: Mme, now: float) -> list[Event]:
        if not self.config.validate:  # the EV goes on with CM_SLAC_MATCH.REQ, within TT_EVSE_match_session
            return [self._send("CM_VALIDATE.CNF", mme.src, SignalType=0, ToggleNum=0, Result=NOT_REQUIRED)]
        if mme.fields["Timer"] == 0 or self.state == "WAIT_MATCH_REQ":  # the first request, or its retry
            self.deadlines.pop("TT_EVSE_match_session", None)
            self.state = "VALIDATE_READY"
            self._arm("TT_match_sequence", now, value("TT_match_sequence"))
            return [self._send("CM_VALIDATE.CNF", mme.src, SignalType=0, ToggleNum=0, Result=READY)]
        self.deadlines.pop("TT_match_sequence", None)
        if mme.fields["Result"] != READY:
            return self._done(False, f"the EV ended the validation: CM_VALIDATE.REQ Result {VALIDATE_RESULTS.get(mme.fields['Result'], mme.fields['Result'])}",
                              **self._details())
        # (Timer + 1) x 100 ms: the longer of the two readings of the Timer field, at most TT_EVSE_vald_toggle
        window = min((mme.fields["Timer"] + 1) * 0.1, value("TT_EVSE_vald_toggle"))
        self.state, self.counted = "COUNTING_TOGGLES", 0
        self._arm("TT_EVSE_vald_toggle", now, window)
        return [Note(f"counting the EV's BCB toggles for {window * 1000:.0f} ms")]

    def pilot(self, state: str, now: float) -> list[Event]:
        if self.state == "COUNTING_TOGGLES" and self.pilot_state == "B" and state == "C":
            self.counted += 1  # a toggle is B -> C -> B: count its B -> C edge
        self.pilot_state = state
        return []

    def _on_toggle_window_over(self, now: float) -> list[Event]:
        events: list[Event] = []
        self.toggles = self.counted
        if self.faults.toggle_num >= 0:
            events.append(Note(f"reporting {self.faults.toggle_num} BCB toggles where it counted {self.counted} (fault toggle_num)"))
            self.toggles = self.faults.toggle_num
        ok = 1 <= self.counted <= 3
        events.append(self._send("CM_VALIDATE.CNF", self.peer_mac, SignalType=0, ToggleNum=self.toggles, Result=SUCCESS if ok else FAILURE))
        if not ok:
            return events + self._done(False, f"validation failed: {self.counted} BCB toggles within the window (1 to 3 expected)", **self._details())
        self.state = "WAIT_MATCH_REQ"
        self._arm("TT_match_sequence", now, value("TT_match_sequence"))
        return events

    def _on_atten_char_rsp(self, mme: Mme, now: float) -> list[Event]:
        self.deadlines.pop("TT_match_response", None)
        if mme.fields["Result"] != 0:
            return self._done(False, f"the EV refused the match: CM_ATTEN_CHAR.RSP Result {mme.fields['Result']}", **self._details())
        self.state = "WAIT_MATCH_REQ"
        self._arm("TT_EVSE_match_session", now, self.config.match_session_timeout)
        return []

    def _on_match_req(self, mme: Mme, now: float) -> list[Event]:
        if self.faults.refuse_match:
            return [Note("CM_SLAC_MATCH.REQ not answered (fault refuse_match)")] + self._done(
                False, "refused the match: CM_SLAC_MATCH.REQ not answered (fault refuse_match)", **self._details())
        self.deadlines.pop("TT_EVSE_match_session", None)
        self.deadlines.pop("TT_match_sequence", None)  # after a validation
        self.state = "SENDING_MATCH_CNF"
        if self.faults.match_cnf_delay > 0:
            self._arm("late CM_SLAC_MATCH.CNF", now, self.faults.match_cnf_delay)
            return [Note(f"CM_SLAC_MATCH.CNF held back {self.faults.match_cnf_delay:g} s (fault match_cnf_delay)")]
        return self._on_late_match_cnf(now)

    def _on_late_match_cnf(self, now: float) -> list[Event]:
        var = {"EVMAC": self.peer_mac, "EVSEMAC": self.mac, "RunID": self._answer_run_id(), "NetworkID": self.nid, "NMK": self.nmk}
        cnf = self._send("CM_SLAC_MATCH.CNF", self.peer_mac, MatchVariableFieldLen=0x56, VariableField=var)
        return [cnf] + self._done(True, "matched", nid=self.nid, nmk=self.nmk, **self._details())

    def _on_modem_timeout(self, now: float) -> list[Event]:
        return self._done(False, "the modem did not answer CM_SET_KEY.REQ")

    def _on_init_timeout(self, now: float) -> list[Event]:
        heard = f"; {self.parm_reqs} CM_SLAC_PARM.REQ left unanswered (fault no_parm_cnf)" if self.parm_reqs else ""
        return self._done(False, f"no CM_SLAC_PARM.REQ answered within TT_EVSE_SLAC_init ({self.config.init_timeout:g} s){heard}")

    def _on_sequence_timeout(self, now: float) -> list[Event]:
        waited = {"WAIT_START_ATTEN_CHAR": "CM_START_ATTEN_CHAR.IND", "VALIDATE_READY": "second CM_VALIDATE.REQ",
                  "WAIT_MATCH_REQ": "CM_SLAC_MATCH.REQ after CM_VALIDATE.CNF"}[self.state]
        return self._done(False, f"no {waited} within TT_match_sequence ({value('TT_match_sequence') * 1000:.0f} ms)", **self._details())

    def _on_atten_rsp_timeout(self, now: float) -> list[Event]:
        if self.tries <= RETRIES:
            return [Note(f"no CM_ATTEN_CHAR.RSP within TT_match_response, retry {self.tries} of {RETRIES}")] + self._atten_char_ind(now)
        return self._done(False, f"no CM_ATTEN_CHAR.RSP after {self.tries} CM_ATTEN_CHAR.IND", **self._details())

    def _on_match_session_timeout(self, now: float) -> list[Event]:
        return self._done(False, f"no CM_SLAC_MATCH.REQ within TT_EVSE_match_session ({self.config.match_session_timeout:g} s)", **self._details())


def set_key_req(src: str, nid: bytes, nmk: bytes, nonce: bytes) -> Transmit:
    """CM_SET_KEY.REQ to the host's own modem: the NMK of the logical network (key type 1, PID 4: HLE)."""
    return Transmit(build("CM_SET_KEY.REQ", src, MODEM_LOCAL, KeyType=0x01, MyNonce=int.from_bytes(nonce, "big"), PID=0x04,
                          NetworkID=nid, NewEncKeySelect=0x01, NewKey=nmk))


CORES: dict[str, type[SlacCore]] = {"ev": EvSlac, "evse": EvseSlac}
__all__ = ["SlacConfig", "SlacFaults", "SlacResult", "EvSlac", "EvseSlac", "Transmit", "Received", "Note", "Done", "Pilot", "messages", "AAG_GROUPS"]
