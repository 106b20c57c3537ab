"""The named test-case library (issue 11 item 5): Lua scripts in the ISO 15118-4 (charger, ``secc/``)
and ISO 15118-5 (car, ``evcc/``) manner, one fresh session per case.

The cases live in ``<protocol>/<side>/`` (``iso15118-2/secc/``, ``din70121/evcc/``, ...), the protocol by
its registry name: a case is written against one protocol's messages. A case's name says its side and
energy kind (``TC_SECC_DC_...``, ``TC_EVCC_CMN_...``: CMN runs with either profile); its first comment
line is its one-line purpose.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
SIDES = ("secc", "evcc")  # the side under test
DEFAULT_PROTOCOL = "iso15118-2"


@dataclass(frozen=True)
class Case:
    name: str
    protocol: str  # the registry name of the protocol the case speaks
    side: str  # the side under test: "secc" (v2glab plays the EV) or "evcc" (v2glab plays the charger)
    path: Path
    purpose: str

    @property
    def kind(self) -> str:
        """"AC", "DC" or "CMN" (either)."""
        return self.name.split("_")[2]


def _purpose(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("--"):
            return line.lstrip("- ").strip()
    return ""


def protocols() -> list[str]:
    """The protocols that have cases, by registry name."""
    return sorted(p.name for p in HERE.iterdir() if p.is_dir() and any((p / side).is_dir() for side in SIDES))


def cases(side: str, pattern: str | None = None, kind: str | None = None, protocol: str = DEFAULT_PROTOCOL) -> list[Case]:
    """The cases of ``protocol`` testing ``side``, sorted by name; ``pattern`` a glob on the name, ``kind`` "AC" or "DC"."""
    out = []
    for path in sorted((HERE / protocol / side).glob("TC_*.lua")):
        case = Case(path.stem, protocol, side, path, _purpose(path))
        if pattern and not fnmatch.fnmatchcase(case.name, pattern):
            continue
        if kind and case.kind not in (kind, "CMN"):
            continue
        out.append(case)
    return out


def profile_kind(profile: dict) -> str:
    """"DC" or "AC": the energy kind of the profile v2glab plays (a charger offering only DC is DC)."""
    modes = profile.get("energy_modes") or [profile.get("requested_mode", "")]
    return "DC" if all(str(m).startswith("DC") for m in modes) else "AC"
