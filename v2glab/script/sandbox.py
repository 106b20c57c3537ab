"""The Lua side of `v2glab run`: a sandboxed Lua 5.4 state, the API tables, and the script as a coroutine.

The script runs as a Lua coroutine that the asyncio loop drives (``runner.py``). An API
call that must wait (Receive, Sleep, connecting) yields; the loop resumes the script with
the result. Nothing crosses a thread.

Sandbox (the default; ``allow_unsafe`` opts out): the base library without ``dofile``,
``loadfile`` and ``loadstring``; ``load`` stays for text chunks only (mode "t", the
script's own environment), because it cannot load bytecode then; ``string`` (without
``dump``), ``table``, ``math``, ``utf8``, ``coroutine``, ``os.time``/``os.clock``/``os.date``;
``require`` of Lua source files beside the script. Everything else a script could reach
(``io``, the rest of ``os``, ``debug``, ``package``, C modules, ``python``) is a stub that
stops the script with its file:line and the name of what is blocked.

Limits: a count hook on every script coroutine calls back into Python every
``HOOK_INSTRUCTIONS`` Lua instructions, so Ctrl-C and ``--timeout`` stop even
``while true do end``.
"""

from __future__ import annotations

from typing import Any, Callable

import lupa.lua54 as lupa_lua

LuaError = lupa_lua.LuaError
LuaMemoryError = lupa_lua.LuaMemoryError
MAX_MEMORY = 256 * 2**20  # a runaway table stops with "not enough memory", not the machine
HOOK_INSTRUCTIONS = 10_000  # ~0.1 ms of Lua between checks: cheap, and Ctrl-C is felt at once
STATUS_ERROR, STATUS_OK, STATUS_WAIT, STATUS_NOTE = 0, 1, 2, 3

BASE = ("assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
        "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall", "collectgarbage", "_VERSION")
LIBRARIES = ("string", "table", "math", "utf8")
OS_ALLOWED = ("time", "clock", "date")
BLOCKED_GLOBALS = ("dofile", "loadfile", "loadstring")
BLOCKED_LIBRARIES = ("io", "debug", "package", "python")

