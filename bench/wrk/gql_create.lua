-- GraphQL createOrder with a promo; users picked at random from the seeded ones.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"errors":[]')

local QUERY = '"mutation($input: CreateOrderInput) { createOrder(input: $input) { ' ..
  'order { orderId status promo { promoId userId } } errors { code field } } }"'
-- What the Node peer's schema has (no `promo` on Order): ordo and the peer, compared on it.
local PEER_QUERY = '"mutation($input: CreateOrderInput) { createOrder(input: $input) { ' ..
  'order { orderId status } errors { code field } } }"'

function init(args)
  common.init(args)
  if common.opts.selection == "peer" then QUERY = PEER_QUERY end
  users, promo = tonumber(common.opts.users), common.opts.promo
end

function request()
  local variables = '{"input":{"userId":"' .. common.opts.user_prefix ..
    math.random(0, users - 1) .. '","promoId":"' .. promo .. '"}}'
  return common.graphql_request(QUERY, variables)
end
