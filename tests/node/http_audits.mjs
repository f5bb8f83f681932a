// graphql-http's server audits (the GraphQL-over-HTTP spec's conformance checks) against a
// running ordo, one after another. Prints one JSON line: {audits: [{id, name, status, reason}],
// statuses: [every HTTP status the server answered]}.
import { serverAudits } from "graphql-http";

const [url] = process.argv.slice(2);
const statuses = [];
async function fetchFn(...args) {
  const response = await fetch(...args);
  statuses.push(response.status);
  return response;
}

const audits = [];
for (const audit of serverAudits({ url: `${url}/graphql`, fetchFn })) {
  const { id, name, status, reason } = await audit.fn();
  audits.push({ id, name, status, reason: reason ?? null });
}
console.log(JSON.stringify({ audits, statuses }));
