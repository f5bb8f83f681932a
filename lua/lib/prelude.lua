-- Shared by every script (prepended by store/scripts.py). Every function here only
-- reads or only writes: scripts call the checks first and the writes after, because a Lua
-- error midway does not roll back the writes already made (redis/redis#10576).

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- How many events this call appended: the reply says so, so callers can tell new from old.
local appended = 0

-- The change feed (SPEC §10): every event appended to an order's stream is appended, by the
-- same call, to the feed partition of the call's slot, with the order's id, entity, owner and
-- version after it; the first append names the partition on the news channel, so readers
-- look only where something happened. An order script calls `follow` first of all.
local FEED_NEWS = 'ordo:feed:news'
local feed = nil

local function follow(feed_key, order_key, order_id)
  feed = {key = feed_key, order_key = order_key, order_id = order_id}
end

local function append_event(events_key, event_type, data)
  local event_id = redis.call('XADD', events_key, '*', 'type', event_type, 'data', data)
  appended = appended + 1
  if appended == 1 then
    -- Read once a call: a script sets an order's entity and owner before its first event,
    -- and every event of one call is the order's next.
    local order = redis.call('HMGET', feed.order_key, 'entityId', 'ownerId')
    feed.entity, feed.owner = order[1] or '', order[2] or ''
    feed.version = redis.call('XLEN', events_key)
  else
    feed.version = feed.version + 1
  end
  redis.call('XADD', feed.key, '*', 'orderId', feed.order_id, 'entityId', feed.entity,
    'ownerId', feed.owner, 'version', feed.version, 'eventId', event_id,
    'type', event_type, 'data', data)
  if appended == 1 then
    redis.call('PUBLISH', FEED_NEWS, feed.key)
  end
end

local function promo_data(promo_id, user_id, reason)
  -- Built by hand: cjson's key order and empty-table encoding differ between Redis and lupa.
  local data = '{"promoId":' .. cjson.encode(promo_id) .. ',"userId":' .. cjson.encode(user_id)
  if reason then
    data = data .. ',"reason":' .. cjson.encode(reason)
  end
  return data .. '}'
end

-- The one reply envelope, {outcome, payload...}: every script answers through these helpers,
-- never with a table or string of its own (store/replies.py reads it, and lists the
-- outcomes). The payload depends on the script.
local function reply(outcome, ...)
  return {outcome, ...}
end

local function ok(...)
  return reply('ok', ...)
end

-- An order script's answer: the order's events, and how many of them this call appended.
local function order_reply(events_key)
  return ok(redis.call('XRANGE', events_key, '-', '+'), appended)
end

-- An error code of SPEC §5 and the field it names (nested with dots: 'addItems.2.price').
local function refused(code, field)
  return reply('refused', code, field or '')
end

-- SPEC §3.2, the one rule in Lua (domain/errors.py has Python's): the code refusing a change
-- that needs the order OPEN, nil when it is.
local function not_open_code(status)
  if status == 'OPEN' then
    return nil
  end
  return status == 'DECLINED' and 'ORDER_DECLINED' or 'ORDER_CLOSED'
end

-- SPEC §2 reserve, in its order: exists (404), window (409), available, per-user limit.
local function reserve_refusal(promo_key, used_key, open_key, user_id)
  local promo = redis.call('HMGET', promo_key, 'count', 'perUserCount', 'lockedCount',
    'startsAt', 'endsAt')
  if not promo[1] then
    return 'PROMO_NOT_FOUND'
  end
  local now = now_us()
  local starts_at, ends_at = tonumber(promo[4]), tonumber(promo[5])
  if (starts_at and now < starts_at) or (ends_at and now >= ends_at) then
    return 'PROMO_NOT_ACTIVE'
  end
  if tonumber(promo[1]) - tonumber(promo[3]) < 1 then
    return 'PROMO_EXHAUSTED'
  end
  local used = tonumber(redis.call('HGET', used_key, user_id) or '0')
  local open = tonumber(redis.call('HGET', open_key, user_id) or '0')
  if used + open >= tonumber(promo[2]) then
    return 'PROMO_USER_LIMIT'
  end
  return nil
end

-- Each promo step changes the counters by increments only, and records its event.
local function reserve(promo_key, open_key, open_orders_key, events_key, promo_id, user_id,
                       order_id)
  redis.call('HINCRBY', promo_key, 'lockedCount', 1)
  redis.call('HINCRBY', open_key, user_id, 1)
  redis.call('ZADD', open_orders_key, now_us(), order_id)
  append_event(events_key, 'PROMO_RESERVED', promo_data(promo_id, user_id))
end

local function leave_open(promo_key, open_key, open_orders_key, user_id, order_id)
  redis.call('HINCRBY', promo_key, 'lockedCount', -1)
  if redis.call('HINCRBY', open_key, user_id, -1) <= 0 then
    redis.call('HDEL', open_key, user_id)
  end
  redis.call('ZREM', open_orders_key, order_id)
end

local function release(promo_key, open_key, open_orders_key, events_key, promo_id, user_id,
                       order_id, reason)
  leave_open(promo_key, open_key, open_orders_key, user_id, order_id)
  append_event(events_key, 'PROMO_RELEASED', promo_data(promo_id, user_id, reason))
end

local function redeem(promo_key, used_key, open_key, open_orders_key, events_key, promo_id,
                      user_id, order_id)
  leave_open(promo_key, open_key, open_orders_key, user_id, order_id)
  redis.call('HINCRBY', promo_key, 'count', -1)
  redis.call('HINCRBY', used_key, user_id, 1)
  append_event(events_key, 'PROMO_REDEEMED', promo_data(promo_id, user_id))
end

-- An item's entry in the order's items hash: 'A|<content>' while active, 'C|<content>' after
-- it is cancelled. The content fingerprint is made in Python (prices compared by value).
local function item_entries(items_key)
  local active = {}
  local flat = redis.call('HGETALL', items_key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i + 1], 1, 1) == 'A' then
      active[flat[i]] = string.sub(flat[i + 1], 3)
    end
  end
  return active
end

local function add_item(items_key, events_key, item)
  redis.call('HSET', items_key, item.id, 'A|' .. item.fp)
  append_event(events_key, 'ITEM_ADDED', item.data)
end

-- list[first..last] as a new table (unpack's stack holds only a few thousand values).
local function slice(list, first, last)
  local part = {}
  for i = first, last or #list do
    part[#part + 1] = list[i]
  end
  return part
end

-- `count` records of consecutive args from `first` on, each a table keyed by `names`.
local function records(args, first, count, names)
  local list, width = {}, #names
  for i = first, first + width * count - 1, width do
    local record = {}
    for j, name in ipairs(names) do
      record[name] = args[i + j - 1]
    end
    list[#list + 1] = record
  end
  return list
end

-- Triples (id, fingerprint, ITEM_ADDED data) from `first` on.
local function item_args(args, first, count)
  return records(args, first, count, {'id', 'fp', 'data'})
end

-- SPEC §9: a customer's call passes its own id as the owner an order must have ('' for a
-- service's call: any owner, or none). To that customer an order it does not own is absent,
-- checked here before any write, so a hidden order is refused exactly as a missing one.
local function hidden(owner_id, expected_owner)
  return expected_owner ~= '' and owner_id ~= expected_owner
end

-- The order's status, promo and user (status nil when there is no order, or it is hidden
-- from the caller expecting `expected_owner`; the reaper passes none).
local function order_state(order_key, expected_owner)
  local order = redis.call('HMGET', order_key, 'status', 'promoId', 'userId', 'ownerId')
  if expected_owner and hidden(order[4], expected_owner) then
    return nil
  end
  return order[1], order[2], order[3]
end

-- Closing an order as `target` (COMPLETED or CANCELLED): the refusal as a reply, or nil when
-- it may close (an order already closed this way is answered as it is by the caller).
local function close_refusal(status, target)
  if not status then
    return refused('ORDER_NOT_FOUND', 'orderId')
  end
  local code = status ~= target and not_open_code(status)
  return code and refused(code) or nil
end

-- The entity listing of a home (docs/decisions.md, "Pages of an entity's orders"): one sorted
-- set of versions, all score 0, each member '<entity> <place> <orderId> <from> <A|D>' so
-- ZRANGEBYLEX walks an entity's orders in SPEC order (place: the earliest active period start,
-- '~' for none; fields separated by a space, below every id character). `from` is the home's
-- listing sequence when the version began; a retired version keeps its member, with the
-- sequence that ended it in `retired` and its time in `retired_at`, so a page read at an older
-- sequence still finds each order where it was. `counts` holds the current versions per
-- entity ('<entity>' shown, '<entity> D' declined).
local LISTING_RETENTION = 4200 -- seconds a retired version is kept: cursors live 3600

local function earliest_start(items_key)
  local earliest = nil
  for _, fp in pairs(item_entries(items_key)) do
    local start = string.match(fp, '^[^|]*|[^|]*|([^|]*)')
    if not earliest or start < earliest then
      earliest = start
    end
  end
  return earliest or '~'
end

local function count_field(entity_id, flag)
  return flag == 'D' and entity_id .. ' D' or entity_id
end

-- Give the order a new version when its place or its declined flag changes (`place` nil:
-- keep it). Only orders with an entity are listed.
local function relist(listing, order_key, order_id, place, flag)
  local entity_id, current = unpack(redis.call('HMGET', order_key, 'entityId', 'listed'))
  if not entity_id or entity_id == '' then
    return
  end
  local old_place, old_flag
  if current then
    old_place, old_flag = string.match(current, '^%S+ (%S+) %S+ %d+ (%a)$')
  end
  place, flag = place or old_place, flag or old_flag or 'A'
  if not place then
    return -- listed before listings existed, never since: left to a backfill
  end
  if place == old_place and flag == old_flag then
    return
  end
  local sequence = redis.call('INCR', listing.seq)
  if current then
    redis.call('HSET', listing.retired, current, sequence)
    redis.call('ZADD', listing.retired_at, redis.call('TIME')[1], current)
    redis.call('HINCRBY', listing.counts, count_field(entity_id, old_flag), -1)
  end
  local member = table.concat({entity_id, place, order_id, sequence, flag}, ' ')
  redis.call('ZADD', listing.listing, 0, member)
  redis.call('HSET', order_key, 'listed', member)
  redis.call('HINCRBY', listing.counts, count_field(entity_id, flag), 1)
  -- A few expired versions go with each change: the sets stay bounded by recent changes.
  local cutoff = tonumber(redis.call('TIME')[1]) - LISTING_RETENTION
  for _, old in ipairs(redis.call('ZRANGEBYSCORE', listing.retired_at, '-inf', cutoff,
      'LIMIT', 0, 4)) do
    redis.call('ZREM', listing.listing, old)
    redis.call('ZREM', listing.retired_at, old)
    redis.call('HDEL', listing.retired, old)
  end
end

local function listing_of(listing_key, retired_key, retired_at_key, counts_key, seq_key)
  local listing = {listing = listing_key, retired = retired_key, retired_at = retired_at_key,
    counts = counts_key, seq = seq_key}
  return listing
end
