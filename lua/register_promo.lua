#!lua
-- Remember a promo id, so the reaper can visit every promo without scanning the keyspace.
-- Written before the promo itself; an id whose create failed is harmless there.
local registry_key = KEYS[1]
local promo_id = ARGV[1]

redis.call('SADD', registry_key, promo_id)
return ok()
