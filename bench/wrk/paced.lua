-- An open loop for bench/wrk/*.lua, when BENCH_PACED_RATE=R (requests/s of the whole run) is
-- in wrk's environment (wrk asks whether a script has `delay` before any option is read).
--
-- This thread's requests go out on one timetable, a slot every threads/R seconds from a
-- random start: a connection that is free takes the next slot and waits for it, so requests
-- are spread evenly over time whatever the number of connections (hey's paced workers tick
-- together, sending in bursts of one per worker). A slot already past, when every connection
-- was busy, goes out at once. Latency counts from the slot, as wrk2 does, so a server that
-- falls behind is not asked less and its delay is counted: the slot rides in X-Request-ID,
-- which ordo echoes. wrk's timers have millisecond grain: a latency may be off by up to 1 ms.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
  int clock_gettime(int clock, paced_timespec *now);
]]
local MONOTONIC = 1
local clock = ffi.new("paced_timespec")

local function now_ms()
  ffi.C.clock_gettime(MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local paced = {}

paced.rate = tonumber(os.getenv("BENCH_PACED_RATE") or "")

function paced.install(threads, check)
  local interval = 1000 * threads / paced.rate
  local next_slot = now_ms() + math.random() * interval
  local slots, first = {}, 1  -- a queue: slots handed out by delay(), taken by request()
  samples = {}  -- global: done() reads each thread's through thread:get

  function delay()
    local slot = next_slot  -- when the timetable means it to go, even if that is past
    next_slot = next_slot + interval
    slots[#slots + 1] = slot
    return math.max(0, math.floor(slot - now_ms()))
  end

  local unpaced = request
  function request()
    local slot = slots[first] or now_ms()
    slots[first] = nil
    first = first + 1
    local id = string.format("X-Request-ID: paced-%.3f\r\n", slot)
    return (unpaced():gsub("\r\n", "\r\n" .. id, 1))
  end

  function response(status, headers, body)
    check(status, headers, body)
    local slot = tonumber((headers["x-request-id"] or ""):match("^paced%-([%d.]+)$"))
    if slot then samples[#samples + 1] = now_ms() - slot end
  end
end

-- Percentiles (µs) of every thread's samples; nil when nothing was paced.
function paced.percentiles(threads)
  local all = {}
  for _, thread in ipairs(threads) do
    for _, ms in ipairs(thread:get("samples") or {}) do all[#all + 1] = ms end
  end
  if #all == 0 then return nil end
  table.sort(all)
  local function at(p) return math.floor(1000 * all[math.max(1, math.ceil(#all * p / 100))]) end
  return {p50 = at(50), p90 = at(90), p99 = at(99), max = at(100), count = #all}
end

return paced
