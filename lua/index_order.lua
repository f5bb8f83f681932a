#!lua
-- List an order under its entity, with its home and claim generation. Written before the
-- order itself (which may live in another slot); readers check each entry against the order's
-- own events. A late write of a claim that was since taken over (an older generation) is
-- ignored, so it cannot hide the order that won. The home joins the entity's homes, where
-- pages of its orders look (a home that never gets the order is an empty look).
local entity_orders_key, entity_claims_key, entity_homes_key = KEYS[1], KEYS[2], KEYS[3]
local order_id, home, generation = ARGV[1], ARGV[2], tonumber(ARGV[3])

redis.call('SADD', entity_homes_key, home)
local recorded = redis.call('HGET', entity_claims_key, order_id)
if recorded and tonumber(string.match(recorded, '^%d+')) > generation then
  return reply('stale')
end
redis.call('HSET', entity_orders_key, order_id, home)
redis.call('HSET', entity_claims_key, order_id, generation .. ' ' .. redis.call('TIME')[1])
return ok()
