// The gRPC twin of ../shared/peers/mercurius: ordo.v1.OrderService's CreateOrder (promo) behind
// @grpc/grpc-js + @grpc/proto-loader and ioredis, doing what ordo's promo create does in Redis:
// ordo's own two scripts (read from the repo's lua/ with its prelude, as store/scripts.py sends
// them) on ordo's keys (store/keys.py), in one pipeline. A user once seen is remembered, as
// ordo's resolvers/users.py does. The answer is the proto's Order, folded from the events the
// script returns (id, status, version, times, promo).
// Usage: node peer.mjs GRPC_PORT REDIS_PORT REPO_ROOT
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import Redis from 'ioredis';
import { orderService } from './proto.mjs';

const [port, redisPort, root] = process.argv.slice(2);
const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1' });

function script(name) {
  const body = readFileSync(path.join(root, 'lua', `${name}.lua`), 'utf8');
  const prelude = readFileSync(path.join(root, 'lua', 'lib', 'prelude.lua'), 'utf8');
  const text = body.startsWith('#!') ? body.slice(body.indexOf('\n') + 1) : body;
  return `#!lua\n${prelude}\n${text}`;
}
redis.defineCommand('claimHome', { numberOfKeys: 3, lua: script('claim_order_home') });
redis.defineCommand('createOrder', { numberOfKeys: 7, lua: script('create_order') });
const CREATED = '{"entityId": null, "type": null}'; // json.dumps of resolvers/orders.py's

// store/keys.py: a feed partition per cluster slot, named by the first tag 'f<base 36 n>' in it.
function crc16(text) {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
const slot = (tag) => crc16(tag) % 16384;
const feeds = new Map();
function feedKey(tag) {
  let key = feeds.get(tag);
  if (key === undefined) {
    let n = 0;
    while (slot(`f${n.toString(36)}`) !== slot(tag)) n++;
    key = `ordo:{f${n.toString(36)}}:feed`;
    feeds.set(tag, key);
  }
  return key;
}

const knownUsers = new Set();
class Refused extends Error {}

async function create(userId, promoId) {
  const id = randomBytes(16).toString('hex');
  if (!knownUsers.has(userId)) {
    if (!(await redis.exists(`ordo:{u:${userId}}:user`))) throw new Refused('USER_NOT_AUTHORIZED');
    knownUsers.add(userId);
  }
  const tag = `p:${promoId}`, own = `o:${id}`, p = `ordo:{${tag}}`, o = `ordo:{${own}}`;
  const [[e1], [e2, reply]] = await redis.pipeline()
    .claimHome(`${o}:home`, `${o}:order:${id}`, `${o}:home-generation`, tag, own, '', '')
    .createOrder(`${p}:order:${id}`, `${p}:events:${id}`, `${p}:promo`, `${p}:used`, `${p}:open`,
                 `${p}:open-orders`, feedKey(tag), id, promoId, userId, CREATED, '')
    .exec();
  if (e1 || e2) throw e1 || e2;
  if (reply[0] !== 'ok') throw new Refused(reply[1]);
  return order(id, reply[1], promoId, userId);
}

function instant(entryId) {
  const ms = Number(entryId.slice(0, entryId.indexOf('-')));
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function order(id, entries, promoId, userId) {
  return {
    order_id: id,
    status: 'ORDER_STATUS_OPEN',
    total: '0',
    created_at: instant(entries[0][0]),
    updated_at: instant(entries[entries.length - 1][0]),
    version: entries.length,
    promo: { promo_id: promoId, user_id: userId },
  };
}

const server = new grpc.Server();
server.addService(orderService(root).service, {
  CreateOrder(call, callback) {
    const { user_id: userId, promo_id: promoId } = call.request;
    create(userId, promoId).then(
      (made) => callback(null, { order: made }),
      (error) => callback({
        code: error instanceof Refused ? grpc.status.FAILED_PRECONDITION : grpc.status.INTERNAL,
        details: error.message,
      }),
    );
  },
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  console.log(`listening on ${port}`);
});
