// An account's connection status (ConnectionStatus in core/types.ts) from what its session and its order
// socket say, with the broker's words in the reason. Only changes are reported, and only by the
// instance that watches the account (follows its socket): another instance that merely sends
// to it, with a session shared through Redis, would overwrite "order updates live" with less.
// connectAccount records the answer of an explicit connect() itself.
import { istParts } from '../../core/clock.ts';
import type { SessionEvent } from './session.ts';
import type { SocketState } from './order-socket.ts';
import type { ConnectionStatus } from '../../core/types.ts';

export interface StatusReport {
  status: ConnectionStatus;
  reason: string | null;
}

function istClock(at: Date): string {
  const { minutes } = istParts(at);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export class ConnectionStatusTracker {
  private session: SessionEvent | null = null;
  private socket: SocketState | null = null;
  private reported: StatusReport | null = null;
  private recorded: Promise<void> = Promise.resolve();
  private reporting = false;

  constructor(private readonly report: (status: StatusReport) => Promise<void>) {}

  onSession(event: SessionEvent): void {
    this.session = event;
    this.publish();
  }

  onSocket(state: SocketState | null): void {
    this.socket = state;
    this.publish();
  }

  current(): StatusReport {
    return this.compute();
  }

  /** Whether this instance reports the account's status: while it watches (follows) the account. */
  setReporting(on: boolean): void {
    this.reporting = on;
    if (!on) this.reported = null;
    else this.publish();
  }

  /** Resolves once every change reported so far is recorded. */
  settled(): Promise<void> {
    return this.recorded;
  }

  private publish(): void {
    if (!this.reporting) return;
    const next = this.compute();
    if (this.reported && this.reported.status === next.status && this.reported.reason === next.reason) return;
    this.reported = next;
    this.recorded = this.report(next);
  }

  private compute(): StatusReport {
    const session = this.session;
    if (!session) return { status: 'DISCONNECTED', reason: null };
    switch (session.kind) {
      case 'logging-in':
        return { status: 'CONNECTING', reason: `logging in to SmartAPI (${session.why})` };
      case 'refused':
        return { status: 'AUTH_FAILED', reason: session.error.message };
      case 'failed':
        return { status: 'ERROR', reason: session.error.message };
      case 'expired':
        return { status: 'SESSION_EXPIRED', reason: `${session.error.message}; logging in again` };
      case 'logged-in': {
        const since = `logged in at ${istClock(session.grant.loggedInAt)} IST`;
        if (this.socket?.kind === 'lost') {
          return {
            status: 'RECONNECTING',
            reason: `${since}; order-update socket ${this.socket.reason}, reconnecting (the order book is polled every second meanwhile)`,
          };
        }
        return { status: 'CONNECTED', reason: this.socket?.kind === 'open' ? `${since}; order updates live` : since };
      }
    }
  }
}
