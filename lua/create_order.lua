#!lua
-- Open an order and, when it carries a promo, reserve one activation (SPEC §2 reserve).
local order_key, events_key = KEYS[1], KEYS[2]
local promo_key, used_key, open_key, open_orders_key = KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local feed_key = KEYS[7]
local order_id, promo_id, user_id = ARGV[1], ARGV[2], ARGV[3]
local created_data, owner_id = ARGV[4], ARGV[5] or ''  -- no owner: not a customer's
follow(feed_key, order_key, order_id)

-- The same id again comes only from a retried idempotency key: answer, reserve nothing.
if redis.call('EXISTS', order_key) == 1 then
  return order_reply(events_key)
end
if promo_id ~= '' then
  local refusal = reserve_refusal(promo_key, used_key, open_key, user_id)
  if refusal then
    return refused(refusal, 'promoId')
  end
end

redis.call('HSET', order_key, 'status', 'OPEN', 'promoId', promo_id, 'userId', user_id,
  'entityId', '', 'kind', '')
if owner_id ~= '' then
  redis.call('HSET', order_key, 'ownerId', owner_id)
end
append_event(events_key, 'ORDER_CREATED', created_data)
if promo_id ~= '' then
  reserve(promo_key, open_key, open_orders_key, events_key, promo_id, user_id, order_id)
end
return order_reply(events_key)
