"""Limits of a script run: --timeout, Ctrl-C, runaway waits and sends (issue 12, item 8)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from v2glab import cli
from v2glab.profiles import load_profile
from v2glab.script.runner import EXIT_INTERRUPTED, ScriptRunner
from v2glab.trace import Tracer

from .test_run import cli as cli_args, pair


def run(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    script = tmp_path / "s.lua"
    script.write_text(code)
    rc = cli.main(["run", str(script), "--role", "evcc", "--quiet", *extra])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


@pytest.mark.parametrize("body", ["while true do end", "Sleep(60000)", "while true do pcall(function() while true do end end) end"],
                         ids=["busy", "sleeping", "busy-in-pcall"])
def test_timeout_ends_the_script_as_a_failed_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> None:
    started = time.monotonic()
    rc, out = run(tmp_path, f"local n = 0\n{body}\n", capsys, "--timeout", "0.5")
    assert time.monotonic() - started < 5
    assert rc == 1, out
    assert "FAIL time limit: " in out and "s.lua:2: the script did not finish within 0.5 s (--timeout)" in out, out


def test_timeout_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(tmp_path, "", capsys, "--timeout", "-1")
    assert rc == 2 and "--timeout must be between 0 and 86400" in out


@pytest.mark.parametrize("body", ["while true do end", "Sleep(60000)", "while true do pcall(function() while true do end end) end",
                                  "TestCase('loop', function() while true do end end)"],
                         ids=["busy", "sleeping", "busy-in-pcall", "in-a-test-case"])
def test_ctrl_c_ends_a_running_script_within_a_second(tmp_path: Path, body: str) -> None:
    script = tmp_path / "s.lua"
    script.write_text(f"print('ready')\n{body}\n")
    proc = subprocess.Popen(cli_args("run", str(script), "--role", "evcc", "--quiet"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "ready\n"  # the script runs: Lua is past its first line
        time.sleep(0.1)  # into the loop
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        rc = proc.wait(timeout=5)
        assert time.monotonic() - sent < 1.0
    finally:
        proc.kill()
    err = proc.stderr.read()
    assert rc == EXIT_INTERRUPTED == 130
    assert "s.lua:2: interrupted (Ctrl-C)" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("call", ["Sleep(1e300)", "Evcc.Set_SendDelay(1e300)", "Sleep(-1)", "Sleep(0/0)", "Evcc.Set_SendDelay(math.huge)"])
def test_absurd_waits_are_script_errors_with_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], call: str) -> None:
    rc, out = run(tmp_path, f"\n{call}\n", capsys)
    assert rc == 2, out
    assert "s.lua:2:" in out and "must be between 0 and 86400000" in out and "Traceback" not in out


def test_after_the_peer_resets_a_send_and_check_connection_closed_pass(tmp_path: Path) -> None:
    """A 192 KiB frame makes v2glab's SECC close on the header; the script's check passes, later sends do not raise."""
    big = "01FE8001" + f"{192 * 1024:08X}" + "00" * (192 * 1024)
    script = tmp_path / "reset.lua"
    script.write_text(f"Evcc.Send_RawFrame('{big}')\nEvcc.Check_ConnectionClosed(3000)\nEvcc.Send_SessionSetupReq_001()\nEvcc.Send_SessionSetupReq_001()\n")
    secc, ev = pair(["secc", "--once", "--quiet"], ["run", str(script), "--role", "evcc", "--quiet"])
    assert ev.returncode == 0, ev.stderr
    assert "1 of 1 checks passed" in ev.stderr
    assert "reset.lua:3: Evcc.Send_SessionSetupReq_001: not sent: the connection was" in ev.stderr + ev.stdout or \
        "reset.lua:3: 2 send(s) not sent" in ev.stderr, ev.stderr
    assert "Traceback" not in ev.stderr


def test_ten_thousand_sends_with_no_reads_end_with_the_line(tmp_path: Path) -> None:
    script = tmp_path / "flood.lua"
    script.write_text("local n = 0\nfor i = 1, 10000 do Evcc.Send_SessionSetupReq_001() end\n")
    secc, ev = pair(["secc", "--once", "--quiet"], ["run", str(script), "--role", "evcc", "--quiet"])
    assert "Traceback" not in ev.stderr and "Connection lost" not in ev.stderr
    assert ev.returncode == 0, ev.stderr
    # the SECC answers FAILED_SequenceError to the second request and closes; the rest is not sent, and the run says where
    assert "v2glab run: " in ev.stderr and "flood.lua:2: " in ev.stderr and "send(s) not sent: the connection was" in ev.stderr, ev.stderr


def test_a_peer_that_reads_nothing_stops_the_sender_with_the_line(tmp_path: Path) -> None:
    script = tmp_path / "stall.lua"
    script.write_text("local frame = '01FE8001000000040000000000'\nfor i = 1, 1000000 do\n  Evcc.Send_RawFrame(frame)\nend\n")

    async def main() -> tuple[int, ScriptRunner]:
        server = await asyncio.start_server(lambda r, w: None, "::1", 0)  # accepts and never reads
        port = server.sockets[0].getsockname()[1]
        runner = ScriptRunner("evcc", load_profile("evcc"), Tracer(console=None), host="::1", port=port)
        runner.send_stall = 0.5
        try:
            return await runner.run_async(script), runner
        finally:
            server.close()

    rc, runner = asyncio.run(main())
    assert rc == 2
    assert runner.error is not None and "stall.lua:3: Evcc.Send_RawFrame: the peer has read nothing for 0.5 s" in runner.error


def test_module_and_exit_codes_are_documented() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "130" in readme and "--timeout" in readme and "--allow-unsafe" in readme and "--strict" in readme


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("signals and loopback IPv6 as on Linux")
