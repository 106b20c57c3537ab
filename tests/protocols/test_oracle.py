"""The timing oracle, fed by hand: no clock, no network."""

from __future__ import annotations

from v2glab.protocols import get
from v2glab.protocols.oracle import TimingOracle

ISO2 = get("iso15118-2")


def test_current_demand_res_later_than_25_ms() -> None:
    oracle = TimingOracle(ISO2)
    assert oracle.observe(10.000, "EVCC", "CurrentDemandReq") == []
    (late,) = oracle.observe(10.040, "SECC", "CurrentDemandRes", {"ResponseCode": "OK"})
    assert late.message == "CurrentDemandRes" and late.limit == "V2G_SECC_Msg_Performance_Time" and late.limit_s == 0.025
    assert "40.0 ms, limit 25 ms" in str(late) and "15.0 ms late" in str(late)


def test_within_the_limits_nothing_is_flagged() -> None:
    oracle = TimingOracle(ISO2)
    for t, sender, name in [(0, "EVCC", "SessionSetupReq"), (1.4, "SECC", "SessionSetupRes"), (2.0, "EVCC", "CurrentDemandReq"), (2.02, "SECC", "CurrentDemandRes"),
                            (3.0, "EVCC", "PowerDeliveryReq"), (7.0, "SECC", "PowerDeliveryRes")]:
        assert oracle.observe(t, sender, name, {}) == []


def test_slower_than_the_ev_waits() -> None:
    oracle = TimingOracle(ISO2)
    oracle.observe(0, "EVCC", "ChargingStatusReq")
    limits = {v.limit for v in oracle.observe(2.5, "SECC", "ChargingStatusRes", {})}
    assert limits == {"V2G_SECC_Msg_Performance_Time", "V2G_EVCC_Msg_Timeout"}


def test_sequence_timeout_between_response_and_next_request() -> None:
    oracle = TimingOracle(ISO2)
    oracle.observe(0, "EVCC", "SessionSetupReq")
    oracle.observe(0.1, "SECC", "SessionSetupRes", {})
    (late,) = oracle.observe(61, "EVCC", "ServiceDiscoveryReq")
    assert late.limit == "V2G_SECC_Sequence_Timeout" and "[V2G2-443]" in str(late)


def test_ongoing_for_more_than_55_s() -> None:
    oracle = TimingOracle(ISO2)
    t = 0.0
    flagged = []
    while t < 60:
        oracle.observe(t, "EVCC", "AuthorizationReq")
        flagged += oracle.observe(t + 0.1, "SECC", "AuthorizationRes", {"EVSEProcessing": "Ongoing_WaitingForCustomerInteraction"})
        t += 2
    assert flagged and all(v.limit == "V2G_SECC_Ongoing_Performance_Time" for v in flagged)
    assert flagged[0].measured_s > 55
    oracle.observe(t, "EVCC", "AuthorizationReq")
    assert oracle.observe(t + 0.1, "SECC", "AuthorizationRes", {"EVSEProcessing": "Finished"}) == []
