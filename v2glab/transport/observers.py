"""What the transport tells its observers, passed in by the caller (as aioquic's configuration
carries its logger): the transport never imports the trace, captures or reports."""

from __future__ import annotations

from typing import Any, Protocol


class MessageObserver(Protocol):
    """Sees every V2G message and every note of a connection (``v2glab.trace.Tracer`` is one)."""

    def note(self, role: str, text: str) -> None: ...

    def message(self, role: str, connection: str, direction: str, frame_bytes: bytes, message: Any,
                error: str | None = None, at: tuple[float, float] | None = None) -> None: ...

    def listening(self, role: str, kind: str, host: str, port: int) -> None:
        """A server is bound and accepting on ``port`` (readiness, for whoever started it)."""


class PacketObserver(Protocol):
    """Sees every datagram and TCP segment payload (``v2glab.capture.pcap.PcapWriter`` is one)."""

    def udp(self, src: tuple[str, int], dst: tuple[str, int], payload: bytes, from_client: bool, ts: float | None = None) -> None: ...

    def tcp_open(self, key: str, client: tuple[str, int], server: tuple[str, int], ts: float | None = None) -> None: ...

    def tcp_data(self, key: str, from_client: bool, data: bytes, ts: float | None = None) -> None: ...

    def tcp_close(self, key: str, closed_by_client: bool, ts: float | None = None) -> None: ...


def endpoint(sockname: tuple | None) -> tuple[str, int]:
    """(host, port) of a socket name, IPv4-mapped IPv6 addresses unmapped."""
    if not sockname:
        return ("::1", 0)
    host = sockname[0]
    if host.startswith("::ffff:"):
        host = host[7:]
    return (host, sockname[1])


class Silent:
    """An observer that sees nothing: the default when the caller passes none."""

    def note(self, role: str, text: str) -> None:
        pass

    def message(self, *args: Any, **kwargs: Any) -> None:
        pass

    def listening(self, role: str, kind: str, host: str, port: int) -> None:
        pass
