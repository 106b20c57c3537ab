"""A scripted session, sans-I/O: what a Lua script reads, builds and sends, without sockets.

This core keeps what it
needs between calls: the last message received of each type, the message being
built (pre-filled from the profile, so a script sets only what it changes), the
SessionID, the validation switch and the header corruptions for the next send.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from .. import exi
from ..exi.grammar import TEXT
from ..protocols.messages import body_type, minimal, v2g_message
from ..v2gtp import HEADER_LENGTH, INVERSE_PROTOCOL_VERSION, PROTOCOL_VERSION, PayloadType, V2GTPHeader, build_header

APP_MESSAGES = ("supportedAppProtocolReq", "supportedAppProtocolRes")


class ScriptError(Exception):
    """A mistake in the script (unknown function, wrong argument, value out of range)."""


@dataclass
class Verdict:
    name: str
    passed: bool
    detail: str


def schema_of(name: str) -> str:
    return "app" if name in APP_MESSAGES else "iso15118-2"


class ScriptSession:
    def __init__(self, role: str, profile: dict[str, Any], default_body: Callable[[str, dict[str, exi.Message]], Any]) -> None:
        self.role = role
        self.profile = profile
        self.default_body = default_body  # the engine's answer or request: the pre-fill
        self.session_id: bytes | None = None if role == "secc" else b"\x00"
        self.received: dict[str, exi.Message] = {}
        self.last_received: exi.Message | None = None
        self.building: dict[str, Any] = {}
        self.validate = True
        self.header_override: dict[str, int] = {}
        self.handshake_done = False
        self.verdicts: list[Verdict] = []

    # -- receiving ----------------------------------------------------------
    def decode(self, header: V2GTPHeader, payload: bytes) -> exi.Message:
        if header.payload_type != PayloadType.EXI:
            raise exi.EXIDecodeError(f"payload type {header.payload_type:#06x} is not EXI", 0)
        schema = "iso15118-2" if self.handshake_done else "app"
        message = exi.decode(payload, schema)
        self.on_message(message)
        return message

    def on_message(self, message: exi.Message) -> None:
        name = message.body_name
        self.received[name] = message
        self.last_received = message
        if name in APP_MESSAGES:
            if name == "supportedAppProtocolRes" or self.role == "secc":
                self.handshake_done = name == "supportedAppProtocolRes" and message.content.get("ResponseCode", "").startswith("OK")
            return
        if self.role == "secc" and name == "SessionSetupReq":
            # [V2G2-756]: the SECC assigns a new SessionID unless a script set one
            self.session_id = self.session_id if self.session_id not in (None, b"\x00") else os.urandom(8)
        if self.role == "evcc" and name == "SessionSetupRes" and message.session_id:
            self.session_id = message.session_id

    def on_sent(self, message: exi.Message) -> None:
        """A message went out (the script's or the engine's): the handshake and the SessionID follow it."""
        name = message.body_name
        if name == "supportedAppProtocolRes" and message.content.get("ResponseCode", "").startswith("OK"):
            self.handshake_done = True
        elif self.role == "secc" and name == "SessionSetupRes" and message.session_id:
            self.session_id = message.session_id

    # -- building -------------------------------------------------------------
    def body(self, name: str) -> dict[str, Any]:
        """The message being built, pre-filled on first use."""
        if name not in self.building:
            self.building[name] = self._prefill(name)
        return self.building[name]

    def _prefill(self, name: str) -> Any:
        body = self.default_body(name, self.received)
        if body is not None:
            return tree_copy(body)  # the engine may share parts between its messages
        schema = schema_of(name)
        return tree_copy(minimal(body_type(name, schema), schema))

    def message(self, name: str) -> exi.Message:
        body = self.body(name)
        if name in APP_MESSAGES:
            return exi.Message("app", name, body)
        session_id = self.session_id if self.session_id is not None else b"\x00"
        return v2g_message(session_id, name, body)

    def encode(self, name: str) -> tuple[bytes, exi.Message]:
        """The frame for ``name`` as built so far; then the next one starts from a fresh pre-fill."""
        message = self.message(name)
        payload = exi.encode(message, validate=self.validate)
        frame = self.header(len(payload)) + payload
        del self.building[name]  # the body now belongs to the sent message
        return frame, message

    def header(self, length: int) -> bytes:
        """The V2GTP header, with this send's corruptions (they apply once)."""
        o = self.header_override
        header = build_header(
            o.get("PayloadType", PayloadType.EXI),
            o.get("PayloadLength", length),
            version=o.get("ProtocolVersion", PROTOCOL_VERSION),
            inverse=o.get("InverseProtocolVersion", INVERSE_PROTOCOL_VERSION),
        )
        self.header_override = {}
        assert len(header) == HEADER_LENGTH
        return header

    # -- field access -----------------------------------------------------------
    @staticmethod
    def _walk(root: Any, keys: tuple[str, ...], lists: tuple[int, ...], indices: list[int], create: bool) -> tuple[Any, str, int | None]:
        """Follow ``keys`` to the parent of the last key; returns (parent, last key, index or None)."""
        node = root
        index_iter = iter(indices)
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            idx = next(index_iter) if depth in lists else None
            if last:
                return node, key, idx
            if key == TEXT:
                break
            child = node.get(key) if isinstance(node, dict) else None
            if child is None:
                if not create:
                    return None, key, idx
                child = [] if idx is not None else {}
                node[key] = child
            if idx is not None:
                while create and len(child) <= idx:
                    child.append({})
                if idx >= len(child):
                    return None, key, idx
                child = child[idx]
            node = child
        return node, keys[-1], None

    def get(self, root: Any, keys: tuple[str, ...], lists: tuple[int, ...], indices: list[int]) -> Any:
        parent, key, idx = self._walk(root, keys, lists, indices, create=False)
        if not isinstance(parent, dict) or key not in parent:
            return None
        value = parent[key]
        if idx is not None:
            return value[idx] if isinstance(value, list) and idx < len(value) else None
        if isinstance(value, dict) and TEXT in value and key != TEXT:
            return value[TEXT]
        return value

    def set(self, root: Any, keys: tuple[str, ...], lists: tuple[int, ...], indices: list[int], value: Any) -> None:
        parent, key, idx = self._walk(root, keys, lists, indices, create=True)
        if idx is not None:
            items = parent.setdefault(key, [])
            while len(items) <= idx:
                items.append(None)
            items[idx] = value
        else:
            parent[key] = value

    def remove(self, root: Any, keys: tuple[str, ...], lists: tuple[int, ...], indices: list[int]) -> None:
        parent, key, _idx = self._walk(root, keys, lists, indices, create=False)
        if isinstance(parent, dict):
            parent.pop(key, None)

    def check(self, name: str, expected: Any, actual: Any) -> bool:
        passed = expected == actual
        self.verdicts.append(Verdict(name, passed, f"expected {expected!r}, got {actual!r}"))
        return passed


def tree_copy(value: Any) -> Any:
    """A copy of a message tree (dicts, lists, leaves), several times faster than deepcopy."""
    if type(value) is dict:
        return {k: tree_copy(v) for k, v in value.items()}
    if type(value) is list:
        return [tree_copy(v) for v in value]
    return value
