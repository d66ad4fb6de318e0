// SmartAPI's REST calls through smartapi-javascript, with the session and the per-endpoint
// limits around each one. Every answer is read by readAnswer and failures are thrown as typed
// BrokerCallErrors. A call the broker refused for its session logs in again; it is made once
// more only when the caller says that is safe (never for a placeOrder: the broker adapter
// looks that one up by tag first). A call refused for the rate limit was not carried out, so
// it waits and goes again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { BrokerCallError } from '../port.ts';
import { readAnswer } from './answer.ts';
import type { AccountRateWindows, RateWindowsFactory } from '../../orders/account-limiter.ts';
import { CallPacer, ORDER_BOOK_WINDOWS, ORDER_CALL_WINDOWS, type CallWindow } from './call-pacer.ts';
import { createSdk, type SdkAnswer, type SmartApiSdk } from './sdk.ts';
import type { SessionGrant, SmartApiSession } from './session.ts';

export interface RestDeps {
  clientCode: string;
  root: string;
  timeoutMs: number;
  session: SmartApiSession;
  log: Logger;
  /**
   * Where the order-book allowance (1/s per client code) is counted beside this process's own
   * pacing: shared by every instance through Redis when given. Order calls need no more here:
   * the engine's limiter already shares their allowance.
   */
  sharedWindows?: RateWindowsFactory;
}

export type Endpoint = 'orders' | 'orderBook';

export interface CallOptions {
  /** Whether the call may be made again after a new login (reads, modify, cancel: yes; place: no). */
  againAfterLogin: boolean;
}

const RATE_LIMIT_RETRIES = 3;

/**
 * The shared count sees when a call is sent, Angel when it arrives: calls from two instances
 * sent a window apart can arrive closer. Padding the shared windows by more than a call's
 * transit keeps them apart at Angel too.
 */
const SHARED_WINDOW_PADDING_MS = 250;
const padded = (windows: readonly CallWindow[]): CallWindow[] => windows.map((w) => ({ ...w, windowMs: w.windowMs + SHARED_WINDOW_PADDING_MS }));

async function takeShared(windows: AccountRateWindows | undefined): Promise<void> {
  if (!windows) return;
  for (;;) {
    const answer = await windows.tryTake(Date.now());
    if (answer.ok) return;
    await sleep(answer.retryInMs);
  }
}
const RATE_LIMIT_WAIT_MS = 1_100;

/** The call never reached SmartAPI's services: there is no session to make it with. */
export class NoSessionError extends BrokerCallError {
  constructor(message: string, brokerCode?: string) {
    super('session', message, brokerCode);
    this.name = 'NoSessionError';
  }
}

function notSent(error: unknown): NoSessionError {
  if (error instanceof NoSessionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NoSessionError(`not sent, no SmartAPI session: ${message}`, error instanceof BrokerCallError ? error.brokerCode : undefined);
}

export class SmartApiRest {
  private sdk: { apiKey: string; instance: SmartApiSdk } | null = null;
  private readonly pacers: Record<Endpoint, CallPacer> = {
    orders: new CallPacer(ORDER_CALL_WINDOWS),
    orderBook: new CallPacer(ORDER_BOOK_WINDOWS),
  };
  private readonly shared: Partial<Record<Endpoint, AccountRateWindows>>;

  constructor(private readonly deps: RestDeps) {
    const orderBook = deps.sharedWindows?.(`SMARTAPI:${deps.clientCode}:orderBook`, padded(ORDER_BOOK_WINDOWS));
    this.shared = orderBook ? { orderBook } : {};
  }

  /** Makes `name` and answers its `data`; throws BrokerCallError when SmartAPI did not answer SUCCESS. */
  async call(name: string, endpoint: Endpoint, invoke: (sdk: SmartApiSdk) => Promise<SdkAnswer>, options: CallOptions): Promise<unknown> {
    let loggedInAgain = false;
    for (let limited = 0; ; ) {
      const answered = await this.pacers[endpoint].take();
      let grant: SessionGrant;
      let raw: SdkAnswer;
      try {
        grant = await this.deps.session.current().catch((error: unknown) => {
          throw notSent(error);
        });
        // Drawn last, once logged in, so the shared count is stamped when the call really goes.
        await takeShared(this.shared[endpoint]);
        raw = await invoke(this.sdkFor(grant));
      } finally {
        answered();
      }
      const answer = readAnswer(raw, name);
      if (answer.ok) return answer.data;
      const { error } = answer;
      if (error.outcome === 'rate_limited' && limited < RATE_LIMIT_RETRIES) {
        limited += 1;
        this.deps.log.warn({ clientCode: this.deps.clientCode, call: name }, 'SmartAPI rate limit answer; waiting before trying again');
        await sleep(RATE_LIMIT_WAIT_MS);
        continue;
      }
      if (error.outcome !== 'session') throw error;
      await this.deps.session.renew(grant, error).catch((failure: unknown) => {
        throw notSent(failure);
      });
      if (!options.againAfterLogin || loggedInAgain) {
        throw new BrokerCallError('session', `${error.message}; logged in again`, error.brokerCode);
      }
      loggedInAgain = true;
    }
  }

  /** One SDK per API key; the session's token is set on it right before each call. */
  private sdkFor(grant: SessionGrant): SmartApiSdk {
    if (!this.sdk || this.sdk.apiKey !== grant.apiKey) {
      this.sdk = { apiKey: grant.apiKey, instance: createSdk({ apiKey: grant.apiKey, root: this.deps.root, timeoutMs: this.deps.timeoutMs }) };
    }
    this.sdk.instance.setAccessToken(grant.tokens.jwtToken);
    return this.sdk.instance;
  }
}
