// Reading ordo's change feed (SPEC §10) from another language, with nothing of ordo's but the
// key names: a consumer group read with a plain Redis client (ioredis), as `ordo feed --group`
// does it in feed/groups.py. docs/scaling.md, "Reading the feed from another
// language", explains the layout; tests/e2e/test_feed_reader_node.py runs this file.
//
// Args: redis-url group consumer count [--cluster]
//   Reads `count` events as consumer `consumer` of group `group`, acknowledging each once it is
//   handled, then prints one JSON line:
//   [{partition, orderId, version, eventId, type, at, data}, ...] in the order it read them.
//   --cluster: redis-url names one or more seed nodes ("redis+cluster://h:p,h:p" as ordo's
//   ORDO_REDIS_URL spells it, or "redis://h:p"); the partitions are found on every master.
import Redis from "ioredis";

const [url, group, consumer, countArg, mode] = process.argv.slice(2);
const wanted = Number(countArg);
const cluster = mode === "--cluster";

// The feed's names (store/keys.py). A partition is one stream per cluster slot, named
// `ordo:{<tag>}:feed` where <tag> is "f" + a base-36 number chosen to hash to that slot, so
// this pattern matches every partition and nothing else. A script's first append publishes
// the partition's key on FEED_NEWS.
const FEED_PATTERN = "ordo:{f*}:feed";
const FEED_NEWS = "ordo:feed:news";
const BATCH = 100; // entries read from one partition per command
const QUIET_MS = 1000; // with no news for this long, look at every partition again

// Named, so an operator (and the test) can tell its connections apart in CLIENT LIST.
const options = { connectionName: "ordo-feed-reader", maxRetriesPerRequest: 3 };

function connect() {
  if (!cluster) return new Redis(url, options);
  const seeds = url
    .replace(/^[a-z+]+:\/\//, "")
    .split(",")
    .map((address) => {
      const [host, port] = address.split("/")[0].split(":");
      return { host, port: Number(port) };
    });
  // Routes each command to the master of its key's slot, following MOVED after a reshard.
  return new Redis.Cluster(seeds, { redisOptions: options });
}

const redis = connect();
const news = connect(); // a connection in subscriber mode takes no other command: a second one

// 1. Listen for news *before* looking for partitions, so a partition made in between is named
//    on the channel at least. PUBLISH reaches every node of a cluster, so one subscription
//    hears every partition's news.
const known = new Set(); // partitions where our group exists
const dirty = new Set(); // partitions that may hold entries we have not read
let wake = () => {};
news.on("message", (_channel, key) => {
  dirty.add(key);
  wake();
});
await news.subscribe(FEED_NEWS);

// 2. Find the partitions that exist now. SCAN is per server: on a cluster, scan each master.
//    (SCAN walks the whole keyspace once, at start. A reader that must not can instead compute
//    the 16,384 names, as store/keys.py does, and EXISTS them in one pipeline.)
async function scanPartitions() {
  // A Cluster client knows the masters once it has read the slot map: wait for that.
  if (cluster && redis.status !== "ready") await new Promise((ok) => redis.once("ready", ok));
  const servers = cluster ? redis.nodes("master") : [redis];
  const keys = [];
  for (const server of servers) {
    let cursor = "0";
    do {
      const [next, batch] = await server.scan(
        cursor, "MATCH", FEED_PATTERN, "COUNT", 1000, "TYPE", "stream",
      );
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
  }
  return keys;
}

// 3. A consumer group of our name on each partition. From "0": a new group starts at the oldest
//    entry the feed still keeps (ORDO_FEED_RETENTION); "$" would start at what comes next. The
//    group remembers its place in Redis, beside the entries: a restarted reader goes on from
//    there. BUSYGROUP only says the group exists already.
async function join(key) {
  if (known.has(key)) return;
  try {
    await redis.xgroup("CREATE", key, group, "0", "MKSTREAM");
  } catch (error) {
    if (!String(error.message).startsWith("BUSYGROUP")) throw error;
  }
  known.add(key);
}

// An entry's fields as lua/lib/prelude.lua's append_event writes them: orderId, entityId
// ('' if none), ownerId ('' if none), version (the order's event count after this one),
// eventId (the event's id in the order's own stream; its milliseconds are the event's time),
// type (e.g. ORDER_CREATED), data (the event's data as JSON text).
function fieldsOf(flat) {
  const fields = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

const read = [];

// Handling an entry is what the reader is for (here: keep it, to print); it is acknowledged
// only afterwards, so a reader that dies in between gets the entry again (at least once).
async function handle(key, id, flat) {
  if (flat) {
    // null fields: the entry was trimmed while pending, so there is nothing to handle
    const fields = fieldsOf(flat);
    read.push({
      partition: key,
      orderId: fields.orderId,
      version: Number(fields.version),
      eventId: fields.eventId,
      type: fields.type,
      at: new Date(Number(fields.eventId.split("-")[0])).toISOString(),
      data: JSON.parse(fields.data),
    });
  }
  await redis.xack(key, group, id);
}

// XREADGROUP on one partition from `start`: "0" for the entries delivered to this consumer and
// never acknowledged (a previous run died before XACK), ">" for entries new to the group.
// Reads no more than still wanted, so nothing is taken from the group that this run will not
// handle. Answers whether the partition may hold more.
async function readPartition(key, start) {
  let from = start;
  for (;;) {
    const room = wanted - read.length;
    if (room <= 0) return true;
    const reply = await redis.xreadgroup(
      "GROUP", group, consumer, "COUNT", Math.min(room, BATCH), "STREAMS", key, from,
    );
    const entries = reply ? reply[0][1] : [];
    for (const [id, flat] of entries) await handle(key, id, flat);
    if (entries.length < Math.min(room, BATCH)) return false;
    if (from !== ">") from = entries[entries.length - 1][0]; // pending: page on by id
  }
}

for (const key of await scanPartitions()) {
  await join(key);
  dirty.add(key);
}
// 4. Our own pending entries first, in each partition: each order's events stay in order.
//    (A consumer under another name would take over a dead one's entries with XAUTOCLAIM, as
//    feed/groups.py does; this example keeps to its own.)
for (const key of known) await readPartition(key, "0");

// 5. Then what is new, only where there is news; with no news for a while, everywhere (Pub/Sub
//    drops messages while a connection is down).
while (read.length < wanted) {
  if (dirty.size === 0) {
    const quiet = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), QUIET_MS);
      wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    wake = () => {};
    if (quiet) for (const key of known) dirty.add(key);
    continue;
  }
  const key = dirty.values().next().value;
  dirty.delete(key);
  await join(key); // a partition made after we started: the group reads it from its start
  if (await readPartition(key, ">")) dirty.add(key);
}

await Promise.all([redis.quit(), news.quit()]);
console.log(JSON.stringify(read));
