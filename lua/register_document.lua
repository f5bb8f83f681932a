#!lua
-- Keep a persisted GraphQL document (Apollo APQ) under its SHA-256, and at most `max_kept`
-- of them: the least recently used beyond that are dropped, in the same script, so the bound
-- holds however many workers register at once. Both keys share one slot ({documents}).
local documents_key, uses_key = KEYS[1], KEYS[2]
local digest, text, max_kept = ARGV[1], ARGV[2], tonumber(ARGV[3])

redis.call('HSET', documents_key, digest, text)
redis.call('ZADD', uses_key, now_us(), digest)
local over = redis.call('ZCARD', uses_key) - max_kept
local dropped = 0
if over > 0 then
  local oldest = redis.call('ZPOPMIN', uses_key, over)
  for i = 1, #oldest, 2 do
    redis.call('HDEL', documents_key, oldest[i])
    dropped = dropped + 1
  end
end
return ok(dropped)
