"""The simulated Green PHY modem: answers its host's CM_SET_KEY.REQ, reports each sound it hears."""

from __future__ import annotations

from v2glab.slac.messages import MODEM_LOCAL, build, parse
from v2glab.slac.modem import SimulatedModem

HOST, PEER = "02:00:00:00:00:05", "02:00:00:00:00:0e"


def test_set_key_is_answered_to_the_host_and_not_sent_on_the_line() -> None:
    modem = SimulatedModem(HOST, attenuation=20)
    req = build("CM_SET_KEY.REQ", HOST, MODEM_LOCAL, KeyType=1, MyNonce=1234, PID=4, NetworkID=b"NID4567", NewKey=b"N" * 16)
    line, host = modem.from_host(req.frame)
    assert line == [] and len(host) == 1
    cnf = parse(host[0])
    assert cnf.name == "CM_SET_KEY.CNF" and cnf.dst == HOST and cnf.src == modem.mac
    assert cnf.fields["Result"] == 0 and cnf.fields["YourNonce"] == 1234
    assert (modem.nid, modem.nmk) == (b"NID4567", b"N" * 16)


def test_a_sound_from_the_line_comes_with_an_attenuation_profile() -> None:
    modem = SimulatedModem(HOST, attenuation=33.4)
    sound = build("CM_MNBC_SOUND.IND", PEER, "ff:ff:ff:ff:ff:ff", Countdown=9, RunID=b"12345678")
    delivered = modem.from_line(sound.frame)
    assert delivered[0] == sound.frame
    profile = parse(delivered[1])
    assert profile.name == "CM_ATTEN_PROFILE.IND" and profile.fields["EVMACAddress"] == PEER
    assert profile.fields["Groups"] == [33] * 58


def test_everything_else_passes_through() -> None:
    modem = SimulatedModem(HOST, attenuation=20)
    req = build("CM_SLAC_PARM.REQ", HOST, "ff:ff:ff:ff:ff:ff", RunID=b"12345678")
    assert modem.from_host(req.frame) == ([req.frame], [])
    assert modem.from_line(b"\x00" * 14) == [b"\x00" * 14]
