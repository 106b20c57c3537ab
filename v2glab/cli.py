"""The ``v2glab`` command line."""

from __future__ import annotations

import argparse
import os
import signal
import string
import sys
from pathlib import Path
from typing import Sequence

import asyncio
import tempfile

from . import __version__, exi
from .errors import V2GError
from . import v2gtp
from .slac import command as slac_command
from .trace import printable

SCHEMA_CHOICES = [s for s in exi.SCHEMAS if s != "xmldsig"]  # xmldsig only for signature fragments

# The vendor reference's ChargingStatusRes (seed page), for `v2glab demo`.
SEED_XML = """<?xml version="1.0" ?>
<s3:V2G_Message xmlns:s1="urn:iso:15118:2:2013:MsgBody" xmlns:s2="urn:iso:15118:2:2013:MsgDataTypes"
    xmlns:s3="urn:iso:15118:2:2013:MsgDef" xmlns:s4="urn:iso:15118:2:2013:MsgHeader">
  <s3:Header><s4:SessionID>634BBE48F628FEE4</s4:SessionID></s3:Header>
  <s3:Body>
    <s1:ChargingStatusRes>
      <s1:ResponseCode>OK</s1:ResponseCode>
      <s1:EVSEID>KR*TC1*ISO1*CHG</s1:EVSEID>
      <s1:SAScheduleTupleID>1</s1:SAScheduleTupleID>
      <s1:EVSEMaxCurrent><s2:Multiplier>-1</s2:Multiplier><s2:Unit>A</s2:Unit><s2:Value>32</s2:Value></s1:EVSEMaxCurrent>
      <s1:ReceiptRequired>false</s1:ReceiptRequired>
      <s1:AC_EVSEStatus>
        <s2:NotificationMaxDelay>0</s2:NotificationMaxDelay>
        <s2:EVSENotification>None</s2:EVSENotification>
        <s2:RCD>false</s2:RCD>
      </s1:AC_EVSEStatus>
    </s1:ChargingStatusRes>
  </s3:Body>
</s3:V2G_Message>
"""


def format_header(header: v2gtp.V2GTPHeader) -> str:
    """The V2GTP header fields as the vendor reference pages show them."""
    return (
        f"Protocol Version  0x{header.version:02X}\n"
        f"Inverse Version   0x{header.inverse:02X}\n"
        f"Payload Type      0x{header.payload_type:04X}\n"
        f"Payload Length    0x{header.payload_length:08X}"
    )


def _read_input(value: str | None, file: Path | None) -> bytes:
    if file is not None:
        raw = file.read_bytes()
        text = raw.decode("ascii", errors="replace").strip()
        if text and all(c in string.hexdigits or c.isspace() for c in text):
            return bytes.fromhex("".join(text.split()))
        return raw
    if value is None:
        raise V2GError("give the EXI as hex, or --file F")
    cleaned = "".join(value.split()).removeprefix("0x")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise V2GError(f"not hexadecimal: {value[:40]!r}") from None


def _strip_v2gtp(data: bytes) -> tuple[bytes, tuple[str, ...] | None]:
    """Accept a whole V2GTP frame as well as a bare EXI payload; a frame's payload type names its schema sets."""
    if len(data) >= v2gtp.HEADER_LENGTH and data[0] == v2gtp.PROTOCOL_VERSION and data[1] == v2gtp.INVERSE_PROTOCOL_VERSION:
        header, payload = v2gtp.parse_frame(data)
        return payload, v2gtp.schemas_for_payload_type(header.payload_type)
    return data, None


def cmd_exi_encode(args: argparse.Namespace) -> int:
    for path in args.files:
        message = exi.from_xml(Path(path).read_bytes(), schema=args.schema)
        data = exi.encode(message, validate=not args.no_validate)
        if args.v2gtp:
            data = v2gtp.frame_message(message, data)  # 0x8001, or the -20 namespace's own type
        print(data.hex().upper())
    return 0


def cmd_exi_decode(args: argparse.Namespace) -> int:
    data, candidates = _strip_v2gtp(_read_input(args.hex, args.file))
    schema = args.schema or exi.detect_schema(data, candidates)
    xml = exi.decode(data, schema).to_xml()
    print(xml, end="")
    if "&#x" in xml:
        print("v2glab: warning: the message holds characters XML does not allow raw (controls or lone surrogates), "
              "shown as character references", file=sys.stderr)
    return 0


