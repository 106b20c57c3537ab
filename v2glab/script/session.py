"""A scripted session, sans-I/O: what a Lua script reads, builds and sends, without sockets.

The script is in charge of every application message. This core keeps what it
needs between calls: the last message received of each type, the message being
built (pre-filled from the profile, so a script sets only what it changes), the
SessionID, the validation switch and the header corruptions for the next send.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import Any, Callable

from .. import exi
from ..exi.grammar import TEXT
from ..errors import V2GTPError
from ..protocols import APP_SCHEMA, Protocol, chosen, negotiate, offer, parse_list, registry
from ..protocols.messages import body_type, minimal
from ..v2gtp import HEADER_LENGTH, INVERSE_PROTOCOL_VERSION, PROTOCOL_VERSION, PayloadType, V2GTPHeader, build_header, payload_type_of

APP_MESSAGES = ("supportedAppProtocolReq", "supportedAppProtocolRes")


class ScriptError(Exception):
    """A mistake in the script (unknown function, wrong argument, value out of range)."""


@dataclass
class Verdict:
    name: str
    passed: bool
    detail: str


class ScriptSession:
    def __init__(self, role: str, profile: dict[str, Any]) -> None:
        self.role = role
        self.profile = profile
        self.enabled: list[Protocol] = parse_list(profile["protocols"])
        # Until the handshake picks one, messages are built in the profile's preferred protocol.
        self.protocol: Protocol = self.enabled[0]
        self.charger: Any = None
        self.car: Any = None
        self.session_id: bytes | None = None if role == "secc" else b"\x00"
        self._simulate(self.protocol)
        self.received: dict[str, exi.Message] = {}
        self.last_received: exi.Message | None = None
        self.building: dict[str, Any] = {}
        # the header of each message being built beside its body ({"Header": ...}: a Signature the
        # charger or car made with the pre-fill, fields the script set); the SessionID is added at send
        self.headers: dict[str, dict[str, Any]] = {}
        self.header_set_by_script: set[str] = set()  # messages whose header Signature the script set itself
        # hooks on every message this side sends (the script's and, in hybrid play, the engine's) and
        # receives: see outgoing()
        self.send_hooks: list[Callable[[exi.Message, str], str | None]] = []
        self.receive_hooks: list[Callable[[exi.Message], None]] = []
        self.build_hooks: list[Callable[[exi.Message], None]] = []  # a message pre-filled, before the script edits it
        self.validate = True
        self.header_override: dict[str, int] = {}
        self.handshake_done = False
        self._sent_offer: dict[str, Any] | None = None
        self.verdicts: list[Verdict] = []

    def renewed(self) -> ScriptSession:
        """A new V2G communication session of the same script (Reconnect): what belongs to the script, not to one
        session, carries over: its verdicts, Set_Validation, and the hooks its tools (Pnc_*) put on the messages."""
        new = ScriptSession(self.role, self.profile)
        new.verdicts, new.validate = self.verdicts, self.validate
        new.send_hooks, new.receive_hooks, new.build_hooks = self.send_hooks, self.receive_hooks, self.build_hooks
        return new

    def _simulate(self, protocol: Protocol) -> None:
        """The negotiated protocol's charger or car pre-fills what the script builds."""
        self.protocol = protocol
        self.charger = protocol.charger(self.profile) if self.role == "secc" else None
        self.car = protocol.car(self.profile) if self.role == "evcc" else None
        if self.car is not None:
            if self.session_id in (None, b"\x00"):  # not assigned yet: the car's SessionSetupReq SessionID (-20: 8 bytes)
                self.session_id = self.car.session_id
            else:
                self.car.session_id = self.session_id

    def schema_of(self, name: str) -> str:
        return APP_SCHEMA if name in APP_MESSAGES else self.protocol.envelope.schema_of(name)

    def _negotiated(self, request: exi.Message | None, response: dict[str, Any]) -> None:
        """The handshake ended with ``response``: switch to the protocol it chose."""
        if self.role == "secc":
            protocol = negotiate(request.content, self.enabled)[1] if request else None
            if protocol is not None and response.get("ResponseCode", "").startswith("OK"):
                self._simulate(protocol)
        else:
            sent = self.received.get("supportedAppProtocolReq") or self._sent_offer
            protocol = chosen(sent.content if isinstance(sent, exi.Message) else sent, response) if sent else None
            if protocol is not None:
                self._simulate(protocol)

    # -- receiving ----------------------------------------------------------
    def decode(self, header: V2GTPHeader, payload: bytes) -> exi.Message:
        """The message in a frame: the handshake, else the session's protocol, else another one's."""
        if not self.handshake_done:
            if header.payload_type != PayloadType.EXI:
                raise exi.EXIDecodeError(f"payload type {header.payload_type:#06x} is not EXI", 0)
            message = exi.decode(payload, APP_SCHEMA)
        else:
            message = self._decode_any(header.payload_type, payload)
        self.on_message(message)
        return message

    def _decode_any(self, payload_type: int, payload: bytes) -> exi.Message:
        protocols = [self.protocol, *(p for p in registry().values() if p is not self.protocol)]
        first_error: Exception | None = None
        for protocol in protocols:
            try:
                return protocol.envelope.decode(payload_type, payload)
            except (exi.EXIError, V2GTPError) as exc:
                first_error = first_error or exc
        raise first_error if isinstance(first_error, exi.EXIError) else exi.EXIDecodeError(str(first_error), 0)

    def on_message(self, message: exi.Message) -> None:
        name = message.body_name
        self.received[name] = message
        self.last_received = message
        for hook in self.receive_hooks:
            hook(message)
        if name in APP_MESSAGES:
            if name == "supportedAppProtocolRes" or self.role == "secc":
                self.handshake_done = name == "supportedAppProtocolRes" and message.content.get("ResponseCode", "").startswith("OK")
            if name == "supportedAppProtocolRes" and self.handshake_done:
                self._negotiated(None, message.content)
            return
        if self.role == "secc" and name in self.protocol.sequence.first:
            # [V2G2-756]: the SECC assigns a new SessionID unless a script set one
            self.session_id = self.session_id if self.session_id not in (None, b"\x00") else os.urandom(8)
        if self.role == "evcc" and name[:-3] + "Req" in self.protocol.sequence.first and message.session_id:
            self.session_id = message.session_id
            self.car.session_id = message.session_id

    def on_sent(self, message: exi.Message) -> None:
        """The engine sent ``message`` in the script's place (hybrid play): follow the handshake and the SessionID."""
        name = message.body_name
        if name == "supportedAppProtocolReq":
            self._sent_offer = message.content
        elif name == "supportedAppProtocolRes" and message.content.get("ResponseCode", "").startswith("OK"):
            self.handshake_done = True
            self._negotiated(self.received.get("supportedAppProtocolReq"), message.content)
        elif self.role == "secc" and name[:-3] + "Req" in self.protocol.sequence.first and message.session_id:
            self.session_id = message.session_id

    def share(self, simulator: Any) -> None:
        """Pre-fill from the engine's own charger or car (hybrid play), so both keep one state."""
        if simulator is None:
            return
        if self.role == "secc":
            self.charger = simulator
        else:
            self.car = simulator

    # -- building -------------------------------------------------------------
    def body(self, name: str) -> dict[str, Any]:
        """The message being built, pre-filled on first use."""
        if name not in self.building:
            simulator = self.charger if self.role == "secc" else self.car
            if getattr(simulator, "header", None):
                simulator.header = {}  # what it made for an earlier message is not this one's
            self.building[name] = tree_copy(self._prefill(name))  # the simulator may share parts between its messages
            made = getattr(simulator, "header", None) or {}  # e.g. the Signature of what it just built
            if simulator is not None and made:
                simulator.header = {}  # the script's message carries it, not the engine's next one
            self.headers[name] = {"Header": tree_copy(made)}
            self.header_set_by_script.discard(name)
            if self.build_hooks and name not in APP_MESSAGES:
                prefilled = self.message(name)
                for hook in self.build_hooks:
                    hook(prefilled)
        return self.building[name]

    def header_root(self, name: str) -> dict[str, Any]:
        """{"Header": ...} of the message being built (its SessionID is the session's unless set here)."""
        self.body(name)
        return self.headers[name]

    def _prefill(self, name: str) -> Any:
        schema = self.schema_of(name)
        if self.role == "secc":
            request = name[:-3] + "Req"
            req_msg = self.received.get(request)
            req = req_msg.body if req_msg else None
            if name == "supportedAppProtocolRes":
                return negotiate(req_msg.content if req_msg else {}, self.enabled)[0]
            handler = getattr(self.charger, request, None)
            if handler is not None:
                try:
                    req = req if req is not None else minimal(body_type(request, schema), schema)
                    if req_msg is not None and hasattr(self.charger, "request"):
                        self.charger.request, self.charger.header = req_msg, {}  # its header: a Signature to check
                    return handler(req)
                except Exception:  # noqa: BLE001 - a request the charger cannot read (or refuses): the minimal body
                    pass
        else:
            if name == "supportedAppProtocolReq":
                return offer(self.enabled, self.profile)
            body = self.car.default_request(name)
            if body is not None:
                return body
        return minimal(body_type(name, schema), schema)

    def message(self, name: str) -> exi.Message:
        body = self.body(name)
        if name in APP_MESSAGES:
            return exi.Message(APP_SCHEMA, name, body)
        session_id = self.session_id if self.session_id is not None else b"\x00"
        message = self.protocol.wrap(session_id, name, body)  # encode() hands the body over to the message
        header = self.headers.get(name, {}).get("Header")
        if header and "Header" in message.content:
            message.content["Header"].update(tree_copy(header))
        return message

    def outgoing(self, message: exi.Message, origin: str) -> str | None:
        """Run the send hooks on ``message`` (sent by the 'script' or the 'engine').

        A hook returns None (unchanged), "changed", or "unchecked" (a fault that breaks a facet on
        purpose: the message is encoded without the facet checks); the strongest answer wins.
        """
        outcome = None
        for hook in self.send_hooks:
            result = hook(message, origin)
            if result == "unchecked" or (result and outcome is None):
                outcome = result
        return outcome

    def encode(self, name: str) -> tuple[bytes, exi.Message]:
        """The frame for ``name`` as built so far; then the next one starts from a fresh pre-fill."""
        message = self.message(name)
        changed = self.outgoing(message, "script") if name not in APP_MESSAGES else None
        payload = exi.encode(message, validate=self.validate and changed != "unchecked")
        frame = self.header(len(payload), payload_type_of(message)) + payload
        del self.building[name]
        self.headers.pop(name, None)
        if name == "supportedAppProtocolReq":
            self._sent_offer = message.content
        if name == "supportedAppProtocolRes" and message.content.get("ResponseCode", "").startswith("OK"):
            self.handshake_done = True
            self._negotiated(self.received.get("supportedAppProtocolReq"), message.content)
        return frame, message

    def header(self, length: int, payload_type: int = PayloadType.EXI) -> bytes:
        """The V2GTP header (the message's payload type), with this send's corruptions (they apply once)."""
        o = self.header_override
        header = build_header(
            o.get("PayloadType", payload_type),
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
            if child is not None and keys[depth + 1] == TEXT and not isinstance(child, (dict, list)):
                # a value with attributes that came without them (SignatureValue as bytes): its text is itself
                if not create:
                    return node, key, idx
                child = node[key] = {TEXT: child}
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
