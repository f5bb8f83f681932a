-- GraphQL completeOrder over a pool of OPEN promo orders (one id a line in opts.pool), from
-- opts.start on (the ids earlier runs have not used), each thread from its own share. Past
-- the end it wraps: completing a COMPLETED order is an idempotent success, but cheaper than a
-- redeem, so bench/run.py makes the pool larger than its runs need and reports a wrap.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"errors":[]')

local QUERY = '"mutation($orderId: ID!) { completeOrder(orderId: $orderId) { ' ..
  'order { orderId status } errors { code field } } }"'

function init(args)
  common.init(args)
  pool = {}
  for line in io.lines(common.opts.pool) do
    pool[#pool + 1] = line
  end
  -- Threads start at even spacing, so none completes another's orders first.
  local start, threads = tonumber(common.opts.start), tonumber(common.opts.threads)
  next_index = start + math.floor((thread_id - 1) * (#pool - start) / threads)
end

function request()
  next_index = next_index % #pool + 1
  local variables = '{"orderId":"' .. pool[next_index] .. '"}'
  return common.graphql_request(QUERY, variables)
end
