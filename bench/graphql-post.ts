/** One GraphQL-over-HTTP POST (JSON in, JSON out); throws on a non-JSON answer with its status. */
export async function postGraphql(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new Error(`${url} answered ${res.status} with non-JSON: ${text.slice(0, 300)}`);
  }
}
