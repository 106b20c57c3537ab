"""Start a v2glab command that serves (``secc``, ``run --role secc``) for a benchmark, ready to take cars."""

from __future__ import annotations

import re
import subprocess
import sys
import threading

LISTENING = re.compile(r"listening on (?:TCP|TLS) \[.*\]:(\d+)$")


def start_secc(args: list[str], prefix: list[str] | None = None, wait: float = 30.0) -> tuple[subprocess.Popen, int]:
    """Run ``v2glab ARGS --port 0`` and return it with the port it reports listening on: readiness,
    not a sleep. ``prefix`` goes before the interpreter (e.g. ``taskset -c 0``)."""
    proc = subprocess.Popen([*(prefix or []), sys.executable, "-m", "v2glab.cli", *args, "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    found: list[int] = []
    ready = threading.Event()

    def read() -> None:  # up to the readiness line, then drain so a chatty server never blocks on a full pipe
        for line in proc.stderr:
            match = LISTENING.search(line.rstrip())
            if match and not found:
                found.append(int(match.group(1)))
                ready.set()
            elif not found:
                sys.stderr.write(line)
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    ready.wait(wait)
    if not found:
        proc.kill()
        raise SystemExit(f"v2glab {' '.join(args)} did not report a listening port within {wait:g} s")
    return proc, found[0]
