#!lua
-- Change an OPEN order: its type content, then cancel items, then add items (seed 003 order).
-- Idempotent: cancelled items are skipped, identical present items are skipped.
local order_key, events_key, items_key = KEYS[1], KEYS[2], KEYS[3]
local listing_key, retired_key, retired_at_key = KEYS[4], KEYS[5], KEYS[6]
local counts_key, seq_key, feed_key = KEYS[7], KEYS[8], KEYS[9]
local order_id, expected_owner, expected_version = ARGV[1], ARGV[2], ARGV[3]
local kind, type_json, updated_data = ARGV[4], ARGV[5], ARGV[6]
local cancel_count, add_count = tonumber(ARGV[7]), tonumber(ARGV[8])
local cancel_ids = slice(ARGV, 9, 8 + cancel_count)
local items = item_args(ARGV, 9 + cancel_count, add_count)
follow(feed_key, order_key, order_id)

local listing = listing_of(listing_key, retired_key, retired_at_key, counts_key, seq_key)

local order = redis.call('HMGET', order_key, 'status', 'kind', 'type', 'ownerId')
local status, current_kind, current_type = order[1], order[2], order[3]
if not status or hidden(order[4], expected_owner) then
  return refused('ORDER_NOT_FOUND', 'orderId')
end
local cancelled = #cancel_ids > 0 and redis.call('HMGET', items_key, unpack(cancel_ids)) or {}
for i = 1, #cancel_ids do
  if not cancelled[i] then
    return refused('ITEM_NOT_FOUND', 'cancelItemIds.' .. (i - 1))
  end
end
local not_open = not_open_code(status)
if not_open then
  return refused(not_open, 'orderId')
end
if expected_version ~= '' and redis.call('XLEN', events_key) ~= tonumber(expected_version) then
  return refused('VERSION_CONFLICT', 'expectedVersion')
end
if kind ~= '' and kind ~= current_kind then
  return refused('TYPE_KIND_CHANGE', 'type')
end
local present = {}
for i, item in ipairs(items) do
  present[i] = redis.call('HGET', items_key, item.id)
  if present[i] and string.sub(present[i], 3) ~= item.fp then
    return refused('ITEM_ID_REUSED', 'addItems.' .. (i - 1) .. '.orderItemId')
  end
end

if kind ~= '' and type_json ~= current_type then
  redis.call('HSET', order_key, 'type', type_json)
  append_event(events_key, 'ORDER_UPDATED', updated_data)
end
for i, item_id in ipairs(cancel_ids) do
  if string.sub(cancelled[i], 1, 1) == 'A' then
    redis.call('HSET', items_key, item_id, 'C' .. string.sub(cancelled[i], 2))
    append_event(events_key, 'ITEM_CANCELLED', '{"orderItemId":' .. cjson.encode(item_id) .. '}')
  end
end
for i, item in ipairs(items) do
  if not present[i] then
    add_item(items_key, events_key, item)
  end
end
if appended > 0 then
  relist(listing, order_key, order_id, earliest_start(items_key), nil)
end
return order_reply(events_key)
