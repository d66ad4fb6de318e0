/** One event of a text/event-stream: its `event:` name and its `data:` lines joined. */
export interface StreamEvent {
  event: string | undefined;
  data: string;
}

/** The events of an event-stream body (GraphQL over SSE) as they arrive. */
export async function* streamEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer = (buffer + decoder.decode(chunk, { stream: true })).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      yield { event, data };
    }
  }
}

export interface StreamedEvent {
  cursor: string;
  status: string;
  order: { id: string };
}

/** orderEvents over SSE: what arrived so far; `close` drops the connection. */
export function subscribeSse(base: string, token: string, args: string): { events: StreamedEvent[]; close(): void } {
  const { items, close } = subscribeOverSse<StreamedEvent>(
    base,
    token,
    `subscription { orderEvents(${args}) { cursor status order { id } } }`,
    'orderEvents',
  );
  return { events: items, close };
}

/** Any subscription over SSE: each payload of its root `field`, as it arrives; `close` drops the connection. */
export function subscribeOverSse<T>(base: string, token: string, query: string, field: string): { items: T[]; close(): void } {
  const abort = new AbortController();
  const items: T[] = [];
  const url = new URL('/graphql', base);
  url.searchParams.set('query', query);
  void (async () => {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` }, signal: abort.signal });
    for await (const { event, data } of streamEvents(response.body!)) {
      if (event !== 'next' || !data) continue;
      const payload = JSON.parse(data) as { data?: Record<string, T> };
      if (payload.data?.[field] !== undefined) items.push(payload.data[field]);
    }
  })().catch(() => undefined);
  return { items, close: () => abort.abort() };
}
