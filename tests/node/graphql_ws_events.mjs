// graphql-ws (the client Apollo's GraphQLWsLink and urql use) against ordo: subscribe to an
// order's events, take `count`, answer them as JSON. Args: ws-url order-id count [after-id].
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, orderId, count, after] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
const query =
  "subscription($o: ID!, $after: ID) { orderEvents(orderId: $o, after: $after) { id orderId version type } }";
const got = [];
const events = client.iterate({ query, variables: { o: orderId, after: after ?? null } });
for await (const result of events) {
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  got.push(result.data.orderEvents);
  if (got.length >= Number(count)) break;
}
await client.dispose();
console.log(JSON.stringify(got));