def cmd_exi_demo(args: argparse.Namespace) -> int:
    message = exi.from_xml(SEED_XML)
    payload = exi.encode(message)
    frame = v2gtp.frame(payload)
    header, _ = v2gtp.parse_frame(frame)
    decoded = exi.decode(payload, message.schema)
    print("ChargingStatusRes from the vendor reference, encoded by v2glab:\n")
    print(format_header(header))
    print(f"EXI ({len(payload)} bytes)    {payload.hex().upper()}\n")
    print("decoded back:\n")
    print(decoded.to_xml())
    if decoded != message:
        print("round trip FAILED", file=sys.stderr)
        return 1
    print(f"round trip OK: {len(payload)}-byte payload, {len(frame)}-byte V2GTP frame")
    return 0


def _tracer(args: argparse.Namespace):
    from .trace import Tracer

    return Tracer(console=None if getattr(args, "quiet", False) else sys.stdout, log_path=getattr(args, "log", None), status=sys.stderr)


def _capture(args: argparse.Namespace):
    from .capture.pcap import PcapWriter

    return PcapWriter(args.pcap, tls=bool(getattr(args, "tls", False))) if getattr(args, "pcap", None) else None


def _secc_tls(args: argparse.Namespace):
    from .transport.tls import secc_context

    return secc_context(args.pki, verify_vehicle=getattr(args, "mtls", False)) if args.tls else None


def _evcc_tls(args: argparse.Namespace, profile: dict | None = None):
    """TLS for the EV: the versions its protocols run on (ISO 15118-20 alone: TLS 1.3 only)."""
    from .protocols import parse_list
    from .transport.tls import evcc_context

    if not args.tls:
        return None
    versions = sorted({p.tls_version for p in parse_list(profile["protocols"])}) if profile else ["1.2"]
    vehicle = _vehicle_certificate(args.pki) if getattr(args, "mtls", False) else None
    return evcc_context(args.trust or _pki_trust_store(args.pki), versions[0], versions[-1], vehicle)


def _vehicle_certificate(directory: str) -> tuple[str, str, bytes | None]:
    """What the EV presents in mutual TLS: v2glab's vehicle leaf, or in Josev's layout its OEM chain."""
    from .pki import PKIError, load_pki

    try:
        files = load_pki(directory).vehicle_tls
    except PKIError:
        files = None
    if files is None:  # the error then names the file v2glab's layout would have
        return f"{directory}/vehicle_chain.pem", f"{directory}/vehicle_leaf.key", None
    return str(files.chain), str(files.key), files.password


def _pki_trust_store(directory: str) -> str:
    """The EV's TLS trust anchors in a PKI folder of either layout (v2glab's ev_trust/, Josev's V2G root)."""
    from .pki import PKIError, load_pki

    try:
        found = load_pki(directory).trust_store
    except PKIError:
        found = None
    return str(found) if found else f"{directory}/ev_trust"


def cmd_secc(args: argparse.Namespace) -> int:
    from .secc.server import SeccServer

    profile = _profile("secc", args)
    if args.sequence_timeout is not None:
        profile["timers"]["sequence_timeout"] = args.sequence_timeout
    tracer = _tracer(args)
    capture = _capture(args)

    async def main() -> None:
        server = SeccServer(profile, host=args.host, port=args.port, ssl_context=_secc_tls(args), tracer=tracer,
                            interface=args.interface, sdp_port=None if args.no_sdp else args.sdp_port, capture=capture)
        await server.start()
        if args.once:
            await server.session_done.wait()
            await server.close()
            return
        await server.serve_forever()

    try:
        if not slac_command.before_session(args, "evse", profile, tracer, capture):
            return 1
        asyncio.run(main())
    finally:
        if capture is not None:
            capture.close()
    return 0


