-- REST POST /orders with a promo; users picked at random from the seeded ones.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks()

function init(args)
  common.init(args)
  users, promo = tonumber(common.opts.users), common.opts.promo
end

function request()
  local body = '{"userId":"' .. common.opts.user_prefix .. math.random(0, users - 1) ..
    '","promoId":"' .. promo .. '"}'
  return wrk.format("POST", "/orders", common.json_headers, body)
end
