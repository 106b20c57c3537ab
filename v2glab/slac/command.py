"""The command-line side of SLAC: `--slac` for `v2glab secc|evcc`, and `v2glab slac ev|evse`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from ..errors import V2GError

if TYPE_CHECKING:  # scapy loads only when SLAC runs
    from .session import SlacResult

PROFILE_ROLE = {"ev": "evcc", "evse": "secc"}


def add_options(parser: argparse.ArgumentParser) -> None:
    """`--slac` and `--sim-modem` for the secc, evcc and run commands."""
    parser.add_argument("--slac", action="store_true", help="match the PLC modems with SLAC (ISO 15118-3) on --interface first; needs root")
    parser.add_argument("--sim-modem", action="store_true", help="simulate the Green PHY modem (veth pairs, CI) instead of a real one")


def interface(args: argparse.Namespace) -> str:
    """The interface SLAC runs on: ``--interface``, which it needs."""
    if not args.interface:
        raise V2GError("SLAC needs --interface (the Ethernet port of the Green PHY modem, or a veth with --sim-modem)")
    return args.interface


def run(args: argparse.Namespace, role: str, profile: dict[str, Any], tracer: Any = None, capture: Any = None) -> SlacResult:
    """Run SLAC as ``role`` ('ev' or 'evse') with the profile's ``slac`` table."""
    interface(args)
    from .link import run_slac
    from .session import SlacConfig

    config = SlacConfig.from_profile(profile["slac"], PROFILE_ROLE[role])
    return asyncio.run(run_slac(role, config, args.interface, tracer, capture, simulate_modem=args.sim_modem))


def before_session(args: argparse.Namespace, role: str, profile: dict[str, Any], tracer: Any, capture: Any) -> bool:
    """`--slac`: SLAC before SDP and the session. False (reported on stderr) when it failed."""
    if not getattr(args, "slac", False):
        return True
    result = run(args, role, profile, tracer, capture)
    print(f"v2glab {PROFILE_ROLE[role]}: {result.describe()}", file=sys.stderr)
    return result.ok


def add_command(sub: Any) -> None:
    """`v2glab slac ev|evse --interface IF`: SLAC alone."""
    slac = sub.add_parser("slac", help="match with SLAC (ISO 15118-3) alone, as the EV or the EVSE; needs root")
    slac.add_argument("role", choices=["ev", "evse"])
    slac.add_argument("--interface", metavar="IFACE", required=True, help="the Ethernet port of the Green PHY modem")
    slac.add_argument("--profile", help="built-in 'ac' or 'dc', or a TOML file: its [secc.slac] / [evcc.slac] table")
    slac.add_argument("--sim-modem", action="store_true", help="simulate the Green PHY modem (veth pairs, CI)")
    slac.add_argument("--log", metavar="FILE", help="also write the trace as JSON lines, with the raw hex")
    slac.add_argument("--pcap", metavar="FILE", help="write every SLAC frame to a pcapng capture")
    slac.add_argument("--quiet", action="store_true", help="no trace on the console")
    slac.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..profiles import load_profile
    from ..trace import Tracer

    profile = load_profile(PROFILE_ROLE[args.role], args.profile)
    tracer = Tracer(console=None if args.quiet else sys.stdout, log_path=args.log)
    capture = None
    if args.pcap:
        from ..capture.pcap import PcapWriter

        capture = PcapWriter(args.pcap)
    try:
        result = run(args, args.role, profile, tracer, capture)
    finally:
        if capture is not None:
            capture.close()
        tracer.close()
    if not result.ok:
        print(f"v2glab slac: {result.describe()}", file=sys.stderr)
        return 1
    print(result.describe())
    print(f"  NID {result.nid.hex().upper()}  NMK {result.nmk.hex().upper()}  peer MAC {result.peer_mac}  RunID {result.run_id.hex().upper()}")
    if result.attenuation is not None:
        print(f"  attenuation {result.attenuation:.1f} dB average over the groups, {result.sounds} sounds")
    return 0