def cmd_evcc(args: argparse.Namespace) -> int:
    from .evcc.client import run_evcc
    from .profiles import load_profile

    profile = _profile("evcc", args)
    if args.loops is not None:
        profile["charge_loops"] = args.loops
    tracer = _tracer(args)
    capture = _capture(args)
    try:
        if not slac_command.before_session(args, "ev", profile, tracer, capture):
            return 1
        outcome = asyncio.run(run_evcc(profile, args.host, args.port, _evcc_tls(args, profile), tracer, args.interface,
                                       sdp_target=args.sdp_target, sdp_port=args.sdp_port, capture=capture))
    finally:
        if capture is not None:
            capture.close()
    print(printable(f"v2glab evcc: {'session complete' if outcome.ok else 'session FAILED'}: {outcome.reason}"), file=sys.stderr)
    return 0 if outcome.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    """An SECC and an EVCC on loopback, found by SDP (unicast to ::1), one full session."""
    import random

    from .evcc.client import run_evcc
    from .pki import init_pki
    from .profiles import load_profile
    from .secc.server import SeccServer
    from .protocols import parse_list
    from .transport.tls import evcc_context, secc_context

    from .trace import Tracer

    mode = "dc" if args.dc else "ac"
    if args.pnc:  # Plug & Charge over TLS: the car installs a contract, then pays with it (-20: authorizes with PnC)
        args.tls = True
        args.cert_install = "iso15118-20" not in (args.protocol or "")
    tracer = _tracer(args)  # the SECC's view shows every message once
    ev_tracer = Tracer(console=tracer.console, messages=False)
    capture = _capture(args)  # the SECC's view: it sees SDP and every frame of the session

    async def main(pki: str | None) -> tuple[bool, str]:
        sdp_port = random.randint(20000, 40000)
        args.pki = pki
        server = SeccServer(_profile("secc", args, mode), host="::1", ssl_context=secc_context(pki) if pki else None,
                            tracer=tracer, sdp_port=sdp_port, capture=capture)
        await server.start()
        try:
            ev_profile = _profile("evcc", args, mode)
            versions = sorted({p.tls_version for p in parse_list(ev_profile["protocols"])})
            outcome = await run_evcc(ev_profile, ssl_context=evcc_context(f"{pki}/ev_trust", versions[0], versions[-1]) if pki else None,
                                     tracer=ev_tracer, sdp_target="::1", sdp_port=sdp_port)
            await asyncio.wait_for(server.session_done.wait(), 5)
        finally:
            await server.close()
        secc_outcome = server.outcomes[-1] if server.outcomes else None
        ok = outcome.ok and secc_outcome is not None and secc_outcome.ok
        return ok, f"EVCC: {outcome.reason}; SECC: {secc_outcome.reason if secc_outcome else 'no session'}"

    with tempfile.TemporaryDirectory(prefix="v2glab-pki-") as tmp:
        if args.tls:
            init_pki(tmp)
        try:
            ok, summary = asyncio.run(main(tmp if args.tls else None))
        finally:
            if capture is not None:
                capture.close()
    kind = ", TLS, Plug & Charge" if args.pnc else ", TLS" if args.tls else ""
    print(f"\nv2glab demo ({mode.upper()}{kind}): {'PASS' if ok else 'FAIL'}: {summary}")
    return 0 if ok else 1


def cmd_run(args: argparse.Namespace) -> int:
    from .profiles import load_profile
    from .script.runner import ScriptRunner

    script = Path(args.script)
    if not script.is_file():
        raise V2GError(f"script not found: {script}")
    profile = _profile(args.role, args, args.profile or ("dc" if args.dc else "ac"))
    tls = _secc_tls(args) if args.role == "secc" else _evcc_tls(args, profile)
    tracer = _tracer(args)
    tracer.keep_records = bool(args.junit or args.html)
    capture = _capture(args)
    if args.timeout is not None and not 0 < args.timeout <= 86400:
        raise V2GError(f"--timeout must be between 0 and 86400 seconds, got {args.timeout:g}")
    runner = ScriptRunner(args.role, profile, tracer, host=args.host, port=args.port, ssl_context=tls,
                          interface=args.interface, sdp_port=None if args.no_sdp else args.sdp_port, sdp_target=args.sdp_target, capture=capture,
                          strict=args.strict, allow_unsafe=args.allow_unsafe, timeout=args.timeout)
    if args.slac:  # SLAC before the script's session: at its first V2G call, or Slac.Match()
        from .script.slac_api import ScriptSlac

        runner.slac = ScriptSlac(args.role, profile, slac_command.interface(args), args.sim_modem)
        runner.slac.check_link()
    try:
        code = runner.run(script)
    finally:
        if capture is not None:
            capture.close()
    if runner.slac is not None and runner.slac.result is not None:
        print(f"v2glab run: {runner.slac.result.describe()}", file=sys.stderr)
    if args.junit:
        from .report.junit import write_junit

        write_junit(args.junit, script.stem, args.role, runner.cases)
    if args.html:
        from .report.html import write_html

        write_html(args.html, f"{script.name} ({args.role.upper()})", runner.cases, tracer.records)
    for violation in tracer.violations:
        print(f"v2glab run: TIMING {violation}", file=sys.stderr)
    if runner.error:
        print(f"v2glab run: {runner.error}", file=sys.stderr)
    verdicts = runner.session.verdicts
    failed = [v for v in verdicts if not v.passed]
    for v in failed:
        print(f"v2glab run: FAIL {v.name}: {v.detail}", file=sys.stderr)
    if runner.dropped:
        print(f"v2glab run: {runner._dropped_at}: {runner.dropped} send(s) not sent: the connection was {runner.conn.lost}", file=sys.stderr)
    if code not in (2, 130):
        print(f"v2glab run: {len(verdicts) - len(failed)} of {len(verdicts)} checks passed", file=sys.stderr)
    return code


