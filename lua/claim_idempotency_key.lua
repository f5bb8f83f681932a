#!lua
-- Bind an idempotency key to one order id for 24 h, or report the binding that exists.
local idempotency_key = KEYS[1]
local fingerprint, order_id, ttl_seconds = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('HMGET', idempotency_key, 'fingerprint', 'orderId')
if current[1] then
  if current[1] ~= fingerprint then
    return {'reused'}
  end
  return {'existing', current[2]}
end
redis.call('HSET', idempotency_key, 'fingerprint', fingerprint, 'orderId', order_id)
redis.call('EXPIRE', idempotency_key, ttl_seconds)
return {'claimed', order_id}
