#!lua
-- The backfill of one order (`ordo reindex`): give an order of `entity_id` its first version in
-- its home's listing when it has none (written before listings existed, or its version lost).
-- The order's current state is read here, in the same script as the write, so it is safe
-- beside live changes and to run twice: an order already listed is left as it is, and an
-- order absent from this home, or of another entity, is not touched.
local order_key, events_key, items_key = KEYS[1], KEYS[2], KEYS[3]
local listing_key, retired_key, retired_at_key = KEYS[4], KEYS[5], KEYS[6]
local counts_key, seq_key, feed_key = KEYS[7], KEYS[8], KEYS[9]  -- no event: feed unused
local order_id, entity_id = ARGV[1], ARGV[2]

local listing = listing_of(listing_key, retired_key, retired_at_key, counts_key, seq_key)

local status, entity, current = unpack(redis.call('HMGET', order_key, 'status', 'entityId',
  'listed'))
if not status or entity ~= entity_id then
  return reply('absent')
end
if current then
  if redis.call('ZSCORE', listing_key, current) then
    return reply('kept')
  end
  redis.call('HDEL', order_key, 'listed') -- its version is gone: listed anew below
end
relist(listing, order_key, order_id, earliest_start(items_key),
  status == 'DECLINED' and 'D' or 'A')
return ok()
