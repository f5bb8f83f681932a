#!lua
-- Open an order with items (seed 003), reserving its promo if it has one. Idempotent: an OPEN
-- order with the same entity, type, promo and active items is answered as it is. Refused with
-- 'fenced' when the home claim this create holds (its generation) was taken over since.
local order_key, events_key, items_key, fence_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local promo_key, used_key, open_key, open_orders_key = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local listing_key, retired_key, retired_at_key = KEYS[9], KEYS[10], KEYS[11]
local counts_key, seq_key, feed_key = KEYS[12], KEYS[13], KEYS[14]
local order_id, entity_id, kind, type_json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local promo_id, user_id, owner_id, created_data = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local generation, item_count = tonumber(ARGV[9]), tonumber(ARGV[10])
local items = item_args(ARGV, 11, item_count)
follow(feed_key, order_key, order_id)

local listing = listing_of(listing_key, retired_key, retired_at_key, counts_key, seq_key)

local function same_active_items()
  local active, count = item_entries(items_key), 0
  for _ in pairs(active) do
    count = count + 1
  end
  if count ~= #items then
    return false
  end
  for _, item in ipairs(items) do
    if active[item.id] ~= item.fp then
      return false
    end
  end
  return true
end

local order = redis.call('HMGET', order_key, 'status', 'entityId', 'type', 'promoId', 'userId',
  'ownerId')
if order[1] then
  -- Another owner's order is never answered (SPEC §9): its id is taken, nothing more is said.
  if (order[6] or '') ~= owner_id then
    return refused('ORDER_CONFLICT', 'orderId')
  end
  local not_open = not_open_code(order[1])
  if not_open then
    return refused(not_open, 'orderId')
  end
  if order[2] ~= entity_id or order[3] ~= type_json or order[4] ~= promo_id
      or order[5] ~= user_id or not same_active_items() then
    return refused('ORDER_CONFLICT', 'orderId')
  end
  return order_reply(events_key)
end
if generation <= tonumber(redis.call('GET', fence_key) or '-1') then
  return reply('fenced')
end
if promo_id ~= '' then
  local refusal = reserve_refusal(promo_key, used_key, open_key, user_id)
  if refusal then
    return refused(refusal, 'promo.promoId')
  end
end

redis.call('HSET', order_key, 'status', 'OPEN', 'entityId', entity_id, 'kind', kind,
  'type', type_json, 'promoId', promo_id, 'userId', user_id)
if owner_id ~= '' then
  redis.call('HSET', order_key, 'ownerId', owner_id)
end
append_event(events_key, 'ORDER_CREATED', created_data)
if promo_id ~= '' then
  reserve(promo_key, open_key, open_orders_key, events_key, promo_id, user_id, order_id)
end
for _, item in ipairs(items) do
  add_item(items_key, events_key, item)
end
relist(listing, order_key, order_id, earliest_start(items_key), 'A')
return order_reply(events_key)
