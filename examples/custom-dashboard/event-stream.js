// A text/event-stream body read by hand, as graphql-sse's distinct-connections mode frames it
// (and Tandem writes it): `event: next` + `data: <ExecutionResult JSON>` per result,
// `event: complete` at the end, and `:` comment lines to keep proxies from closing a quiet stream.

/**
 * The frames of an event-stream body as they arrive: `{ event, data }`, with `event: null` for a
 * comment-only frame (so a watchdog can count it as a sign of life).
 * @param {ReadableStream<Uint8Array>} body
 */
export async function* eventFrames(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + value).replace(/\r\n?/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        yield parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } finally {
    // Also when the reader stops early (a `complete` frame): the connection is let go at once.
    await reader.cancel().catch(() => undefined);
  }
}

/** One frame's lines: `field: value` (one optional space after the colon), `:` starts a comment. */
function parseFrame(frame) {
  let event = null;
  const data = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.join('\n') };
}
