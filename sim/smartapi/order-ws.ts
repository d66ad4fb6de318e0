import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SessionStore } from './auth.ts';
import { emptyOrderRow } from './order-row.ts';

export const ORDER_WS_PATH = '/smart-order-update';

interface OrderSocket {
  ws: WebSocket;
  clientcode: string;
  /** Fault knob: a frozen socket stays open but sends nothing, not even pongs. */
  frozen: boolean;
}

const UPGRADE_REFUSALS = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' } as const;

/** The order-update WebSocket (docs/smartapi.md §6): AB00 ack, AB01–AB11 pushes, text ping → pong. */
export class OrderSocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly byClient = new Map<string, Set<OrderSocket>>();
  private sent = 0;

  constructor(
    private readonly sessions: SessionStore,
    private readonly maxConnections: number,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path !== ORDER_WS_PATH) {
      refuse(socket, 404);
      return;
    }
    const check = this.sessions.check(req.headers.authorization);
    if (!check.ok) {
      refuse(socket, check.reason === 'expired' ? 403 : 401);
      return;
    }
    const clientcode = check.session.clientcode;
    if ((this.byClient.get(clientcode)?.size ?? 0) >= this.maxConnections) {
      refuse(socket, 429);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, clientcode));
  }

  /** Sends one update envelope to every socket of the client. */
  publish(clientcode: string, orderStatus: string, orderData: Record<string, unknown>): void {
    const sockets = this.byClient.get(clientcode);
    if (!sockets || sockets.size === 0) return;
    const message = JSON.stringify(envelope(clientcode, orderStatus, orderData));
    for (const s of sockets) this.send(s, message);
  }

  /** Fault knob: cuts sockets without a close frame, as a network drop would. */
  drop(clientcode?: string): number {
    const victims = this.select(clientcode);
    for (const s of victims) s.ws.terminate();
    return victims.length;
  }

  freeze(clientcode?: string, frozen = true): number {
    const victims = this.select(clientcode);
    for (const s of victims) s.frozen = frozen;
    return victims.length;
  }

  connections(clientcode?: string): number {
    return this.select(clientcode).length;
  }

  get messagesSent(): number {
    return this.sent;
  }

  close(): void {
    for (const s of this.select()) s.ws.terminate();
    this.wss.close();
  }

  private attach(ws: WebSocket, clientcode: string): void {
    const entry: OrderSocket = { ws, clientcode, frozen: false };
    const set = this.byClient.get(clientcode) ?? new Set<OrderSocket>();
    set.add(entry);
    this.byClient.set(clientcode, set);
    ws.on('close', () => set.delete(entry));
    ws.on('error', () => set.delete(entry));
    // The JS SDK heartbeats with a text "ping"; the Python SDK with protocol pings.
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === 'ping') this.send(entry, 'pong');
    });
    ws.on('ping', (data) => {
      if (!entry.frozen) ws.pong(data);
    });
    this.send(entry, JSON.stringify(envelope(clientcode, 'AB00', emptyOrderRow())));
  }

  private send(s: OrderSocket, message: string): void {
    if (s.frozen || s.ws.readyState !== s.ws.OPEN) return;
    this.sent += 1;
    s.ws.send(message);
  }

  private select(clientcode?: string): OrderSocket[] {
    const sets = clientcode === undefined ? [...this.byClient.values()] : [this.byClient.get(clientcode) ?? new Set<OrderSocket>()];
    return sets.flatMap((set) => [...set]);
  }
}

function envelope(clientcode: string, orderStatus: string, orderData: Record<string, unknown>) {
  return { 'user-id': clientcode, 'status-code': '200', 'order-status': orderStatus, 'error-message': '', orderData };
}

function refuse(socket: Duplex, status: keyof typeof UPGRADE_REFUSALS): void {
  socket.end(`HTTP/1.1 ${status} ${UPGRADE_REFUSALS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
