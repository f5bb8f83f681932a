#!lua
-- A new promo code; an existing id is refused so that live counters are never reset.
local promo_key = KEYS[1]
local promo_count, per_user_count, starts_at, ends_at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

if redis.call('EXISTS', promo_key) == 1 then
  return refused('PROMO_EXISTS', 'promoId')
end
redis.call(
  'HSET', promo_key, 'count', promo_count, 'perUserCount', per_user_count, 'lockedCount', 0
)
if starts_at ~= '' then
  redis.call('HSET', promo_key, 'startsAt', starts_at)
end
if ends_at ~= '' then
  redis.call('HSET', promo_key, 'endsAt', ends_at)
end
return ok(redis.call('HGETALL', promo_key))
