#!lua
-- A request that failed is not remembered: its input no longer holds the key. The order id
-- stays, marked failed, for a retry of the same input (see claim_idempotency_key.lua).
local idempotency_key = KEYS[1]
local order_id = ARGV[1]

local current = redis.call('HMGET', idempotency_key, 'fingerprint', 'orderId')
if current[1] and current[2] == order_id then
  redis.call('HSET', idempotency_key, 'failed', current[1])
  redis.call('HDEL', idempotency_key, 'fingerprint')
end
return ok()
