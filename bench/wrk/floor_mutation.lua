-- Floor for GraphQL: the trivial cached Strawberry mutation, with an input variable as
-- createOrder has.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"orderId"', '"errors"')

local QUERY = '"mutation($input: PingInput!) { ping(input: $input) { orderId status } }"'

function request()
  local variables = '{"input":{"userId":"u-' .. math.random(0, 999) .. '","promoId":"FLOOR"}}'
  return common.graphql_request(QUERY, variables)
end
