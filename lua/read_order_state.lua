#!lua
-- One order as stored, for `ordo verify`: its state hash, items hash and events, and whether
-- its current version is in its home's listing (1 or 0), read in one script so that a change
-- made meanwhile cannot fall between the reads. Writes nothing.
local order_key, events_key, items_key = KEYS[1], KEYS[2], KEYS[3]
local listing_key = KEYS[4]

local listed = redis.call('HGET', order_key, 'listed')
local in_listing = listed and redis.call('ZSCORE', listing_key, listed) and 1 or 0
return ok(redis.call('HGETALL', order_key), redis.call('HGETALL', items_key),
  redis.call('XRANGE', events_key, '-', '+'), in_listing)
