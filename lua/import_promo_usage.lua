#!lua
-- Seed import (`ordo import-mongo`): activations users redeemed before ordo, which have no
-- order here. A user's count is written only where none is recorded yet, so a second import
-- changes nothing; every user is checked before anything is written.
local promo_key, used_key, open_key = KEYS[1], KEYS[2], KEYS[3]
local users = records(ARGV, 1, #ARGV / 2, {'id', 'used'})

if redis.call('EXISTS', promo_key) == 0 then
  return refused('PROMO_NOT_FOUND', 'promoId')
end
local per_user = tonumber(redis.call('HGET', promo_key, 'perUserCount'))
local fresh = {}
for _, user in ipairs(users) do
  if redis.call('HEXISTS', used_key, user.id) == 0 then
    local open = tonumber(redis.call('HGET', open_key, user.id) or '0')
    user.used = tonumber(user.used)
    if user.used < 0 or user.used + open > per_user then
      return refused('PROMO_USER_LIMIT', 'users')
    end
    fresh[#fresh + 1] = user
  end
end

-- Counters change by increments (SPEC §2); an absent count is 0.
for _, user in ipairs(fresh) do
  redis.call('HINCRBY', used_key, user.id, user.used)
end
return ok(#fresh)
