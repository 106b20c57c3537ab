"""Profiles: TOML files that say how the simulated charger or car behaves.

Built-in names are ``ac`` and ``dc`` for each role. A profile file of your own
may set any subset of the keys of the built-in one (``base = "dc"`` at the top
picks the built-in it extends; default ``ac``). Unknown keys and wrong value
types are errors that name the key, so a typo never passes silently.
"""

from __future__ import annotations

import copy
import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import EXIError, V2GError, ValidationError
from ..exi import check_value
from ..exi.codec import NOT_XML_CHAR
from ..exi.grammar import SimpleType
from ..protocols import registry
from ..protocols.messages import body_type
from ..protocols.physical import physical
from ..protocols.profile_limits import LIMITS, ORDERED, CheckedBy, Choice, Number, Physical, Protocols, Schema

ROLES = ("secc", "evcc")


class ProfileError(V2GError):
    """A profile that cannot be used: missing file, bad TOML, unknown key, wrong type."""


def _builtin(role: str, name: str) -> dict[str, Any]:
    files = resources.files(__package__)
    path = files / f"{role}-{name}.toml"
    if not path.is_file():
        raise ProfileError(f"no built-in {role} profile {name!r}; built-in: ac, dc")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
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
        profile = _builtin(role, name)[role]
        check_limits(role, profile)
        return profile
    path = Path(name)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {name} (built-in profiles: ac, dc)") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"profile {name}: not UTF-8 (byte {exc.start}); TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {name}: not valid TOML: {exc}") from None
    base = data.pop("base", "ac")
    if base not in ("ac", "dc"):
        raise ProfileError(f"profile {name}: base must be 'ac' or 'dc', got {base!r}")
    unknown = set(data) - {role}
    if unknown:
        raise ProfileError(f"profile {name}: unknown table(s) {', '.join(sorted(unknown))}; a {role} profile has [{role}]")
    profile = merge(_builtin(role, base), data, "")[role]
    check_limits(role, profile)
    return profile


def _element(path: str, schema: str) -> SimpleType:
    name, *children = path.split("/")
    node: Any = body_type(name, schema)
    for child in children:
        node = node.children[child][1]
    return node


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _why_not(rule: Any, value: Any) -> str | None:
    """None if ``value`` keeps ``rule``, else why not."""
    if isinstance(rule, (Number, Physical)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if not math.isfinite(value):
            return "must be a finite number"
        if not rule.lo <= value <= rule.hi:
            return f"must be in {rule.lo:g}..{rule.hi:g}"
        if isinstance(rule, Physical):
            try:
                physical(value, "")
            except ValueError:
                return "does not fit a PhysicalValue"
        return None
    if isinstance(rule, Choice):
        return None if value in rule.values else f"must be one of {', '.join(rule.values)}"
    if isinstance(rule, CheckedBy):
        return None
    if isinstance(rule, Protocols):
        names = list(registry())
        if not isinstance(value, list) or not value or len(set(value)) != len(value):
            return f"must be a non-empty list of distinct protocol names ({', '.join(names)})"
        unknown = [v for v in value if v not in names]
        return f"names {', '.join(map(str, unknown))}; v2glab speaks {', '.join(names)}" if unknown else None
    st = _element(rule.path, rule.schema)
    if rule.many:
        if not isinstance(value, list) or not value:
            return f"must be a non-empty list of {', '.join(st.values) or st.id}"
        if len(set(map(repr, value))) != len(value):
            return "must not repeat a value"
        for item in value:
            reason = _why_not(Schema(rule.path, schema=rule.schema), item)
            if reason:
                return f"{_short(item)} {reason}"
        return None
    if st.kind == "hex":
        try:
            value = bytes.fromhex(value) if isinstance(value, str) else value
        except ValueError:
            return "must be hexadecimal"
    if st.kind == "enum" and value not in st.values:
        return f"must be one of {', '.join(st.values)}"
    if st.kind == "string" and isinstance(value, str) and NOT_XML_CHAR.search(value):
        return "holds a character XML does not allow"
    try:
        check_value(st, value)
    except (ValidationError, EXIError) as exc:
        return f"breaks the schema's {st.id}: {exc.reason}"
    return None


def check_limits(role: str, profile: dict[str, Any]) -> None:
    """Every value within the schema's facets or its documented range (profile_limits.py): else one error naming the key."""
    for key, rule in LIMITS[role].items():
        node: Any = profile
        for part in key.split("."):
            node = node[part]
        reason = _why_not(rule, node)
        if reason:
            raise ProfileError(f"profile key '{role}.{key}' = {_short(node)} {reason}")
    for low, high in ORDERED[role]:
        a, b = (profile[low.split(".")[0]][low.split(".")[1]], profile[high.split(".")[0]][high.split(".")[1]])
        if a > b:
            raise ProfileError(f"profile key '{role}.{low}' = {a:g} is above '{role}.{high}' = {b:g}")
