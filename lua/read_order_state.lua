#!lua
-- One order as stored, for `ordo verify`: its state hash, items hash and events, read in one
-- script so that a change made meanwhile cannot fall between the reads. Writes nothing.
local order_key, events_key, items_key = KEYS[1], KEYS[2], KEYS[3]

return ok(redis.call('HGETALL', order_key), redis.call('HGETALL', items_key),
  redis.call('XRANGE', events_key, '-', '+'))
