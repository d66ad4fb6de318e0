// SmartAPI's order-update WebSocket (docs/smartapi.md §6), with a client of Tandem's own: the SDK's
// WSOrderUpdates shares its handlers across instances, never clears its ping timer, hangs
// forever on a refused upgrade and crashes on a 404 (§12.7). This one sends the text "ping"
// the SDK sends, takes a silent socket for dead, and reconnects with back-off; a refused
// upgrade (401 invalid, 403 expired) gets a new login first.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { BrokerCallError } from '../port.ts';
import type { SessionGrant } from './session-store.ts';
import type { SmartApiSession } from './session.ts';

export type SocketState = { kind: 'open' } | { kind: 'lost'; reason: string; retryInMs: number };

export interface OrderSocketDeps {
  url: string;
  clientCode: string;
  session: SmartApiSession;
  log: Logger;
  /** One order's orderData, with the performance.now() it arrived at. */
  onOrderData: (orderData: Record<string, unknown>, receivedAt: number) => void;
  onState: (state: SocketState) => void;
}

/** SmartAPI's own SDK pings every 10 s. */
const HEARTBEAT_MS = 10_000;
/** No frame at all (not even a pong) for this long: the socket is dead. */
const STALE_AFTER_MS = 25_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const CONNECTION_LIMIT_WAIT_MS = 10_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export class OrderUpdateSocket {
  private ws: WebSocket | null = null;
  private running = false;
  private failures = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private lastFrameAt = 0;

  constructor(private readonly deps: OrderSocketDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.reconnect = null;
    this.drop();
  }

  private async connect(): Promise<void> {
    this.reconnect = null;
    let grant: SessionGrant;
    try {
      grant = await this.deps.session.current();
    } catch (error) {
      this.retry(`not logged in (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (!this.running) return;
    const ws = new WebSocket(this.deps.url, {
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      headers: {
        Authorization: `Bearer ${grant.tokens.jwtToken}`,
        'x-api-key': grant.apiKey,
        'x-client-code': this.deps.clientCode,
        'x-feed-token': grant.tokens.feedToken,
      },
    });
    this.ws = ws;
    let failure = 'closed';
    ws.on('open', () => {
      this.failures = 0;
      this.lastFrameAt = performance.now();
      this.heartbeat = setInterval(() => this.beat(ws), HEARTBEAT_MS);
      this.heartbeat.unref();
      this.deps.onState({ kind: 'open' });
    });
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('error', (error) => {
      failure = error.message;
      const refused = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
      if (refused === '401' || refused === '403') {
        const why = new BrokerCallError('session', `the order-update socket refused the session (HTTP ${refused})`, refused);
        void this.deps.session.renew(grant, why).catch(() => undefined);
      }
      if (refused === '429') failure = 'refused: three order-update sockets are open for this client code already (HTTP 429)';
    });
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.clearHeartbeat();
      this.ws = null;
      this.retry(failure === 'closed' ? `closed (code ${code})` : failure, failure.includes('429') ? CONNECTION_LIMIT_WAIT_MS : 0);
    });
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.lastFrameAt = performance.now();
    if (isBinary) return;
    const text = data.toString();
    if (text === 'pong') return;
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.deps.log.warn(
        { clientCode: this.deps.clientCode, frame: text.slice(0, 200) },
        'SmartAPI order socket sent a frame that is not JSON',
      );
      return;
    }
    const orderData = frame.orderData;
    if (orderData !== null && typeof orderData === 'object' && !Array.isArray(orderData)) {
      this.deps.onOrderData(orderData as Record<string, unknown>, this.lastFrameAt);
    }
  }

  /** The heartbeat SmartAPI's own SDK sends; a socket that stays silent is cut and reopened. */
  private beat(ws: WebSocket): void {
    if (performance.now() - this.lastFrameAt > STALE_AFTER_MS) {
      this.deps.log.warn({ clientCode: this.deps.clientCode }, 'SmartAPI order socket went silent; reconnecting');
      ws.terminate();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.send('ping');
  }

  private retry(reason: string, atLeastMs = 0): void {
    if (!this.running || this.reconnect) return;
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.failures) * (0.8 + 0.4 * Math.random());
    const retryInMs = Math.round(Math.max(atLeastMs, backoff));
    this.failures += 1;
    this.deps.onState({ kind: 'lost', reason, retryInMs });
    this.reconnect = setTimeout(() => void this.connect(), retryInMs);
    this.reconnect.unref();
  }

  private drop(): void {
    this.clearHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.terminate();
  }

  private clearHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
