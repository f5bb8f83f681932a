#!lua
-- A request that failed is not remembered: drop the key, unless another order now holds it.
local idempotency_key = KEYS[1]
local order_id = ARGV[1]

if redis.call('HGET', idempotency_key, 'orderId') == order_id then
  redis.call('DEL', idempotency_key)
end
return 'ok'
