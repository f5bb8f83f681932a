// The load generator both gRPC servers accept (bench/load.py's grpc_load): closed loop,
// `inflight` CreateOrder (promo) calls at a time over `channels` HTTP/2 connections, for
// `seconds`; a user picked at random from the seeded ones for each call, as wrk's
// rest_create.lua does. An answer without an order, or any status but OK, is wrong.
// Prints one line `BENCH_RESULT {json}` with wrk's figures (bench/wrk/common.lua's names).
// Usage: node load.mjs TARGET SECONDS INFLIGHT CHANNELS USERS USER_PREFIX PROMO REPO_ROOT
import * as grpc from '@grpc/grpc-js';
import { orderService } from './proto.mjs';

const [target, seconds, inflight, channels, users, userPrefix, promo, root] = process.argv.slice(2);
const OrderService = orderService(root);
// Its own subchannel pool per client: otherwise grpc-js shares one connection among them.
const clients = Array.from({ length: Number(channels) }, () =>
  new OrderService(target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
await Promise.all(clients.map((client) => new Promise((resolve, reject) =>
  client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())))));

const latencies = [];
let wrong = 0, timeouts = 0, firstError = null;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(Number(seconds) * 1e9));

function call(client) {
  return new Promise((resolve) => {
    const request = { user_id: userPrefix + Math.floor(Math.random() * Number(users)), promo_id: promo };
    const sent = process.hrtime.bigint();
    client.CreateOrder(request, { deadline: Date.now() + 5000 }, (error, answer) => {
      latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
      if (error || !answer?.order?.order_id) {
        wrong++;
        if (error?.code === grpc.status.DEADLINE_EXCEEDED) timeouts++;
        firstError ??= error ? `${grpc.status[error.code]}: ${error.details}` : 'no order';
      }
      resolve();
    });
  });
}

async function worker(client) {
  while (process.hrtime.bigint() < end) await call(client);
}

await Promise.all(Array.from({ length: Number(inflight) }, (_, n) => worker(clients[n % clients.length])));
const durationUs = Number(process.hrtime.bigint() - start) / 1000;
clients.forEach((client) => client.close());
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
console.log('BENCH_RESULT ' + JSON.stringify({
  requests: latencies.length, duration_us: durationUs, p50_us: at(0.5), p90_us: at(0.9),
  p99_us: at(0.99), max_us: latencies[latencies.length - 1] ?? 0, wrong, connect: 0, read: 0,
  write: 0, timeout: 0, status: 0, deadline_exceeded: timeouts, first_error: firstError,
}));
