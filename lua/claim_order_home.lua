#!lua
-- Record where an order's keys live (its promo's or its entity's hash tag) before it is
-- written there, so an order is never stored somewhere its id cannot lead to. Answers the
-- home already recorded, if any: an order stored under its own id counts as recorded.
local home_key, own_order_key = KEYS[1], KEYS[2]
local home, own_home, replaces = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('GET', home_key)
if current and current ~= replaces then
  return current
end
if redis.call('EXISTS', own_order_key) == 1 then
  return own_home
end
redis.call('SET', home_key, home)
return home
