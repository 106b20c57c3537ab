"""The EV core's message timeouts: the protocol's timing table, scaled only when a profile asks."""

from __future__ import annotations

import pytest

from tests.helpers import DIN, ISO2
from v2glab.evcc.session import MSG_TIMEOUT, EvccSession
from v2glab.profiles import load_profile
from v2glab.protocols.events import Close, StartTimer


def _waits(protocol, request: str, scale: float | None = None) -> tuple[float, Close]:
    profile = load_profile("evcc", "dc")
    profile["protocols"] = [protocol.name]
    if scale is not None:
        profile["timers"]["msg_timeout_scale"] = scale
    evcc = EvccSession(profile)
    evcc.start()
    evcc.protocol, evcc.car = protocol, protocol.car(profile)
    events = evcc._request(request, evcc.car.default_request(request))
    (timer,) = [e for e in events if isinstance(e, StartTimer) and e.name == MSG_TIMEOUT]
    (close,) = [e for e in evcc.timeout() if isinstance(e, Close)]
    return timer.seconds, close


@pytest.mark.parametrize("protocol", [DIN, ISO2], ids=lambda p: p.name)
def test_the_default_is_the_standards_timeout(protocol) -> None:
    assert load_profile("evcc", "dc")["timers"]["msg_timeout_scale"] == 1.0
    seconds, close = _waits(protocol, "CurrentDemandReq")
    assert seconds == 0.25 == protocol.timing.msg_timeout("CurrentDemandReq")
    assert not close.ok and "V2G_EVCC_Msg_Timeout (0.25 s) expired waiting for CurrentDemandRes" in close.reason


def test_a_tolerant_profile_scales_every_message_timeout() -> None:
    seconds, close = _waits(DIN, "CurrentDemandReq", scale=8.0)
    assert seconds == 2.0 and "(2 s) expired" in close.reason  # the reason names what the car really waited
    assert _waits(DIN, "PowerDeliveryReq", scale=8.0)[0] == 16.0  # DIN: 2 s x 8
    assert _waits(ISO2, "PowerDeliveryReq", scale=8.0)[0] == 40.0  # ISO 15118-2: 5 s x 8