def cmd_test(args: argparse.Namespace) -> int:
    """Run the named test-case library against a charger (``secc``) or a car (``evcc``), one session per case."""
    from . import testcases
    from .protocols import parse_list
    from .report import TestCaseResult
    from .script.runner import ScriptRunner

    # A case speaks one protocol: --protocol names it (the first of a list), else ISO 15118-2.
    chosen = parse_list(args.protocol)[0] if args.protocol else None
    protocol = chosen.name if chosen else testcases.DEFAULT_PROTOCOL
    if args.list:
        for name in [protocol] if args.protocol else testcases.protocols():
            for side in testcases.SIDES:
                for case in testcases.cases(side, args.case, protocol=name):
                    print(f"{case.protocol}  {case.name}  {case.purpose}")
        return 0
    if args.side is None:
        raise V2GError("test: name the side under test (secc or evcc), or --list")
    role = "evcc" if args.side == "secc" else "secc"  # v2glab plays the other side
    dc_only = chosen is not None and "AC" not in chosen.energy  # DIN SPEC 70121: its suite needs a DC profile
    profile = _profile(role, args, args.profile or ("dc" if dc_only else "ac"))
    profile["protocols"] = [protocol]  # offered (EV) or enabled (charger): only the cases' protocol
    if dc_only and testcases.profile_kind(profile) != "DC":
        raise V2GError(f"test: {chosen.title} is DC only: use a DC profile (--profile dc)")
    selected = testcases.cases(args.side, args.case, testcases.profile_kind(profile), protocol)
    if not selected:
        raise V2GError(f"test: no {protocol} case matches {args.case!r}")
    if args.timeout is not None and not 0 < args.timeout <= 86400:
        raise V2GError(f"--timeout must be between 0 and 86400 seconds, got {args.timeout:g}")
    tls = _secc_tls(args) if role == "secc" else _evcc_tls(args, profile)
    capture = _capture(args)
    results: list[TestCaseResult] = []
    records: list[list[dict]] = []  # each case's messages, for --html
    try:
        for case in selected:
            tracer = _tracer(args)
            tracer.keep_records = bool(args.html)
            print(f"v2glab test: {case.name}: {case.purpose}", file=sys.stderr, flush=True)
            runner = ScriptRunner(role, profile, tracer, host=args.host, port=args.port, ssl_context=tls, interface=args.interface,
                                  sdp_port=None if args.no_sdp else args.sdp_port, sdp_target=args.sdp_target, capture=capture,
                                  timeout=args.timeout)
            runner.timing_verdicts = False  # a case's verdict is its checks; the timing oracle's findings are notes
            code = runner.run(case.path)
            result = TestCaseResult(case.name, runner.cases[0].started if runner.cases else 0.0)
            result.duration = sum(c.duration for c in runner.cases)
            result.checks = list(runner.session.verdicts)
            result.violations = runner.counted_violations(tracer.violations)
            result.notes = [f"timing: {v}" for v in tracer.violations]
            result.error = runner.error if code == 2 else None
            results.append(result)
            records.append(tracer.records)
            verdict = "ERROR" if code == 2 else "PASS" if result.passed else "FAIL"
            detail = result.error or "; ".join(result.failures)
            print(printable(f"v2glab test: {verdict} {case.name}" + (f": {detail}" if detail else "")), file=sys.stderr, flush=True)
            if code == 130:
                return 130
    finally:
        if capture is not None:
            capture.close()
    if args.junit:
        from .report.junit import write_junit

        write_junit(args.junit, f"v2glab test {args.side}", args.side, results)
    if args.html:
        from .report.html import write_suite_html

        write_suite_html(args.html, f"test {args.side} --protocol {protocol}", [(r, c.purpose, m) for r, c, m in zip(results, selected, records)])
    passed = sum(1 for r in results if r.passed)
    print(f"v2glab test: {passed} of {len(results)} cases passed", file=sys.stderr)
    return 0 if passed == len(results) else 1


def cmd_api(args: argparse.Namespace) -> int:
    from .script import api, apidoc

    roles = [args.role] if args.role else ["secc", "evcc"]
    schemas = [args.schema] if args.schema else list(api.schemas())
    if args.format == "names":
        for role in roles:
            for name in apidoc.names(role, schemas):
                print(name)
    else:
        print(apidoc.markdown(roles, schemas), end="")
    return 0


