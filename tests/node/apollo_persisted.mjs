// Apollo Client with its automatic persisted queries link against a running ordo: the first
// call of a document sends only its hash, meets PersistedQueryNotFound and retries with the
// text; the second call sends only the hash. Prints one JSON line: what each HTTP request
// carried, and what the client got.
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";
import { createHash } from "node:crypto";

const [url, orderId, useGet, name] = process.argv.slice(2);
const sent = [];
const counting = async (uri, options) => {
  const response = await fetch(uri, options);
  const body = options.method === "GET" ? Object.fromEntries(new URL(uri).searchParams) : JSON.parse(options.body);
  const answer = await response.clone().json();
  sent.push({ method: options.method, hasQuery: "query" in body, status: response.status,
              code: answer.errors?.[0]?.extensions?.code ?? null });
  return response;
};
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: useGet === "get" })
  .concat(new HttpLink({ uri: `${url}/graphql`, fetch: counting }));
const client = new ApolloClient({ link, cache: new InMemoryCache() });

const READ = gql(`query ${name}($id: ID!) { order(orderId: $id) { orderId status } }`);
const results = [];
for (let i = 0; i < 2; i++) {
  const read = await client.query({ query: READ, variables: { id: orderId }, fetchPolicy: "network-only" });
  results.push(read.data.order);
}
console.log(JSON.stringify({ sent, results }));
