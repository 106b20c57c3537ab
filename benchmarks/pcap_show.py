"""`pcap show` speed: V2GTP frames per second on the largest shared capture.

    python benchmarks/pcap_show.py [--runs 5] [--file CAPTURE]

Three figures, each the median of --runs whole passes over the file:
* decoded: read, reassemble, decode every frame, build the sessions (no printing);
* text with XML: the same, then the trace with every message's XML into a discarded stream;
* text without XML: the trace with header lines only (--no-xml).
Goal: >= 10,000 frames/s decoded.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from v2glab.capture.show import read, show
from v2glab.trace import Tracer

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "captures"


def largest() -> Path:
    return max((p for p in SHARED.iterdir() if p.suffix in (".pcap", ".pcapng")), key=lambda p: p.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()
    path = args.file or largest()
    frames = sum(1 for f in read(str(path)).frames if f.kind == "v2gtp")
    print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, {frames} V2GTP frames; median of {args.runs} runs")

    def timed(print_trace: bool, xml: bool) -> float:
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            capture = read(str(path))
            if print_trace:
                tracer = Tracer(console=io.StringIO(), show_xml=xml)
                show(capture, tracer)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    for label, print_trace, xml in (("decoded, no printing", False, False), ("text trace with XML", True, True), ("text trace without XML", True, False)):
        seconds = timed(print_trace, xml)
        print(f"  {label:24s} {seconds * 1000:8.1f} ms  {frames / seconds:10,.0f} frames/s")


if __name__ == "__main__":
    main()
