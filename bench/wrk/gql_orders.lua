-- GraphQL orders(entityId): the seeded entity with its 50 orders of 3 items each.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"orders"', '"errors"')

local QUERY = '"query($entityId: ID!) { orders(entityId: $entityId) { orderId status total ' ..
  'items { orderItemId price periodStartDate } } }"'

function init(args)
  common.init(args)
  common.fixed_graphql(QUERY, '{"entityId":"' .. common.opts.entity .. '"}')
end

