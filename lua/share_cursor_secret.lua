#!lua
-- The secret cursors are sealed with when ORDO_CURSOR_KEY is unset (store/cursor_keys.py):
-- the first one offered is kept, so every worker and instance on this Redis seals alike.
local secret_key = KEYS[1]
local offered = ARGV[1]

redis.call('SET', secret_key, offered, 'NX')
return ok(redis.call('GET', secret_key))
