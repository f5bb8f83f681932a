#!lua
-- OPEN -> COMPLETED; a promo order redeems its activation (also after the promo's endsAt).
local order_key, events_key = KEYS[1], KEYS[2]
local promo_key, used_key, open_key, open_orders_key = KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local feed_key = KEYS[7]
local order_id, expected_owner = ARGV[1], ARGV[2] or ''  -- '': any owner (SPEC §9)
follow(feed_key, order_key, order_id)

local status, promo_id, user_id = order_state(order_key, expected_owner)
local refusal = close_refusal(status, 'COMPLETED')
if refusal then
  return refusal
end
if status == 'COMPLETED' then
  return order_reply(events_key)
end

if promo_id ~= '' then
  redeem(promo_key, used_key, open_key, open_orders_key, events_key, promo_id, user_id,
    order_id)
end
redis.call('HSET', order_key, 'status', 'COMPLETED')
append_event(events_key, 'ORDER_COMPLETED', '{}')
return order_reply(events_key)
