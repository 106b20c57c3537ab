"""The script sandbox: what a script may use, what stops it (exit 2, file:line, the blocked name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from v2glab import cli

BLOCKED = [
    # (a line of Lua, the name the error must give)
    ("os.execute('true')", "os.execute"),
    ("os.exit(0)", "os.exit"),
    ("os.remove('x')", "os.remove"),
    ("os.rename('x', 'y')", "os.rename"),
    ("os.getenv('HOME')", "os.getenv"),
    ("os.tmpname()", "os.tmpname"),
    ("io.open('/etc/passwd')", "io.open"),
    ("io.popen('id')", "io.popen"),
    ("io.write('x')", "io.write"),
    ("io.lines('/etc/passwd')", "io.lines"),
    ("dofile('/etc/passwd')", "dofile"),
    ("loadfile('/etc/passwd')", "loadfile"),
    ("loadstring('return 1')", "loadstring"),
    ("load('\\27Lua\\84\\0')", "load of bytecode"),
    ("load('return 1', 'x', 'b')", "load of bytecode"),
    ("string.dump(print)", "string.dump"),
    ("('').dump(print)", "string.dump"),
    ("require('socket')", "C modules are blocked"),
    ("package.loadlib('libc.so.6', 'system')", "package.loadlib"),
    ("package.searchpath('x', '?')", "package.searchpath"),
    ("debug.sethook()", "debug.sethook"),
    ("debug.getinfo(1)", "debug.getinfo"),
    ("python.eval('1')", "python.eval"),
    ("python.builtins.open('x')", "python.builtins.open"),
    ("python.as_attrgetter(1)", "python.as_attrgetter"),
]


def run(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    script = tmp_path / "s.lua"
    script.write_text(code)
    code_ = cli.main(["run", str(script), "--role", "evcc", "--quiet", *extra])  # never connects: no network needed
    captured = capsys.readouterr()
    return code_, captured.out + captured.err


@pytest.mark.parametrize(("line", "name"), BLOCKED, ids=[b[1] + ":" + b[0][:12] for b in BLOCKED])
def test_blocked_function_stops_the_script(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, name: str) -> None:
    rc, out = run(tmp_path, f"local a = 1\n{line}\nprint('not reached')\n", capsys)
    assert rc == 2, out
    assert "s.lua:2:" in out and name in out, out
    assert "not reached" not in out


def test_a_pcall_does_not_open_the_sandbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(tmp_path, "local ok, err = pcall(io.open, '/etc/passwd')\nprint(ok, err)\n", capsys)
    assert rc == 0 and "false" in out and "io.open is blocked" in out


def test_what_a_script_may_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "helpers.lua").write_text("local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n")
    code = """
local h = require('helpers')
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
local chunk = load('return io')  -- a text chunk runs in the script's own sandbox
print(h.twice(21), string.format('%03d', 7), table.concat({1, 2}, ','), math.floor(2.5), utf8.char(72, 105),
      type(os.time()), type(os.clock()), os.date('!%Y', 0), co(1), co(5), load('return 6 * 7')(), chunk() == io,
      select('#', 1, 2, 3), tostring(nil), _G == _ENV)
"""
    rc, out = run(tmp_path, code, capsys)
    assert rc == 0, out
    assert "42\t007\t1,2\t2\tHi\tnumber\tnumber\t1970\t2\t10\t42\ttrue\t3\tnil\ttrue" in out


def test_a_yield_outside_a_coroutine_is_a_script_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(tmp_path, "\ncoroutine.yield(1)\n", capsys)
    assert rc == 2 and "s.lua:2: coroutine.yield outside a coroutine" in out


def test_allow_unsafe_opens_the_standard_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "written.txt"
    rc, out = run(tmp_path, f"local f = io.open('{target}', 'w')\nf:write('from lua')\nf:close()\nprint(type(debug.getinfo))\n", capsys, "--allow-unsafe")
    assert rc == 0, out
    assert target.read_text() == "from lua" and "function" in out
    rc, out = run(tmp_path, "python.eval('1')\n", capsys, "--allow-unsafe")  # Python stays out of reach
    assert rc == 2 and "python.eval is blocked" in out


def test_memory_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(tmp_path, "local t = {}\nfor i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end\n", capsys)
    assert rc == 2 and "not enough memory" in out, out[-500:]
