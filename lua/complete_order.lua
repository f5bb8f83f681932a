#!lua
-- OPEN -> COMPLETED; a promo order redeems its activation (also after the promo's endsAt).
local order_key, events_key = KEYS[1], KEYS[2]
local promo_key, used_key, open_key, open_orders_key = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local order_id = ARGV[1]

local order = redis.call('HMGET', order_key, 'status', 'promoId', 'userId')
local status, promo_id, user_id = order[1], order[2], order[3]
if not status then
  return error_reply('ORDER_NOT_FOUND', 'orderId')
end
if status == 'COMPLETED' then
  return order_reply(events_key)
end
if status == 'DECLINED' then
  return error_reply('ORDER_DECLINED')
end
if status ~= 'OPEN' then
  return error_reply('ORDER_CLOSED')
end

if promo_id ~= '' then
  redeem(promo_key, used_key, open_key, open_orders_key, user_id, order_id)
  append_event(events_key, 'PROMO_REDEEMED', promo_data(promo_id, user_id))
end
redis.call('HSET', order_key, 'status', 'COMPLETED')
append_event(events_key, 'ORDER_COMPLETED', '{}')
return order_reply(events_key)
