"""The ``Slac`` table of the Lua API: SLAC (ISO 15118-3) before a script's session, and its faults.

``v2glab run SCRIPT --role secc|evcc --slac --interface IF [--sim-modem]`` matches the
PLC modems before the script's V2G session, as ``secc --slac`` and ``evcc --slac`` do;
the script plays the EVSE (``--role secc``) or the EV (``--role evcc``) in SLAC too.

- ``Slac.Set_Fault_<Name>(value)`` sets one of the SLAC faults (``SlacFaults``: the same
  as the profile keys ``[secc.slac.faults]`` / ``[evcc.slac.faults]``, made from their
  fields). They take effect when SLAC runs, so they go before it.
- SLAC runs at the first call that needs the V2G connection (a Receive, a Send, a raw
  send...), when the script ends without having made one (the engine then plays the
  session), or at once with ``Slac.Match()``, which returns true or false.
- A match that fails when SLAC runs by itself is a failed verdict "SLAC" and ends the
  script: there is no V2G session to play. ``Slac.Match()`` leaves the verdict to the
  script (a negative test expects false); a V2G call after a failed match ends the
  script the same way.
- ``Slac.Get_<Field>()`` reads the match (nil before SLAC ran).

The raw socket and the simulated modem are ``v2glab.slac.link``'s; the runner only awaits
``ScriptSlac.match`` on its own event loop.
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Any, Callable

from ..profiles import load_profile
from ..slac.session import SlacConfig, SlacFaults, SlacResult
from .session import ScriptError

SLAC_ROLE = {"secc": "evse", "evcc": "ev"}
FAULTS = {f"Set_Fault_{f.metadata['lua']}": f for f in fields(SlacFaults)}
# what Slac.Get_<name>() returns from the result of the match
GETTERS: dict[str, Callable[[SlacResult], Any]] = {
    "Result": lambda r: r.reason,  # "matched", or why not
    "NID": lambda r: r.nid.hex().upper() if r.nid else None,
    "NMK": lambda r: r.nmk.hex().upper() if r.nmk else None,
    "PeerMAC": lambda r: r.peer_mac,
    "RunID": lambda r: r.run_id.hex().upper() if r.run_id else None,
    "Attenuation": lambda r: r.attenuation,  # dB, the average over the groups of CM_ATTEN_CHAR.IND
    "Sounds": lambda r: r.sounds,  # sounds the EVSE's modem heard (CM_ATTEN_CHAR.IND NumberOfSounds)
    "Toggles": lambda r: r.toggles,  # CM_VALIDATE: the BCB toggles the EVSE counted (nil without a validation)
}
NAMES = (*FAULTS, "Match", *(f"Get_{name}" for name in GETTERS))


class ScriptSlac:
    """SLAC for one script run: the configuration the script's faults change, and the result."""

    def __init__(self, role: str, profile: dict[str, Any], interface: str, simulate_modem: bool) -> None:
        self.role = role
        self.config = SlacConfig.from_profile(profile["slac"], role)
        self.interface, self.simulate_modem = interface, simulate_modem
        self.offered = set(profile["slac"]["faults"])  # the faults this role can commit: its profile's keys
        self.result: SlacResult | None = None
        self.asked = False  # the script called Slac.Match(): it judges the match itself

    def check_link(self) -> None:
        """Root, the interface and what the link can do, checked before the script starts (one line, exit 2), not at its first V2G call."""
        from ..slac.link import RawLink, check_config

        check_config(self.config, self.simulate_modem)
        RawLink(self.interface).close()

    @property
    def done(self) -> bool:
        return self.result is not None

    async def match(self, tracer: Any, capture: Any) -> SlacResult:
        """Run SLAC on the caller's loop (once); the result."""
        if self.result is None:
            from ..slac.link import run_slac

            self.result = await run_slac(SLAC_ROLE[self.role], self.config, self.interface, tracer, capture, simulate_modem=self.simulate_modem)
        return self.result

    def set_fault(self, name: str, args: Any) -> None:
        f = FAULTS[name]
        if f.name not in self.offered:
            other = "secc" if self.role == "evcc" else "evcc"
            whose = f"a fault of the {SLAC_ROLE[other].upper()} (--role {other})" if f.name in load_profile(other)["slac"]["faults"] else "not offered"
            raise ScriptError(f"{whose}; this script plays the {SLAC_ROLE[self.role].upper()}")
        if self.done:
            raise ScriptError("SLAC has already run; set its faults before Slac.Match() and the first V2G call")
        setattr(self.config.faults, f.name, _fault_value(f, args))


def _fault_value(f: Any, args: Any) -> Any:
    if f.type in (bool, "bool"):
        if args and not isinstance(args[0], bool):
            raise ScriptError(f"expects a boolean (nothing: true), got {_type(args[0])}")
        return args[0] if args else True
    unit = f" ({f.metadata['unit']})" if f.metadata["unit"] else ""
    if not args or isinstance(args[0], bool) or not isinstance(args[0], (int, float)):
        raise ScriptError(f"argument 1{unit} must be a number, got {_type(args[0] if args else None)}")
    scale, (low, high) = f.metadata["scale"], f.metadata["range"]
    if not low * scale <= args[0] <= high * scale:  # NaN fails too
        raise ScriptError(f"argument 1{unit} must be {low * scale:g}..{high * scale:g}, got {args[0]:g}")
    if f.type in (int, "int"):
        if args[0] != int(args[0]):
            raise ScriptError(f"argument 1 must be a whole number, got {args[0]:g}")
        return int(args[0])
    return args[0] / scale


def _type(value: Any) -> str:
    return {bool: "boolean", bytes: "string", str: "string", int: "number", float: "number", type(None): "nil"}.get(type(value), "table")


def implementation(runner: Any, name: str) -> Callable[[Any], Any]:
    """The Python side of ``Slac.<name>`` for ``runner`` (a ScriptRunner): it reaches the run's ScriptSlac as ``runner.slac``."""
    if name not in NAMES:
        close = difflib.get_close_matches(name, NAMES, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(f'Slac.{c}' for c in close)}?" if close else ""
        message = f"no such function{hint}"

        def unknown(args: Any) -> Any:
            raise ScriptError(message)
        return unknown

    def impl(args: Any) -> Any:
        slac: ScriptSlac | None = runner.slac
        if slac is None:
            raise ScriptError("SLAC runs with `v2glab run --slac --interface IF`; this run has no --slac")
        if name in FAULTS:
            return slac.set_fault(name, args)
        if name == "Match":
            return runner.slac_match()
        return None if slac.result is None else GETTERS[name[4:]](slac.result)

    return impl
