import type { Plugin } from 'graphql-yoga';

/**
 * A browser sends a form, a multipart upload or text/plain to any site without asking first;
 * JSON needs a CORS preflight, which only a listed origin passes. Accepting JSON alone means
 * no page elsewhere can make a signed-in user's browser run a mutation. These are the two
 * types Yoga reads as JSON, matched the way Yoga matches them, so whatever passes here is read.
 */
const JSON_MEDIA_TYPES = ['application/json', 'application/graphql+json'];
const JSON_PARAMETERS = ['variables', 'extensions'] as const;

function isJson(contentType: string | null): boolean {
  const first = (contentType ?? '').split(',')[0]!;
  return JSON_MEDIA_TYPES.some((type) => first === type || first.startsWith(`${type};`));
}

function refusal(status: number, message: string, extensions: Record<string, string>): Response {
  return Response.json({ errors: [{ message, extensions }] }, { status });
}

/**
 * What the GraphQL-over-HTTP transport accepts, checked before Yoga reads the request: POST
 * bodies in JSON only (415 otherwise), and GET's `variables`/`extensions` parameters in JSON,
 * which Yoga would otherwise fail to parse as an internal error.
 */
export function useGraphQLRequestRules(): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method === 'POST' && !isJson(request.headers.get('content-type'))) {
        return endResponse(
          refusal(
            415,
            'send GraphQL requests as JSON: Content-Type: application/json and a body like {"query": "...", "variables": {...}}',
            { code: 'UNSUPPORTED_MEDIA_TYPE' },
          ),
        );
      }
      if (request.method !== 'GET') return;
      for (const name of JSON_PARAMETERS) {
        const text = url.searchParams.get(name);
        if (!text) continue;
        try {
          JSON.parse(text);
        } catch {
          return endResponse(
            refusal(400, `the ${name} parameter is not valid JSON; send a URL-encoded JSON object`, {
              code: 'BAD_USER_INPUT',
              field: name,
            }),
          );
        }
      }
    },
  };
}
