/** A first call with an API token: the five newest orders, as a shell command. */
export function curlExample(origin: string, token: string): string {
  const body = JSON.stringify({ query: '{ orders(first: 5) { edges { node { symbol side quantity status latencyMs } } } }' });
  return [
    `curl -s ${origin}/graphql \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H 'authorization: Bearer ${token}' \\`,
    `  -d '${body}'`,
  ].join('\n');
}
