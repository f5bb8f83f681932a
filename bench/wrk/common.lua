-- Shared by bench/wrk/*.lua. Each script does
--   package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
--   local common = require("common")
--   common.hooks(want, reject)
-- and defines `request` (or a fixed request in `init`). Arguments after `--` are key=value
-- pairs (common.opts).
-- At the end one line `BENCH_RESULT {json}` carries wrk's figures and the wrong answers,
-- which bench/load.py reads.
local common = {opts = {}}
local threads = {}
local paced = require("paced")
if paced.rate then
  function delay() return 0 end  -- replaced per thread by paced.install (see paced.lua)
end

function common.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- Per thread (each has its own Lua state): options, a seeded random source, a counter.
function common.init(args)
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([^=]+)=(.*)$")
    if key then common.opts[key] = value end
  end
  wrong = 0
  counter = 0
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  if paced.rate then paced.install(tonumber(common.opts.threads or 1), response) end
end

-- An id no other request of any run makes: run prefix, thread, counter, random.
function common.unique(kind)
  counter = counter + 1
  return string.format("%s-%s-t%d-%d-%d", common.opts.prefix or "b", kind, thread_id or 0,
    counter, math.random(0, 999999))
end

-- A response hook: wrong unless 200 and the body holds `want` (if given) and not `reject`.
-- Plain substring search: cheap enough not to slow the load generator down.
function common.checker(want, reject)
  return function(status, headers, body)
    if status ~= 200
        or (want and not body:find(want, 1, true))
        or (reject and body:find(reject, 1, true)) then
      wrong = wrong + 1
    end
  end
end

function common.graphql(query_json, variables_json)
  return '{"query":' .. query_json .. ',"variables":' .. variables_json .. '}'
end

function common.graphql_request(query_json, variables_json)
  return wrk.format("POST", "/graphql", common.json_headers,
    common.graphql(query_json, variables_json))
end

-- A fixed GraphQL request: wrk builds it once, with no Lua call per request.
function common.fixed_graphql(query_json, variables_json)
  wrk.method, wrk.path = "POST", "/graphql"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = common.graphql(query_json, variables_json)
end

common.json_headers = {["Content-Type"] = "application/json"}

function common.done(summary, latency, requests)
  local wrong_total = 0
  for _, thread in ipairs(threads) do
    wrong_total = wrong_total + (thread:get("wrong") or 0)
  end
  local e = summary.errors
  local p = paced.percentiles(threads) or {
    p50 = latency:percentile(50), p90 = latency:percentile(90), p99 = latency:percentile(99),
    max = latency.max,
  }
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"wrong":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"paced":%s}\n',
    summary.requests, summary.duration, wrong_total, e.connect, e.read, e.write, e.status,
    e.timeout, p.p50, p.p90, p.p99, p.max, latency.mean, paced.rate and "true" or "false"))
end

-- wrk's hooks as globals: setup, init (common.init unless the script has its own), response
-- (counting wrong answers, see checker) and done.
function common.hooks(want, reject)
  setup, done, init = common.setup, common.done, common.init
  response = common.checker(want, reject)
end

return common
