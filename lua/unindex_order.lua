#!lua
-- Drop an entity's index entry found stale (store/homes.py), unless it was written again
-- since: only the entry of the generation that was checked goes.
local entity_orders_key, entity_claims_key = KEYS[1], KEYS[2]
local order_id, generation = ARGV[1], tonumber(ARGV[2])

local recorded = redis.call('HGET', entity_claims_key, order_id)
if tonumber(recorded and string.match(recorded, '^%d+') or '0') ~= generation then
  return reply('kept')
end
redis.call('HDEL', entity_orders_key, order_id)
redis.call('HDEL', entity_claims_key, order_id)
return reply('dropped')
