// graphql-ws (the client Apollo's GraphQLWsLink and urql use) sends one subscribe and reports
// how it ended: {"errors": [...]} for an `error` message, {"data": [...]} for results then
// `complete`, {"closed": code, "reason"} if the socket closed. Args: ws-url query.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, query] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
const data = [];
const ended = await new Promise((resolve) => {
  client.subscribe(
    { query },
    {
      next: (result) => data.push(result),
      error: (error) =>
        resolve(
          Array.isArray(error)
            ? { errors: error }
            : { closed: error.code ?? null, reason: error.reason ?? String(error) },
        ),
      complete: () => resolve({ data }),
    },
  );
});
await client.dispose();
console.log(JSON.stringify(ended));
