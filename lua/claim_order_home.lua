#!lua
-- Record where an order's keys live (its promo's or its entity's hash tag) before it is
-- written there, so an order is never stored somewhere its id cannot lead to. Answers the
-- home recorded and the claim's generation: an order stored under its own id counts as
-- recorded. A takeover names the claim it replaces (home and, for store/homes.py, its
-- generation); its home was fenced first, and the new generation outranks that fence.
local home_key, own_order_key, generation_key = KEYS[1], KEYS[2], KEYS[3]
local home, own_home, replaces, replaces_generation = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local current = redis.call('GET', home_key)
local generation = tonumber(redis.call('GET', generation_key) or '0')
local replaced = current == replaces
  and (replaces_generation == '' or tonumber(replaces_generation) == generation)
if current and not replaced then
  return ok(current, generation)
end
if redis.call('EXISTS', own_order_key) == 1 then
  return ok(own_home, generation)
end
if current then
  generation = redis.call('INCR', generation_key)
end
redis.call('SET', home_key, home)
return ok(home, generation)
