-- Floor for REST: POST / with the body REST's POST /orders gets; one EVALSHA behind it.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks()

function request()
  local body = '{"userId":"u-' .. math.random(0, 999) .. '","promoId":"FLOOR"}'
  return wrk.format("POST", "/", common.json_headers, body)
end
