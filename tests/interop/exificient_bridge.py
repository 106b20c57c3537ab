"""Run inside Josev's venv: EXIficient (Josev's EXICodec.jar) decodes and encodes for our tests.

Reads one JSON request per line on stdin and writes one JSON answer per line:
  {"op": "decode", "namespace": NS, "hex": EXI}   -> {"json": JSON, "hex": EXI re-encoded from JSON}
  {"op": "encode", "namespace": NS, "json": JSON} -> {"hex": EXI}
A root that is not a global element is encoded as a fragment (as Josev signs -20 elements).
Failures come back as {"error": text}. One JVM serves every request until stdin ends.
"""

import json
import sys

from iso15118.shared.exificient_exi_codec import ExificientEXICodec


def main() -> None:
    codec = ExificientEXICodec()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "decode":
                decoded = codec.decode(bytes.fromhex(request["hex"]), request["namespace"])
                again = bytes(codec.encode(decoded, request["namespace"]))
                answer = {"json": json.loads(decoded), "hex": again.hex()}
            else:
                answer = {"hex": bytes(codec.encode(json.dumps(request["json"]), request["namespace"])).hex()}
        except Exception as exc:  # the peer's own error text is the answer
            answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