# The prelude runs once per state. It gets the Python callbacks and returns the function that
# turns a loaded script chunk into the coroutine body.
PRELUDE = b"""
local resolve, check, enums, env, sandboxed, find_module, hook_count, BASE, LIBS, OS_OK, BLOCKED_G, BLOCKED_L = ...
local yield, resume, create, running, status = coroutine.yield, coroutine.resume, coroutine.create, coroutine.running, coroutine.status
local error, select, setmetatable, rawset, tostring, type = error, select, setmetatable, rawset, tostring, type
local sethook, getinfo, raw_load, G = debug.sethook, debug.getinfo, load, _G
local WAIT = {}  -- what an API call yields while the loop waits for its result
local main_co

local function hook()
  local stop = check()
  if stop and getinfo(2, "S").source ~= "=prelude" then  -- the prelude's own calls stop at the script's line
    sethook(hook, "", 1)  -- from now on every instruction: a pcall in a loop cannot swallow the stop
    error(stop, 2)  -- level 2: the script line that was running
  end
end
local function hooked(f)
  return function(...)
    sethook(hook, "", hook_count)  -- [Lua 5.4] a hook set from Lua belongs to one coroutine
    return f(...)
  end
end

-- An API function: Python answers (status, value); status 2 means "wait": yield until the loop resumes us.
local note = resolve("", "note")
local function api_function(handler)
  return function(...)
    local st, r = handler(...)
    if st == 2 then st, r = yield(WAIT) end
    if st == 1 then return r end
    if st == 0 then error(r, 2) end
    local info = getinfo(2, "Sl")  -- 3: a note for the trace, at the script's line
    note(info.short_src .. ":" .. (info.currentline or 0) .. ": " .. r)
  end
end
local function api_table(tname)
  return setmetatable({}, {__index = function(t, key)
    local fn = api_function(resolve(tname, key))
    if type(key) == "string" then rawset(t, key, fn) end
    return fn
  end})
end

local BLOCKED = " is blocked by the sandbox (v2glab run --allow-unsafe allows it)"
local function blocked(name)
  return function() error(name .. BLOCKED, 2) end
end
local blocked_table
local function blocked_member(name)  -- callable and indexable: python.builtins.open(...) names itself too
  return setmetatable({}, {__call = function() error(name .. BLOCKED, 2) end, __index = function(_, key) return blocked_member(name .. "." .. tostring(key)) end})
end
blocked_table = function(name, keep)
  return setmetatable(keep or {}, {__index = function(_, key) return blocked_member(name .. "." .. tostring(key)) end})
end

if sandboxed then
  for _, k in ipairs(BASE) do env[k] = G[k] end
  for _, lib in ipairs(LIBS) do
    local copy = {}
    for k, v in pairs(G[lib]) do copy[k] = v end
    env[lib] = copy
  end
  env.string.dump = blocked("string.dump")
  string.dump = env.string.dump  -- the string metatable's __index is the real table
  local os_ok = {}
  for _, k in ipairs(OS_OK) do os_ok[k] = os[k] end
  env.os = blocked_table("os", os_ok)
  for _, k in ipairs(BLOCKED_G) do env[k] = blocked(k) end
  for _, k in ipairs(BLOCKED_L) do env[k] = blocked_table(k) end
  env.load = function(chunk, name, mode, chunk_env)
    if (type(chunk) == "string" and chunk:byte(1) == 27) or (mode and mode:find("b")) then
      error("load of bytecode is blocked by the sandbox (v2glab run --allow-unsafe allows it)", 2)
    end
    return raw_load(chunk, name, "t", chunk_env or env)
  end
  local loaded = {}
  env.require = function(name)
    if type(name) ~= "string" then error("require expects a module name", 2) end
    if loaded[name] ~= nil then return loaded[name] end
    local path, source = find_module(name)
    if not path then
      error("require '" .. name .. "': " .. source .. "; C modules are blocked by the sandbox (v2glab run --allow-unsafe allows them)", 2)
    end
    local fn, err = raw_load(source, "@" .. path, "t", env)
    if not fn then error(err, 0) end
    local value = fn(name)
    if value == nil then value = true end
    loaded[name] = value
    return value
  end
  env._G = env
else
  for k, v in pairs(G) do if k ~= "python" then env[k] = v end end
  env.python = blocked_table("python")  -- Python stays out of reach even here
  env._G = env
end

-- coroutines of the script: hooked too, and an API call inside one still waits on the loop
local co = {}
for k, v in pairs(coroutine) do co[k] = v end
local function pass(c, ok, first, ...)
  if ok and first == WAIT then return pass(c, resume(c, yield(WAIT))) end
  return ok, first, ...
end
co.create = function(f) return create(hooked(f)) end
co.resume = function(c, ...) return pass(c, resume(c, ...)) end
co.wrap = function(f)
  local c = co.create(f)
  return function(...)
    local function unwrap(ok, ...)
      if not ok then error((...), 0) end
      return ...
    end
    return unwrap(co.resume(c, ...))
  end
end
co.yield = function(...)
  if running() == main_co then error("coroutine.yield outside a coroutine", 2) end
  return yield(...)
end
env.coroutine = co

env.Secc = api_table("Secc")
env.Evcc = api_table("Evcc")
env.SECC, env.EVCC = env.Secc, env.Evcc
env.Slac = api_table("Slac")  -- run --slac (slac_api.py)
env.SLAC = env.Slac
for name, values in pairs(enums) do env[name] = values end
for _, name in ipairs({"Sleep", "Log", "Verdict", "Set_Strict"}) do env[name] = api_function(resolve("", name)) end
local write = api_function(resolve("", "print"))
function env.print(...)
  local n, parts = select("#", ...), {...}
  for i = 1, n do parts[i] = tostring(parts[i]) end
  write(table.concat(parts, "\t", 1, n))
end
local case_begin, case_end = api_function(resolve("", "TestCase_begin")), resolve("", "TestCase_end")
function env.TestCase(name, fn)
  case_begin(name)
  local passed, err = pcall(fn)
  local st, stop = case_end(passed, err ~= nil and tostring(err) or nil)
  if st == 0 then error(err or stop, 0) end  -- Ctrl-C or the time limit: stop the whole script
end

-- the coroutine body for a loaded script chunk
return function(chunk)
  return hooked(function()
    main_co = running()
    chunk()
    return "done"
  end)
end
"""


class LuaState:
    """One Lua state for one script run."""

    def __init__(
        self,
        resolve: Callable[[bytes, Any], Callable[..., Any]],
        check: Callable[[], bytes | None],
        enums: dict[str, dict[str, str]],
        find_module: Callable[[bytes], tuple[bytes | None, bytes]],
        sandboxed: bool = True,
    ) -> None:
        self.lua = lupa_lua.LuaRuntime(
            unpack_returned_tuples=True, encoding=None, register_eval=False, register_builtins=False,
            attribute_filter=_no_attributes, max_memory=MAX_MEMORY,
        )
        self.env = self.lua.table()
        t = self.lua.table_from
        lua_enums = t({k.encode(): t({kk.encode(): vv.encode() for kk, vv in v.items()}) for k, v in enums.items()})
        prelude = self.lua.execute(b"return load(...)", PRELUDE, b"=prelude")
        self._body = prelude(resolve, check, lua_enums, self.env, sandboxed, find_module, HOOK_INSTRUCTIONS,
                             t([n.encode() for n in BASE]), t([n.encode() for n in LIBRARIES]), t([n.encode() for n in OS_ALLOWED]),
                             t([n.encode() for n in BLOCKED_GLOBALS]), t([n.encode() for n in BLOCKED_LIBRARIES]))
        self._load = self.lua.eval(b"function(code, name, env) return load(code, name, 't', env) end")

    def coroutine(self, code: bytes, name: str) -> Any:
        """The script as a coroutine (lupa _LuaThread), or raises LuaError for a syntax error."""
        result = self._load(code, f"@{name}".encode(), self.env)
        chunk, error = result if isinstance(result, tuple) else (result, None)
        if chunk is None:
            raise LuaError(error)
        return self._body(chunk).coroutine()


def _no_attributes(obj: Any, name: Any, is_setting: bool) -> Any:
    """No Python attribute is reachable from Lua: a script cannot climb from a value into Python."""
    raise AttributeError(f"{name!r} is not accessible from a script")
