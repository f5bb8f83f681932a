#!lua
-- List an order under its entity, with its home. Written before the order itself (which may
-- live in another slot); readers check each entry against the order's own events.
local entity_orders_key = KEYS[1]
local order_id, home = ARGV[1], ARGV[2]

redis.call('HSET', entity_orders_key, order_id, home)
return 'ok'
