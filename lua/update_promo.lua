#!lua
-- Change a promo's count or window. Each argument is 'keep', 'clear' or 'set:<value>'.
local promo_key = KEYS[1]
local count_arg, starts_arg, ends_arg = ARGV[1], ARGV[2], ARGV[3]

local function merged(field, arg)
  if arg == 'keep' then
    return redis.call('HGET', promo_key, field) or nil
  elseif arg == 'clear' then
    return nil
  end
  return string.sub(arg, 5)
end

if redis.call('EXISTS', promo_key) == 0 then
  return refused('PROMO_NOT_FOUND', 'promoId')
end
local count = tonumber(merged('count', count_arg))
local starts_at, ends_at = merged('startsAt', starts_arg), merged('endsAt', ends_arg)
if starts_at and ends_at and tonumber(starts_at) >= tonumber(ends_at) then
  return refused('INVALID_INPUT', 'endsAt')
end
-- Compared here, in the script that writes, so a concurrent reserve cannot slip between.
if count < tonumber(redis.call('HGET', promo_key, 'lockedCount')) then
  return refused('PROMO_COUNT_BELOW_LOCKED', 'count')
end

redis.call('HSET', promo_key, 'count', count)
for field, value in pairs({startsAt = starts_at or false, endsAt = ends_at or false}) do
  if value then
    redis.call('HSET', promo_key, field, value)
  else
    redis.call('HDEL', promo_key, field)
  end
end
return ok(redis.call('HGETALL', promo_key))
