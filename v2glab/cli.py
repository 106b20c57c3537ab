"""The ``v2glab`` command line."""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path
from typing import Sequence

from . import __version__, exi
from .errors import V2GError
from .transport import v2gtp

SCHEMA_CHOICES = ["iso15118-2", "din70121", "app"]

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


def _strip_v2gtp(data: bytes) -> bytes:
    """Accept a whole V2GTP frame as well as a bare EXI payload."""
    if len(data) >= v2gtp.HEADER_LENGTH and data[0] == v2gtp.PROTOCOL_VERSION and data[1] == v2gtp.INVERSE_PROTOCOL_VERSION:
        _header, payload = v2gtp.parse_frame(data)
        return payload
    return data


def cmd_exi_encode(args: argparse.Namespace) -> int:
    for path in args.files:
        message = exi.from_xml(Path(path).read_bytes(), schema=args.schema)
        data = exi.encode(message, validate=not args.no_validate)
        if args.v2gtp:
            data = v2gtp.frame(data)
        print(data.hex().upper())
    return 0


def cmd_exi_decode(args: argparse.Namespace) -> int:
    data = _strip_v2gtp(_read_input(args.hex, args.file))
    schema = args.schema or exi.detect_schema(data)
    print(exi.decode(data, schema).to_xml(), end="")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    message = exi.from_xml(SEED_XML)
    payload = exi.encode(message)
    frame = v2gtp.frame(payload)
    header, _ = v2gtp.parse_frame(frame)
    decoded = exi.decode(payload, "iso15118-2")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="v2glab", description="ISO 15118-2 test lab: EXI codec, SECC and EVCC.")
    parser.add_argument("--version", action="version", version=f"v2glab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="encode the vendor reference's ChargingStatusRes and decode it back")
    demo.set_defaults(func=cmd_demo)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except V2GError as exc:
        print(f"v2glab: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"v2glab: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
