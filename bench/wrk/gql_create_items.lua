-- GraphQL createOrderWithItems: a new order id each time, 5 items, a random entity of many.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"errors":[]')

local QUERY = '"mutation($input: CreateOrderWithItemsInput!) { ' ..
  'createOrderWithItems(input: $input) { order { orderId status total version } ' ..
  'errors { code field } } }"'
local ITEMS = {}
for i = 1, 5 do
  ITEMS[i] = string.format('{"orderItemId":"i%d","serviceId":"svc-%d","price":"%d.50",' ..
    '"periodStartDate":"2026-0%d-01","periodEndDate":"2026-0%d-28"}', i, i, 100 * i, i, i)
end
ITEMS = '[' .. table.concat(ITEMS, ',') .. ']'

function init(args)
  common.init(args)
  entities = tonumber(common.opts.entities)
end

function request()
  local variables = '{"input":{"orderId":"' .. common.unique("oi") .. '","entityId":"' ..
    common.opts.entity_prefix .. math.random(0, entities - 1) ..
    '","type":{"rentPayment":{"paymentDate":"2026-02-01","term":"FULL"}},"items":' ..
    ITEMS .. '}}'
  return common.graphql_request(QUERY, variables)
end
