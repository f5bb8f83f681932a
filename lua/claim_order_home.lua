#!lua
-- Record where an order's keys live (its promo's or its entity's hash tag) before it is
-- written there, so an order is never stored somewhere its id cannot lead to.
local home_key = KEYS[1]
local home = ARGV[1]

local current = redis.call('GET', home_key)
if current then
  return current
end
redis.call('SET', home_key, home)
return home
