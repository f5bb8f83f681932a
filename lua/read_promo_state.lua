#!lua
-- One promo's counters with the status and user of the given orders (all under the promo's
-- hash tag), read in one script for `ordo verify`: a snapshot no reserve or release can split.
-- Writes nothing.
local promo_key, used_key, open_key, open_orders_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local order_keys = slice(KEYS, 5)

local orders = {}
for i, order_key in ipairs(order_keys) do
  local order = redis.call('HMGET', order_key, 'status', 'userId')
  orders[i] = {order[1] or '', order[2] or ''}
end
return ok(redis.call('HGETALL', promo_key), redis.call('HGETALL', used_key),
  redis.call('HGETALL', open_key), redis.call('ZRANGE', open_orders_key, 0, -1), orders)
