"""Profiles: TOML files that say how the simulated charger or car behaves.

Built-in names are ``ac`` and ``dc`` for each role. A profile file of your own
may set any subset of the keys of the built-in one (``base = "dc"`` at the top
picks the built-in it extends; default ``ac``). Unknown keys and wrong value
types are errors that name the key, so a typo never passes silently.
"""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import V2GError

ROLES = ("secc", "evcc")


class ProfileError(V2GError):
    """A profile that cannot be used: missing file, bad TOML, unknown key, wrong type."""


def _builtin(role: str, name: str) -> dict[str, Any]:
    files = resources.files(__package__)
    path = files / f"{role}-{name}.toml"
    if not path.is_file():
        raise ProfileError(f"no built-in {role} profile {name!r}; built-in: ac, dc")
    data = tomllib.loads(path.read_text())
    if name != "ac":
        data = merge(_builtin(role, "ac"), data, role)
    return data


def merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    """``override`` on top of ``base``; every key must exist in base with the same kind of value."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            raise ProfileError(f"unknown profile key {path!r}; known here: {', '.join(base)}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ProfileError(f"profile key {path!r} must be a table")
            out[key] = merge(base[key], value, path)
            continue
        expected = type(base[key])
        if expected is float and type(value) is int:
            value = float(value)
        if type(value) is not expected:
            raise ProfileError(f"profile key {path!r} must be {expected.__name__}, got {type(value).__name__} {value!r}")
        out[key] = value
    return out


def load_profile(role: str, name_or_path: str | None = None) -> dict[str, Any]:
    """The profile of ``role`` ('secc' or 'evcc'): built-in 'ac'/'dc', or a TOML file over one of them."""
    if role not in ROLES:
        raise ProfileError(f"unknown role {role!r}")
    name = name_or_path or "ac"
    if name in ("ac", "dc"):
        return _builtin(role, name)[role]
    path = Path(name)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {name} (built-in profiles: ac, dc)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {name}: not valid TOML: {exc}") from None
    base = data.pop("base", "ac")
    if base not in ("ac", "dc"):
        raise ProfileError(f"profile {name}: base must be 'ac' or 'dc', got {base!r}")
    unknown = set(data) - {role}
    if unknown:
        raise ProfileError(f"profile {name}: unknown table(s) {', '.join(sorted(unknown))}; a {role} profile has [{role}]")
    return merge(_builtin(role, base), data, "")[role]
