#!lua
-- Fence an order's recorded home before its claim moves on (store/homes.py): from now on
-- a create there carrying the claim's generation or an older one is refused. Refused itself
-- when the order already lives there: then the claim must stay.
local order_key, fence_key = KEYS[1], KEYS[2]
local generation = tonumber(ARGV[1])

if redis.call('EXISTS', order_key) == 1 then
  return reply('present')
end
if generation > tonumber(redis.call('GET', fence_key) or '-1') then
  redis.call('SET', fence_key, generation)
end
return reply('fenced')
