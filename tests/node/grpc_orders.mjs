// A Node gRPC client of ordo.v1 (@grpc/grpc-js + @grpc/proto-loader, the proto as committed):
// create -> get -> update -> decline -> restore -> watch, the errors' google.rpc.Status
// decoded from grpc-status-details-bin, and ownership under a customer's JWT.
// Usage: node grpc_orders.mjs <host:port> <token of customer A> <token of customer B>
// Prints one JSON line: what each step saw (tests/e2e/test_grpc_clients.py checks it).
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";

const [target, tokenA, tokenB] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const protoDir = path.resolve(here, "../../proto");
const definition = protoLoader.loadSync("ordo/v1/order_service.proto", {
  includeDirs: [protoDir],
  keepCase: true,
  enums: String,
  longs: Number,
  defaults: false,
  oneofs: true,
});
const ordo = grpc.loadPackageDefinition(definition).ordo.v1;
const client = new ordo.OrderService(target, grpc.credentials.createInsecure());

// google.rpc.Status and the details ordo sends, as protobufjs reads them.
const rpc = protobuf.parse(`
  syntax = "proto3";
  package google.rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
  message BadRequest {
    message FieldViolation { string field = 1; string description = 2; string reason = 3; }
    repeated FieldViolation field_violations = 1;
  }`, { keepCase: true }).root;
const Status = rpc.lookupType("google.rpc.Status");
const kinds = {
  "type.googleapis.com/google.rpc.ErrorInfo": rpc.lookupType("google.rpc.ErrorInfo"),
  "type.googleapis.com/google.rpc.BadRequest": rpc.lookupType("google.rpc.BadRequest"),
};

function decoded(error) {
  const [raw] = error.metadata.get("grpc-status-details-bin");
  const status = Status.toObject(Status.decode(raw));
  const details = status.details.map((any) => {
    const kind = kinds[any.type_url];
    return { type: any.type_url.split("/")[1], ...kind.toObject(kind.decode(any.value)) };
  });
  return { code: grpc.status[error.code], statusCode: status.code, details };
}

function meta(token) {
  const metadata = new grpc.Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

function call(method, request, token) {
  return new Promise((resolve) => {
    client[method](request, meta(token), (error, response) =>
      resolve(error ? { error: decoded(error) } : { response }),
    );
  });
}

const date = (text) => {
  const [year, month, day] = text.split("-").map(Number);
  return { year, month, day };
};
const item = (id, price) => ({
  order_item_id: id, service_id: "svc", price, period_start_date: date("2026-01-10"),
});
const suffix = Math.random().toString(16).slice(2);
const orderId = `node-${suffix}`;
const entityId = `node-e-${suffix}`;
const type = { rent_payment: { payment_date: date("2026-02-01"), term: "RENT_TERM_FULL" } };

const seen = {};
seen.created = await call("CreateOrderWithItems", {
  order_id: orderId, entity_id: entityId, type, items: [item("a", "10.50")],
}, tokenA);
seen.got = await call("GetOrder", { order_id: orderId }, tokenA);
seen.updated = await call("UpdateOrder", {
  order_id: orderId, cancel_item_ids: ["a"], add_items: [item("b", "0.30")],
}, tokenA);
seen.declined = await call("DeclineOrder", { order_id: orderId }, tokenA);
seen.restored = await call("RestoreOrder", { order_id: orderId }, tokenA);
seen.hidden = await call("GetOrder", { order_id: orderId }, tokenB);
seen.duplicate = await call("CreateOrderWithItems", {
  order_id: `${orderId}-2`, entity_id: entityId, type, items: [item("a", "1"), item("a", "1")],
}, tokenA);

// The watch: the order's whole history, then one live event.
seen.watched = await new Promise((resolve, reject) => {
  const events = [];
  const stream = client.WatchOrderEvents({ order_id: orderId }, meta(tokenA));
  stream.on("data", async (sent) => {
    events.push({ type: sent.event.type, version: sent.event.version, cursor: sent.cursor });
    if (events.length === 6) {
      await call("UpdateOrder", { order_id: orderId, add_items: [item("c", "1")] }, tokenA);
    }
    if (events.length === 7) {
      stream.cancel();
      resolve(events);
    }
  });
  stream.on("error", (error) => {
    if (error.code !== grpc.status.CANCELLED) reject(error);
  });
});
client.close();
console.log(JSON.stringify(seen));
