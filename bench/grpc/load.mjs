// The load generator both gRPC servers accept (bench/load.py's grpc_load): closed loop,
// `inflight` CreateOrder (promo) calls at a time over `channels` HTTP/2 connections, for
// `seconds`; a user picked at random from the seeded ones for each call, as wrk's
// rest_create.lua does. A call is right when its answer is HTTP 200 with grpc-status 0 and
// an Order with an id (each answer decoded); anything else is wrong.
//
// It speaks gRPC with Node's own http2 client, the request messages encoded once by the
// proto's own serializer (@grpc/proto-loader): @grpc/grpc-js's client spent so much CPU a
// call that it could not send more than ~1,000 calls/s on this machine, leaving both servers
// half idle (a server's CPU per call then measures its idle wake-ups as much as its work).
// Prints one line `BENCH_RESULT {json}` with wrk's figures (bench/wrk/common.lua's names).
// Usage: node load.mjs TARGET SECONDS INFLIGHT CHANNELS USERS USER_PREFIX PROMO REPO_ROOT
import http2 from 'node:http2';
import { orderService } from './proto.mjs';

const [target, seconds, inflight, channels, users, userPrefix, promo, root] = process.argv.slice(2);
const method = orderService(root).service.CreateOrder;
const framed = (message) => {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1); // byte 0: not compressed
  message.copy(frame, 5);
  return frame;
};
const bodies = Array.from({ length: Number(users) }, (_, n) =>
  framed(method.requestSerialize({ user_id: userPrefix + n, promo_id: promo })));
const HEADERS = {
  ':method': 'POST', ':path': method.path, 'content-type': 'application/grpc', te: 'trailers',
  'grpc-timeout': '5S',
};

const sessions = await Promise.all(Array.from({ length: Number(channels) }, () =>
  new Promise((resolve, reject) => {
    const session = http2.connect(`http://${target}`);
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  })));

const latencies = [];
let wrong = 0, timeouts = 0, firstError = null;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(Number(seconds) * 1e9));

function verdict(status, grpcStatus, chunks) {
  if (status !== 200 || grpcStatus !== '0') return `HTTP ${status}, grpc-status ${grpcStatus}`;
  const body = Buffer.concat(chunks);
  if (body.length < 5 || body.readUInt32BE(1) !== body.length - 5) return 'a broken frame';
  return method.responseDeserialize(body.subarray(5)).order?.order_id ? null : 'no order';
}

function call(session) {
  return new Promise((resolve) => {
    const sent = process.hrtime.bigint();
    const stream = session.request(HEADERS);
    let status = 0, grpcStatus = null;
    const chunks = [];
    stream.on('response', (headers) => {
      status = headers[':status'];
      grpcStatus = headers['grpc-status'] ?? grpcStatus; // a trailers-only answer
    });
    stream.on('trailers', (trailers) => { grpcStatus = trailers['grpc-status']; });
    stream.on('data', (chunk) => chunks.push(chunk));
    const done = (error) => {
      latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
      const why = error ? String(error) : verdict(status, grpcStatus, chunks);
      if (why) {
        wrong++;
        if (grpcStatus === '4') timeouts++; // DEADLINE_EXCEEDED
        firstError ??= why;
      }
      resolve();
    };
    stream.on('end', () => done(null));
    stream.on('error', done);
    stream.end(bodies[Math.floor(Math.random() * bodies.length)]);
  });
}

async function worker(session) {
  while (process.hrtime.bigint() < end) await call(session);
}

await Promise.all(Array.from({ length: Number(inflight) }, (_, n) => worker(sessions[n % sessions.length])));
const durationUs = Number(process.hrtime.bigint() - start) / 1000;
sessions.forEach((session) => session.close());
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
console.log('BENCH_RESULT ' + JSON.stringify({
  requests: latencies.length, duration_us: durationUs, p50_us: at(0.5), p90_us: at(0.9),
  p99_us: at(0.99), max_us: latencies[latencies.length - 1] ?? 0, wrong, connect: 0, read: 0,
  write: 0, timeout: 0, status: 0, deadline_exceeded: timeouts, first_error: firstError,
}));
