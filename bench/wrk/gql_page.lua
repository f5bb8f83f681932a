-- GraphQL entityOrders(first: 20): the first page of the seeded entity of 50 orders of 3 items.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks('"entityOrders"', '"errors"')

local QUERY = '"query($entityId: ID!) { entityOrders(entityId: $entityId, first: 20) { ' ..
  'totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id orderId status ' ..
  'total items { orderItemId price periodStartDate } } } } }"'

function init(args)
  common.init(args)
  common.fixed_graphql(QUERY, '{"entityId":"' .. common.opts.entity .. '"}')
end

