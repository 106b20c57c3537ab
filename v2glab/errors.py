"""Errors raised on bad input.

Every error the product raises because of what it was given (bytes off the wire,
an XML file, a message tree, a V2GTP header) derives from :class:`V2GError`, so a
server loop can catch one class, answer the peer and keep serving.
"""

from __future__ import annotations


class V2GError(Exception):
    """Base class of every error caused by bad input."""


class EXIError(V2GError):
    """An EXI stream could not be decoded, or a message could not be encoded."""


class EXIDecodeError(EXIError):
    """Undecodable EXI. ``bit_offset`` is where the decoder stood (0 = first bit of the stream)."""

    def __init__(self, message: str, bit_offset: int) -> None:
        super().__init__(f"{message} (at bit {bit_offset}, byte {bit_offset // 8})")
        self.reason = message
        self.bit_offset = bit_offset


class _PathError(V2GError):
    """An error about one place in a message tree. The codec fills ``path`` in as the
    error travels up (``V2G_Message/Body/ChargingStatusRes/EVSEID``), so the hot
    path never formats paths that no error needs."""

    path: str
    reason: str

    def prefix(self, key: str) -> None:
        self.path = f"{key}/{self.path}" if self.path else key

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class EXIEncodeError(_PathError, EXIError):
    """A message tree does not fit the grammar (wrong element, missing element, unencodable value)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.reason = message
        self.path = path


class ValidationError(_PathError):
    """A value breaks a schema facet (range, length, enumeration, required element)."""

    def __init__(self, path: str, facet: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.facet = facet
        self.reason = message

    def __str__(self) -> str:
        return f"{super().__str__()} [{self.facet}]"


class XMLError(V2GError):
    """XML text that is not well formed or does not match the schema's element names."""


class V2GTPError(V2GError):
    """A V2GTP header that breaks [V2G2-112..V2G2-119]: wrong version, inverse, type or length."""

    def __init__(self, message: str, response_code: str = "FAILED") -> None:
        super().__init__(message)
        self.reason = message
