"""ISO 15118-20 has no V2G_Message envelope: each message is its own EXI document.

Its root is the message element of its namespace, with its own Header (SessionID of
exactly 8 bytes, TimeStamp); CommonMessages travel as V2GTP payload type 0x8002, AC
messages as 0x8003, DC messages as 0x8004. The receiver picks the grammar from the
payload type (../shared/docs/iso15118-20-behaviour.md §1).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from ... import exi
from ...errors import EXIDecodeError, EXIError, V2GTPError
from ...exi import Message
from ...exi.grammar import ComplexType, grammar
from ...v2gtp import PAYLOAD_TYPES, check_payload_type, frame_message

SCHEMAS = ("iso15118-20-CommonMessages", "iso15118-20-AC", "iso15118-20-DC")
NO_SESSION = bytes(8)  # the SessionID of a new session: 8 zero bytes, as SessionSetupReq carries it


@dataclass(frozen=True)
class DocumentEnvelope:
    """The ISO 15118-20 counterpart of ``V2GMessageEnvelope``: a document and a payload type per message."""

    schemas: tuple[str, ...] = SCHEMAS
    clock: Callable[[], float] = time.time  # TimeStamp: Unix seconds, as Josev and libiso15118 send it

    @property
    def schema(self) -> str:
        return self.schemas[0]

    @cached_property
    def _schema_by_message(self) -> dict[str, str]:
        return {name: schema for schema in self.schemas for name in exi.message_roots(schema)}

    @cached_property
    def _schema_by_payload_type(self) -> dict[int, str]:
        return {int(PAYLOAD_TYPES[s]): s for s in self.schemas}

    def schema_of(self, name: str) -> str:
        try:
            return self._schema_by_message[name]
        except KeyError:
            raise KeyError(f"{name} is no ISO 15118-20 message") from None

    def wrap(self, session_id: bytes, name: str, body: Any) -> Message:
        """The message with its Header: the session's SessionID; the body's TimeStamp if it sets one (not 0), else now.

        Before SessionSetup the cores hold the -2 and DIN "no session" ID, one zero byte [V2G2-756]; a
        -20 SessionID is exactly 8 bytes, so it goes out as 8 zero bytes (a FAILED_SequenceError
        answer to a request before SessionSetupReq).
        """
        content = dict(body or {})
        header = dict(content.pop("Header", None) or {})
        header["SessionID"] = NO_SESSION if session_id == b"\x00" else session_id
        if not header.get("TimeStamp"):
            header["TimeStamp"] = int(self.clock())
        ordered = {"SessionID": header.pop("SessionID"), "TimeStamp": header.pop("TimeStamp"), **header}
        return Message(self.schema_of(name), name, {"Header": ordered, **content})

    def decode(self, payload_type: int, payload: bytes) -> Message:
        """The message in a V2GTP payload, decoded with the grammar its payload type names.

        A payload that does not decode with that grammar but does with another -20 one is a
        V2GTPError naming both the payload type and the message.
        """
        schema = self._schema_by_payload_type.get(payload_type)
        if schema is None:
            known = ", ".join(f"{pt:#06x} {s.removeprefix('iso15118-20-')}" for pt, s in self._schema_by_payload_type.items())
            raise V2GTPError(f"payload type {payload_type:#06x} carries no ISO 15118-20 message here ({known})")
        try:
            message = exi.decode(payload, schema)
        except EXIError:
            for other in self.schemas:
                if other != schema:
                    try:
                        found = exi.decode(payload, other)
                    except EXIError:
                        continue
                    if found.name in self._schema_by_message:
                        check_payload_type(payload_type, found)  # raises, naming both
            raise
        if message.name not in exi.message_roots(schema):
            raise EXIDecodeError(f"root element {message.name} is no ISO 15118-20 message", 8)
        return message

    def frame(self, message: Message, validate: bool = True) -> bytes:
        return frame_message(message, exi.encode(message, validate))

    def body_type(self, name: str) -> ComplexType:
        return grammar(self.schema_of(name)).document_index[name][2]

    def message_names(self) -> list[str]:
        return sorted(self._schema_by_message)
