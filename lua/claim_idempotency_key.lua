#!lua
-- Bind an idempotency key to one order id for 24 h, or report the binding that exists.
-- A key whose request failed keeps its order id (marked failed with the input's fingerprint):
-- a retry with the same input takes that id again, so a sibling still creating under it and
-- the retry land on the same order; another input gets a fresh id.
local idempotency_key = KEYS[1]
local fingerprint, order_id, ttl_seconds = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('HMGET', idempotency_key, 'fingerprint', 'orderId', 'failed')
if current[1] then
  if current[1] ~= fingerprint then
    return refused('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey')
  end
  return reply('existing', current[2])
end
if current[3] == fingerprint then
  order_id = current[2]
end
redis.call('DEL', idempotency_key)
redis.call('HSET', idempotency_key, 'fingerprint', fingerprint, 'orderId', order_id)
redis.call('EXPIRE', idempotency_key, ttl_seconds)
return reply('claimed', order_id)
