"""The input side both session cores share: V2GTP reassembly, then one frame at a time."""

from __future__ import annotations

from ..errors import V2GTPError
from ..v2gtp import V2GTPHeader, V2GTPReader
from .events import Close, Event


class FramedCore:
    """A sans-I/O core that reads V2GTP frames from a byte stream.

    Subclasses handle one frame in ``_frame`` and end the session with ``_close``.
    A bad header ends the connection at once ([V2G2-114]): nothing after it can be framed.
    """

    reader: V2GTPReader
    closed: bool

    def receive_data(self, data: bytes) -> list[Event]:
        if self.closed:
            return []
        try:
            frames = self.reader.feed(data)
        except V2GTPError as exc:
            return self._close(f"bad V2GTP header: {exc}", ok=False)
        events: list[Event] = []
        for header, payload in frames:
            events += self._frame(header, payload)
            if self.closed:
                break
        return events

    def _frame(self, header: V2GTPHeader, payload: bytes) -> list[Event]:
        raise NotImplementedError

    def _close(self, reason: str, ok: bool) -> list[Event]:
        self.closed = True
        return [Close(reason, ok)]
