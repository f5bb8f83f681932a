// Apollo Client's InMemoryCache with no type policies against a running ordo: an entity's
// orders read by `order`, by `entityOrders` and by `node` are normalised to one `Order:<id>`
// entry each (Relay's global ids). Prints one JSON line: the cache's keys and entries.
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client/core/index.js";

const [url, entityId, ...orderIds] = process.argv.slice(2);
const cache = new InMemoryCache();
const client = new ApolloClient({ link: new HttpLink({ uri: `${url}/graphql` }), cache });

const page = await client.query({
  query: gql`query Page($e: ID!) {
    entityOrders(entityId: $e, first: 100) { edges { cursor node { id orderId status } } }
  }`,
  variables: { e: entityId },
});
const ids = page.data.entityOrders.edges.map((edge) => edge.node.id);
for (const orderId of orderIds) {
  await client.query({
    query: gql`query Read($o: ID!) { order(orderId: $o) { id orderId total } }`,
    variables: { o: orderId },
  });
}
for (const id of ids) {
  await client.query({
    query: gql`query Node($id: ID!) { node(id: $id) { id ... on Order { version } } }`,
    variables: { id },
  });
}
const extracted = cache.extract();
const orders = Object.fromEntries(
  Object.entries(extracted).filter(([key]) => key !== "ROOT_QUERY"),
);
console.log(JSON.stringify({ ids, keys: Object.keys(extracted), orders, root: extracted.ROOT_QUERY }));
