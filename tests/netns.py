"""Two network namespaces joined by a veth pair: the test hosts of the interop and SLAC tests.

Each gets a unique name, so test runs and helpers never collide; the namespaces go away
when the context ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest


def need(missing: str | None, what: str) -> None:
    """A prerequisite of ``what`` is ``missing`` (None: nothing is): outside CI the test skips; in CI
    (CI=true) it fails, since these tests must run there."""
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} cannot run in CI: {missing}")
        pytest.skip(missing)


def namespaces_missing() -> str | None:
    """Why network namespaces cannot be made here, or None."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return "network namespaces and raw sockets need root and iproute2"
    return None


def _ip(*args: str, ns: str | None = None) -> None:
    subprocess.run((["ip", "netns", "exec", ns] if ns else []) + list(args), check=True, capture_output=True)


@contextmanager
def veth_pair(prefix: str) -> Iterator[tuple[str, str, str, str]]:
    """(first namespace, second namespace, first interface, second interface), up, fe80:: usable."""
    tag = uuid.uuid4().hex[:6]
    a_ns, b_ns, a_if, b_if = f"{prefix}-s-{tag}", f"{prefix}-e-{tag}", f"{prefix[0]}s{tag}", f"{prefix[0]}e{tag}"
    _ip("ip", "netns", "add", a_ns)
    _ip("ip", "netns", "add", b_ns)
    try:
        _ip("ip", "link", "add", a_if, "type", "veth", "peer", "name", b_if)
        _ip("ip", "link", "set", a_if, "netns", a_ns)
        _ip("ip", "link", "set", b_if, "netns", b_ns)
        for ns, iface in ((a_ns, a_if), (b_ns, b_if)):
            # no duplicate address detection: the fe80:: address is usable at once (SDP, Josev)
            _ip("sysctl", "-qw", f"net.ipv6.conf.{iface}.accept_dad=0", ns=ns)
            _ip("ip", "link", "set", "lo", "up", ns=ns)
            _ip("ip", "link", "set", iface, "up", ns=ns)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # polls the address, not a server
            out = subprocess.run(["ip", "netns", "exec", a_ns, "ip", "-6", "addr", "show", "dev", a_if], capture_output=True, text=True).stdout
            if "fe80::" in out and "tentative" not in out:
                break
            time.sleep(0.1)
        yield a_ns, b_ns, a_if, b_if
    finally:
        for ns in (a_ns, b_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
