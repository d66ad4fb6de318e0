import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver saw it: the raw body, as signed, and the headers that came with it. */
export interface ReceivedAlert {
  rawBody: string;
  body: Record<string, unknown> & { id: string; kind: string; severity: string; text: string };
  headers: IncomingHttpHeaders;
  deliveryId: string;
  /** The status the receiver answered with; null while it holds the request unanswered. */
  answered: number | null;
}

/** What the receiver answers to its n-th post (0-based): a status, or 'hang' to never answer. */
export type Answer = (post: ReceivedAlert, index: number) => number | 'hang';

export interface AlertReceiver {
  url: string;
  posts: ReceivedAlert[];
  /** Changes what later posts are answered. */
  answer(next: Answer): void;
  /** Starts listening (again) on the same port: a receiver that was down comes up. */
  up(): Promise<void>;
  /** Stops listening and cuts every connection. */
  down(): Promise<void>;
}

/**
 * A real HTTP endpoint standing in for a team's alert webhook. `listening: false` reserves a port
 * and leaves it closed: the receiver is down until `up()`.
 */
export async function startAlertReceiver(answer: Answer = () => 200, options: { listening?: boolean } = {}): Promise<AlertReceiver> {
  let answerWith = answer;
  const posts: ReceivedAlert[] = [];
  let server: Server | null = null;
  const listen = async (port: number) => {
    server = createServer((req, res) => {
      let rawBody = '';
      req.on('data', (chunk: Buffer) => (rawBody += chunk.toString()));
      req.on('end', () => {
        const post: ReceivedAlert = {
          rawBody,
          body: JSON.parse(rawBody) as ReceivedAlert['body'],
          headers: req.headers,
          deliveryId: String(req.headers['x-tandem-delivery']),
          answered: null,
        };
        posts.push(post);
        const status = answerWith(post, posts.length - 1);
        if (status === 'hang') return;
        post.answered = status;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(0);
  const down = async () => {
    const closing = server;
    server = null;
    if (!closing) return;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  if (options.listening === false) await down();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    posts,
    answer: (next) => {
      answerWith = next;
    },
    up: async () => {
      if (!server) await listen(port);
    },
    down,
  };
}

/** What a receiver must do with X-Tandem-Signature (docs/api.md §8), written out independently of the server's code. */
export function signatureVerifies(post: ReceivedAlert, secret: string): boolean {
  const timestamp = post.headers['x-tandem-timestamp'];
  const signature = post.headers['x-tandem-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${post.rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
