#!lua
-- Cancel an OPEN promo order whose reservation is older than the TTL, giving the activation
-- back. Rechecked here, atomically, so a reaper racing a client (or another reaper) can only
-- act on an order that is still OPEN and still stale.
local order_key, events_key = KEYS[1], KEYS[2]
local promo_key, used_key, open_key, open_orders_key = KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local feed_key = KEYS[7]
local order_id, ttl_us = ARGV[1], tonumber(ARGV[2])
follow(feed_key, order_key, order_id)

local reserved_at = tonumber(redis.call('ZSCORE', open_orders_key, order_id))
if not reserved_at or reserved_at > now_us() - ttl_us then
  return reply('skipped')
end
local status, promo_id, user_id = order_state(order_key)
if status ~= 'OPEN' then
  return reply('skipped')
end

release(promo_key, open_key, open_orders_key, events_key, promo_id, user_id, order_id,
  'expired')
redis.call('HSET', order_key, 'status', 'CANCELLED')
append_event(events_key, 'ORDER_CANCELLED', '{}')
return order_reply(events_key)