def cmd_pcap_show(args: argparse.Namespace) -> int:
    from .capture import show as capture_show

    capture = capture_show.read(args.file, args.keylog)
    if args.format == "json":
        print(capture_show.to_json(capture, xml=not args.no_xml))
    elif args.format == "junit":
        capture_show.write_junit(capture, args.output or "/dev/stdout")
    else:
        from .capture.homeplug import show_mmes

        tracer = _tracer(args)
        tracer.show_xml = not args.no_xml
        try:
            show_mmes(args.file, tracer)  # SLAC and other HomePlug MMEs first: they come before SDP
        except Exception as exc:  # noqa: BLE001 - a damaged file: the V2G reader below reports the damage
            tracer.note("HomePlug", f"management messages not read: {type(exc).__name__}: {exc}")
        capture_show.show(capture, tracer)
    if args.html:
        from .report.html import write_capture_html

        write_capture_html(args.html, capture)
    frames = [f for f in capture.frames if f.kind != "note"]
    bad = [f for f in frames if f.error and f.kind == "v2gtp"]
    violations = sum(len(s.violations) for s in capture.sessions)
    counts = f"{len(frames)} frames, {len(bad)} that did not decode, {len(capture.sessions)} session(s), {violations} violation(s)"
    if capture.damage:  # one line: what is wrong, and what was shown from before the damage
        print(f"v2glab: error: {args.file}: {capture.damage}; shown before it: {counts}", file=sys.stderr)
        return 2
    print(f"v2glab pcap show: {counts}", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from .capture.replay import ReplayResult, mimic, replay_evcc, replay_secc
    from .transport import sdp

    tracer = _tracer(args)
    if args.mimic and args.role != "evcc":
        raise V2GError("--mimic derives a charger from the capture: it goes with --role evcc")

    async def main() -> ReplayResult:
        if args.role == "evcc" and args.mimic:
            from .profiles import load_profile, merge
            from .secc.server import SeccServer

            try:
                base, override = mimic(args.file, args.keylog)
            except ValueError as exc:
                raise V2GError(str(exc)) from None
            profile = merge(load_profile("secc", base), override, "secc")
            tracer.note("SECC", f"v2glab's SECC with the charger profile of the capture: base {base!r}, {override}")
            server = SeccServer(profile, host="::1", port=None, ssl_context=_secc_tls(args), tracer=tracer, sdp_port=None)
            await server.start()
            try:
                return await replay_evcc(args.file, "::1", server.port, tracer, _evcc_tls(args), keylog=args.keylog)
            finally:
                await server.close()
        if args.role == "evcc":
            host, port = args.host, args.port
            if host is None or port is None:
                found = await sdp.discover(sdp.SECURITY_TLS if args.tls else sdp.SECURITY_NONE, args.interface, args.sdp_target, args.sdp_port)
                host, port = found.address, found.port
            return await replay_evcc(args.file, host, port, tracer, _evcc_tls(args), keylog=args.keylog)
        return await replay_secc(args.file, args.host or "::", args.port if args.port is not None else 61851, tracer, _secc_tls(args), keylog=args.keylog)

    try:
        result = asyncio.run(main())
    except ValueError as exc:
        raise V2GError(str(exc)) from None
    other = "SECC" if args.role == "evcc" else "EVCC"
    if result.identical:
        print(f"v2glab replay: same sequence and content: the live {other} sent the {len(result.live)} recorded messages in order", file=sys.stderr)
        return 0
    if result.expected == result.live and not result.reason:
        print(f"v2glab replay: DIFFERENT content, same sequence: {result.content}", file=sys.stderr)
        return 1
    diverged = next((i for i, (a, b) in enumerate(zip(result.expected, result.live)) if a != b), min(len(result.expected), len(result.live)))
    print(f"v2glab replay: DIFFERENT: message {diverged + 1} of the live {other}: recorded "
          f"{result.expected[diverged] if diverged < len(result.expected) else '(nothing)'}, live "
          f"{result.live[diverged] if diverged < len(result.live) else '(nothing)'}" + (f"; {result.reason}" if result.reason else "")
          + (f"; before that, {result.content}" if result.content else ""), file=sys.stderr)
    return 1


def cmd_pki_init(args: argparse.Namespace) -> int:
    from .pki import init_pki

    for path in init_pki(args.directory, args.secc_id, args.emaid):
        print(path)
    return 0


def _profile(role: str, args: argparse.Namespace, name: str | None = None) -> dict:
    """The role's profile, with ``--protocol`` (a comma-separated list in priority order) applied."""
    from .profiles import load_profile
    from .protocols import parse_list

    profile = load_profile(role, name if name is not None else args.profile)
    if getattr(args, "protocol", None):
        profile["protocols"] = [p.name for p in parse_list(args.protocol)]
    _plug_and_charge(role, args, profile)
    return profile


def _plug_and_charge(role: str, args: argparse.Namespace, profile: dict) -> None:
    """--pnc (with --tls), --cert-install, --cert-update and --pki into the profile's pnc table."""
    install, update = getattr(args, "cert_install", False), getattr(args, "cert_update", False)
    if not getattr(args, "pnc", False):
        if install or update:
            raise V2GError("--cert-install and --cert-update need --pnc")
        return
    if not getattr(args, "tls", False):
        # Contract is offered and used only over TLS (Josev, EVerest: "PnC is not allowed without TLS")
        raise V2GError("--pnc needs --tls: Plug & Charge runs only over TLS")
    if install and update:
        raise V2GError("--cert-install and --cert-update exclude each other")
    profile["pnc"]["pki"] = args.pki
    if role == "secc":
        profile["pnc"]["enabled"] = True
    else:
        profile["payment_option"] = "Contract"
        profile["pnc"]["cert_install"] = install
        profile["pnc"]["cert_update"] = update


PROTOCOL_HELP = ("comma-separated protocols in priority order, e.g. din70121,iso15118-2 "
                 "(EVCC: offered; SECC: enabled; default: the profile's 'protocols')")


def _add_network(p: argparse.ArgumentParser, role: str) -> None:
    p.add_argument("--profile", help="built-in 'ac' or 'dc', or a TOML file (default: ac)")
    p.add_argument("--protocol", metavar="LIST", help=PROTOCOL_HELP)
    p.add_argument("--interface", metavar="IFACE", help="network interface: link-local IPv6 and SDP multicast on it")
    p.add_argument("--tls", action="store_true", help="TLS: 1.2 for ISO 15118-2 and DIN, 1.3 for ISO 15118-20")
    p.add_argument("--mtls", action="store_true", help="with --tls: mutual TLS (the vehicle certificate of PKI)")
    p.add_argument("--pki", default="pki", help="PKI folder: made by `v2glab pki init`, or the PKI_PATH of Josev's create_certs.sh (default: ./pki)")
    p.add_argument("--sdp-port", type=int, default=15118, help="UDP port of SDP (default 15118)")
    p.add_argument("--log", metavar="FILE", help="also write the trace as JSON lines, with the raw hex")
    p.add_argument("--pcap", metavar="FILE", help="write every frame (SDP and V2GTP) to a pcapng capture")
    p.add_argument("--quiet", action="store_true", help="no trace on the console")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="v2glab", description="ISO 15118-2 test lab: EXI codec, SECC and EVCC.")
    parser.add_argument("--version", action="version", version=f"v2glab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run an SECC and an EVCC on loopback through a full charging session")
    demo.add_argument("--dc", action="store_true", help="a DC session (default AC)")
    demo.add_argument("--protocol", metavar="LIST", help=PROTOCOL_HELP)
    demo.add_argument("--tls", action="store_true", help="over TLS, with a freshly generated test PKI")
    demo.add_argument("--pnc", action="store_true", help="Plug & Charge: TLS, the car installs a contract and authorizes with it")
    demo.add_argument("--log", metavar="FILE", help="also write the trace as JSON lines")
    demo.add_argument("--pcap", metavar="FILE", help="write the session (the SECC's view) to a pcapng capture")
    demo.add_argument("--quiet", action="store_true", help="no trace on the console")
    demo.set_defaults(func=cmd_demo)

    secc = sub.add_parser("secc", help="serve as a charging station (SECC)")
    _add_network(secc, "secc")
    secc.add_argument("--host", default="::", help="address to listen on (default ::)")
    secc.add_argument("--port", type=int, help="TCP port (default: random in 49152-65535; 0: any free port, printed on stderr)")
    secc.add_argument("--no-sdp", action="store_true", help="do not answer SDP")
    secc.add_argument("--sequence-timeout", type=float, help="seconds to wait for the next request (default 60)")
    secc.add_argument("--once", action="store_true", help="exit after the first session")
    secc.add_argument("--pnc", action="store_true", help="Plug & Charge (needs --tls): -2 offers Contract and the certificate service, -20 offers PnC authorization")
    slac_command.add_options(secc)
    secc.set_defaults(func=cmd_secc)

    evcc = sub.add_parser("evcc", help="run one charging session as an EV (EVCC)")
    _add_network(evcc, "evcc")
    evcc.add_argument("--host", help="SECC address; without it the SECC is found by SDP")
    evcc.add_argument("--port", type=int, help="SECC TCP port")
    evcc.add_argument("--sdp-target", default="ff02::1", help="where SDP requests go (default ff02::1)")
    evcc.add_argument("--trust", help="EV trust store: a PEM file or folder (default PKI/ev_trust)")
    evcc.add_argument("--loops", type=int, help="charge-loop requests before stopping")
    evcc.add_argument("--pnc", action="store_true", help="Plug & Charge (needs --tls): pay (-2) or authorize (-20 PnC) with the PKI's contract")
    evcc.add_argument("--cert-install", action="store_true", help="with --pnc: install a contract certificate first (CertificateInstallation; ISO 15118-2 only)")
    evcc.add_argument("--cert-update", action="store_true", help="with --pnc: renew the PKI's contract certificate first (CertificateUpdate; ISO 15118-2 only)")
    slac_command.add_options(evcc)
    evcc.set_defaults(func=cmd_evcc)

    slac_command.add_command(sub)

    run = sub.add_parser("run", help="run a Lua script that plays the SECC or the EVCC")
    run.add_argument("script", metavar="SCRIPT.lua")
    run.add_argument("--role", choices=["secc", "evcc"], required=True)
    _add_network(run, "run")
    run.add_argument("--dc", action="store_true", help="use the built-in DC profile (same as --profile dc)")
    run.add_argument("--host", help="SECC: address to listen on; EVCC: SECC address (else SDP)")
    run.add_argument("--port", type=int, help="SECC: TCP port (default random 49152-65535; 0: any free port, printed on stderr); EVCC: SECC port")
    run.add_argument("--no-sdp", action="store_true", help="SECC: do not answer SDP")
    run.add_argument("--sdp-target", default="ff02::1", help="EVCC: where SDP requests go")
    run.add_argument("--trust", help="EVCC trust store (default PKI/ev_trust)")
    run.add_argument("--pnc", action="store_true", help="Plug & Charge (ISO 15118-2, needs --tls): SECC offers Contract, EVCC pays with the PKI's contract")
    run.add_argument("--cert-install", action="store_true", help="EVCC, with --pnc: install a contract certificate first")
    run.add_argument("--cert-update", action="store_true", help="EVCC, with --pnc: renew the PKI's contract certificate first")
    run.add_argument("--junit", metavar="FILE", help="write the verdicts as JUnit XML")
    run.add_argument("--html", metavar="FILE", help="write an HTML report: verdicts and the message sequence")
    run.add_argument("--strict", action="store_true", help="the script plays every message; the engine plays none (negative tests)")
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="end the script after SECONDS: a failed verdict, exit 1")
    run.add_argument("--allow-unsafe", action="store_true", help="no sandbox: the whole Lua standard library (io, os, require, debug)")
    slac_command.add_options(run)
    run.set_defaults(func=cmd_run)

    test = sub.add_parser("test", help="run the named test-case library against a charger (secc) or a car (evcc)")
    test.add_argument("side", nargs="?", choices=["secc", "evcc"], help="the side under test: secc (v2glab plays the EV) or evcc (v2glab plays the charger)")
    test.add_argument("--list", action="store_true", help="list every case with its purpose")
    test.add_argument("--case", metavar="GLOB", help="only the cases whose name matches GLOB (e.g. 'TC_SECC_DC_*')")
    test.add_argument("--host", help="secc: the charger's address (else SDP); evcc: address to listen on")
    test.add_argument("--port", type=int, help="secc: the charger's port; evcc: TCP port to listen on (0: any free port, printed on stderr)")
    test.add_argument("--no-sdp", action="store_true", help="evcc: do not answer SDP")
    test.add_argument("--sdp-target", default="ff02::1", help="secc: where SDP requests go")
    test.add_argument("--trust", help="secc: EV trust store (default PKI/ev_trust)")
    test.add_argument("--junit", metavar="FILE", help="write a JUnit XML report: one test case per case")
    test.add_argument("--html", metavar="FILE", help="write an HTML report: per case its verdict, checks, timing violations and messages")
    test.add_argument("--timeout", type=float, metavar="SECONDS", help="end each case after SECONDS (a failed case)")
    _add_network(test, "evcc")
    test.set_defaults(func=cmd_test)

    api_parser = sub.add_parser("api", help="list the generated Lua API")
    api_parser.add_argument("--role", choices=["secc", "evcc"])
    api_parser.add_argument("--schema", choices=SCHEMA_CHOICES, help="a protocol, or 'app' (the handshake); default: all")
    api_parser.add_argument("--format", choices=["names", "markdown"], default="names")
    api_parser.set_defaults(func=cmd_api)

    pcap = sub.add_parser("pcap", help="read captures")
    pcap_sub = pcap.add_subparsers(dest="pcap_command", required=True)
    pcap_show = pcap_sub.add_parser("show", help="decode a pcap/pcapng capture into the engines' trace")
    pcap_show.add_argument("file")
    pcap_show.add_argument("--log", metavar="FILE", help="also write the trace as JSON lines")
    pcap_show.add_argument("--keylog", metavar="KEYS", help="NSS key log file (SSLKEYLOGFILE) to decrypt TLS")
    pcap_show.add_argument("--format", choices=["text", "json", "junit"], default="text", help="text trace (default), one JSON document, or JUnit XML (a test case per session)")
    pcap_show.add_argument("--output", "-o", metavar="FILE", help="junit: write to FILE instead of stdout")
    pcap_show.add_argument("--html", metavar="FILE", help="also write an HTML report with charts")
    pcap_show.add_argument("--no-xml", action="store_true", help="leave the XML of each message out")
    pcap_show.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    pcap_show.set_defaults(func=cmd_pcap_show)

    replay = sub.add_parser("replay", help="play one side of a recorded session against a live engine")
    replay.add_argument("file", metavar="FILE.pcap")
    replay.add_argument("--role", choices=["secc", "evcc"], required=True, help="the recorded side to play")
    _add_network(replay, "replay")
    replay.add_argument("--host", help="evcc: the live SECC (else SDP); secc: address to listen on")
    replay.add_argument("--port", type=int, help="evcc: the live SECC's port; secc: port to listen on (default 61851; 0: any free port, printed on stderr)")
    replay.add_argument("--sdp-target", default="ff02::1")
    replay.add_argument("--trust", help="EV trust store for --tls")
    replay.add_argument("--keylog", metavar="KEYS", help="NSS key log to decrypt a TLS capture")
    replay.add_argument("--mimic", action="store_true", help="evcc: replay against v2glab's own SECC, its profile derived from the capture's charger")
    replay.set_defaults(func=cmd_replay)

    pki = sub.add_parser("pki", help="test certificates")
    pki_sub = pki.add_subparsers(dest="pki_command", required=True)
    pki_init = pki_sub.add_parser("init", help="write the ISO 15118-2 test PKI: V2G/CPO/CPS, OEM and MO chains, the EV trust store")
    pki_init.add_argument("directory")
    pki_init.add_argument("--secc-id", default="DEV2GE12345", help="common name of the SECC leaf")
    pki_init.add_argument("--emaid", default="DEV2GC000000001", help="eMAID, the common name of the contract leaf (14-15 characters)")
    pki_init.set_defaults(func=cmd_pki_init)

    exi_parser = sub.add_parser("exi", help="encode and decode EXI messages")
    exi_sub = exi_parser.add_subparsers(dest="exi_command", required=True)
    enc = exi_sub.add_parser("encode", help="XML files -> EXI hex, one line per file")
    enc.add_argument("files", nargs="+", metavar="FILE.xml")
    enc.add_argument("--schema", choices=SCHEMA_CHOICES, help="default: from the root element's namespace")
    enc.add_argument("--v2gtp", action="store_true", help="prefix each with its V2GTP header")
    enc.add_argument("--no-validate", action="store_true", help="skip facet checks (send invalid values on purpose)")
    enc.set_defaults(func=cmd_exi_encode)
    dec = exi_sub.add_parser("decode", help="EXI (hex, or a V2GTP frame) -> XML")
    dec.add_argument("hex", nargs="?", metavar="HEX")
    dec.add_argument("--file", type=Path, help="file holding hex text or raw bytes")
    dec.add_argument("--schema", choices=SCHEMA_CHOICES, help="default: detected from the first bits")
    dec.set_defaults(func=cmd_exi_decode)
    exi_demo = exi_sub.add_parser("demo", help="encode the vendor reference's ChargingStatusRes and decode it back")
    exi_demo.set_defaults(func=cmd_exi_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A peer's string may hold a lone surrogate, which no UTF-8 console can take: whatever
    # still reaches print() raw comes out as a backslash escape instead of a traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except V2GError as exc:
        print(printable(f"v2glab: error: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # before OSError, of which it is one
        # whoever read our output went away (`v2glab test --list | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except OSError as exc:
        print(printable(f"v2glab: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
