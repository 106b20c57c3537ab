"""The SLAC hosts of the namespace tests: two network namespaces joined by a veth pair (`tests/netns.py`),
v2glab started in each, and its output read until a line says it is ready (never a fixed sleep).

Needs root (AF_PACKET, namespaces); outside CI the tests skip without it, in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from ..netns import namespaces_missing, need, veth_pair

READY = "waiting for CM_SLAC_PARM.REQ"  # the EVSE's trace note once its modem holds the key


@pytest.fixture(scope="module")
def link():
    """The two hosts: namespaces, interfaces and their MAC addresses."""
    need(namespaces_missing(), "SLAC link tests")
    with veth_pair("slac") as (evse_ns, ev_ns, evse_if, ev_if):
        macs = {iface: subprocess.run(["ip", "netns", "exec", ns, "cat", f"/sys/class/net/{iface}/address"], capture_output=True, text=True).stdout.strip()
                for ns, iface in ((evse_ns, evse_if), (ev_ns, ev_if))}
        yield {"evse_ns": evse_ns, "ev_ns": ev_ns, "evse_if": evse_if, "ev_if": ev_if, "evse_mac": macs[evse_if], "ev_mac": macs[ev_if]}


def start_until(ns: str, args: list[str], ready: str, timeout: float = 20.0) -> tuple[subprocess.Popen, str]:
    """Start v2glab in ``ns`` and return once ``ready`` appeared in its output (never a fixed sleep)."""
    proc = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-m", "v2glab.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = ""
    deadline = time.monotonic() + timeout
    while ready not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            proc.kill()
            pytest.fail(f"not ready within {timeout} s: {seen[-2000:]}")
        chunk = os.read(proc.stdout.fileno(), 65536)  # unbuffered: select() sees all that is left
        if not chunk:
            pytest.fail(f"exited before it was ready ({proc.wait()}): {seen[-2000:]}")
        seen += chunk.decode(errors="replace")
    return proc, seen


def run_in(ns: str, args: list[str], timeout: float = 60.0) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-m", "v2glab.cli", *args], capture_output=True, text=True, timeout=timeout)


def finish(proc: subprocess.Popen, head: str, timeout: float = 30.0) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return -9, head + out.decode(errors="replace")
    return proc.returncode, head + out.decode(errors="replace")
