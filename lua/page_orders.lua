#!lua
-- One home's part of a page of an entity's orders: up to `page_size` orders after the cursor's
-- place, as the listing stood at sequence `watermark` ('' on a first page: now), with the
-- sequence read, the time, and the entity's shown and declined counts (exact at `watermark`
-- only on a first page, which is when they are read), and with `with_homes` the entity's
-- homes (asked of the entity's own home on a first page). Reads only.
local listing_key, retired_key, retired_at_key = KEYS[1], KEYS[2], KEYS[3]
local counts_key, seq_key, homes_key = KEYS[4], KEYS[5], KEYS[6]
local entity_id, watermark, after = ARGV[1], ARGV[2], ARGV[3]
local page_size, with_declined, with_homes = tonumber(ARGV[4]), ARGV[5] == '1', ARGV[6] == '1'

local sequence = tonumber(watermark ~= '' and watermark or redis.call('GET', seq_key) or '0')
local low = after == '' and '[' .. entity_id .. ' ' or '(' .. entity_id .. ' ' .. after .. '!'
local high = '(' .. entity_id .. '!'
local found, offset, batch = {}, 0, page_size + 8
while #found < 2 * page_size do
  local members = redis.call('ZRANGEBYLEX', listing_key, low, high, 'LIMIT', offset, batch)
  for _, member in ipairs(members) do
    local place, order_id, from, flag = string.match(member, '^%S+ (%S+) (%S+) (%d+) (%a)$')
    if tonumber(from) <= sequence and (with_declined or flag == 'A') then
      local ended = redis.call('HGET', retired_key, member)
      if not ended or tonumber(ended) > sequence then
        found[#found + 1] = place
        found[#found + 1] = order_id
      end
    end
    if #found == 2 * page_size then
      break
    end
  end
  if #members < batch then
    break
  end
  offset = offset + batch
end
local shown, declined = unpack(redis.call('HMGET', counts_key, entity_id, entity_id .. ' D'))
local homes = with_homes and redis.call('SMEMBERS', homes_key) or {}
return ok(sequence, redis.call('TIME')[1], tonumber(shown or '0'), tonumber(declined or '0'),
  homes, unpack(found))
