-- GraphQL order: one seeded order with its items, promo and events.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"orderId"', '"errors"')

local QUERY = '"query($orderId: ID!) { order(orderId: $orderId) { orderId status total ' ..
  'version entityId type { __typename ... on RentPayment { paymentDate term } } ' ..
  'items { orderItemId serviceId price periodStartDate periodEndDate } ' ..
  'promo { promoId userId } events { id type at data } } }"'

function init(args)
  common.init(args)
  common.fixed_graphql(QUERY, '{"orderId":"' .. common.opts.order .. '"}')
end

