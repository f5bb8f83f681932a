#!lua
-- A persisted document's text by its SHA-256, marked used now (the bound of
-- register_document drops the least recently used first); absent when never kept or dropped.
local documents_key, uses_key = KEYS[1], KEYS[2]
local digest = ARGV[1]

local text = redis.call('HGET', documents_key, digest)
if not text then
  return reply('absent')
end
redis.call('ZADD', uses_key, 'XX', now_us(), digest)
return ok(text)
