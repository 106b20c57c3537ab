"""The SECC's listening socket: a dynamic port in 49152-65535 [V2G2-169]."""

from __future__ import annotations

import random
from typing import Awaitable, Callable, TypeVar

PORT_RANGE = (49152, 65535)  # [V2G2-169] the SECC's TCP port is a dynamic port
T = TypeVar("T")


async def bind_dynamic(create: Callable[[int], Awaitable[T]], port: int | None = None, attempts: int = 50) -> tuple[T, int]:
    """``create(port)`` on ``port`` (0: any free port the system picks, for tests), or with None on
    random dynamic ports until one is free."""
    for attempt in range(attempts):
        chosen = port if port is not None else random.randint(*PORT_RANGE)
        try:
            return await create(chosen), chosen
        except OSError:
            if port is not None or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
