#!lua
-- Users are never deleted, so a user once known stays known (callers may cache that).
local user_key = KEYS[1]

redis.call('SET', user_key, '1', 'NX')
return ok()
