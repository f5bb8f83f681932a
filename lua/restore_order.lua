#!lua
-- DECLINED -> OPEN; a promo order must reserve again, or it stays DECLINED.
local order_key, events_key = KEYS[1], KEYS[2]
local promo_key, used_key, open_key, open_orders_key = KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local listing_key, retired_key, retired_at_key = KEYS[7], KEYS[8], KEYS[9]
local counts_key, seq_key, feed_key = KEYS[10], KEYS[11], KEYS[12]
local order_id, expected_owner = ARGV[1], ARGV[2] or ''  -- '': any owner (SPEC §9)
follow(feed_key, order_key, order_id)

local listing = listing_of(listing_key, retired_key, retired_at_key, counts_key, seq_key)

local status, promo_id, user_id = order_state(order_key, expected_owner)
if not status then
  return refused('ORDER_NOT_FOUND_FOR_RESTORE', 'orderId')
end
if status == 'OPEN' then
  return order_reply(events_key)
end
if status ~= 'DECLINED' then
  return refused(not_open_code(status), 'orderId')
end
if promo_id ~= '' then
  local refusal = reserve_refusal(promo_key, used_key, open_key, user_id)
  if refusal then
    return refused(refusal, 'orderId')
  end
end

redis.call('HSET', order_key, 'status', 'OPEN')
append_event(events_key, 'ORDER_RESTORED', '{}')
if promo_id ~= '' then
  reserve(promo_key, open_key, open_orders_key, events_key, promo_id, user_id, order_id)
end
relist(listing, order_key, order_id, nil, 'A')
return order_reply(events_key)
