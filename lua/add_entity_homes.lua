#!lua
-- The backfill of an entity's homes (`ordo reindex`): the homes its orders live under join the
-- set pages look in, as index_order adds them for new orders (a home that holds none of its
-- orders is an empty look). Adding a home already there changes nothing.
local entity_homes_key = KEYS[1]
local homes = slice(ARGV, 1)

if #homes > 0 then
  redis.call('SADD', entity_homes_key, unpack(homes))
end
return ok()
