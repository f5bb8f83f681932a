// A gRPC server with no work in it (bench/grpc_stacks.py): CreateOrder answers an Order made
// from the request; with a Redis port, after a PING by ioredis. What @grpc/grpc-js itself
// costs a call, beside Python's stacks.
// Usage: node hello.mjs PORT REPO_ROOT [REDIS_PORT]
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import Redis from 'ioredis';
import { orderService } from './proto.mjs';

const [port, root, redisPort] = process.argv.slice(2);
const redis = Number(redisPort) ? new Redis({ port: Number(redisPort), host: '127.0.0.1' }) : null;
const server = new grpc.Server();
server.addService(orderService(root).service, {
  async CreateOrder(call, callback) {
    if (redis) await redis.ping();
    const { user_id: userId, promo_id: promoId } = call.request;
    const now = Date.now();
    const at = { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 };
    callback(null, { order: {
      order_id: randomBytes(16).toString('hex'), status: 'ORDER_STATUS_OPEN', total: '0',
      created_at: at, updated_at: at, version: 2, promo: { promo_id: promoId, user_id: userId },
    } });
  },
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  console.log(`listening on ${port}`);
});
