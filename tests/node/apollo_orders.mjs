// Apollo Client (the React ecosystem's GraphQL client) against a running ordo: a promo order
// created, read back and completed, an expected refusal read as data, a failed query's
// top-level error. Prints one JSON line: what the client saw.
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client/core/index.js";

const [url, token, userId, promoId] = process.argv.slice(2);
const client = new ApolloClient({
  link: new HttpLink({ uri: `${url}/graphql`, headers: { authorization: `Bearer ${token}` } }),
  cache: new InMemoryCache(),
});

const ORDER = "order { orderId status version promo { promoId userId } } errors { code status field }";
const create = await client.mutate({
  mutation: gql`mutation Create($input: CreateOrderInput) { createOrder(input: $input) { ${ORDER} } }`,
  variables: { input: { userId, promoId } },
});
const orderId = create.data.createOrder.order.orderId;
const read = await client.query({
  query: gql`query Read($id: ID!) { order(orderId: $id) { orderId status events { type } } }`,
  variables: { id: orderId },
  fetchPolicy: "network-only",
});
const complete = await client.mutate({
  mutation: gql`mutation Complete($id: ID!) { completeOrder(orderId: $id) { ${ORDER} } }`,
  variables: { id: orderId },
});
const refused = await client.mutate({
  mutation: gql`mutation Create($input: CreateOrderInput) { createOrder(input: $input) { ${ORDER} } }`,
  variables: { input: { userId, promoId: "no-such-promo" } },
});
let missing;
try {
  await client.query({
    query: gql`query Read($id: ID!) { order(orderId: $id) { orderId } }`,
    variables: { id: "no-such-order" },
    fetchPolicy: "network-only",
  });
} catch (error) {
  missing = error.graphQLErrors.map((e) => e.extensions);
}
console.log(JSON.stringify({
  created: create.data.createOrder,
  read: read.data.order,
  completed: complete.data.completeOrder,
  refused: refused.data.createOrder,
  missing,
}));
