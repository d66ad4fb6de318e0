// SmartAPI's REST calls through smartapi-javascript, with the session around each one and the
// order book read in its turn. Every answer is read by readAnswer and failures are thrown as
// typed BrokerCallErrors. A call the broker refused for its session logs in again; it is made
// once more only when the caller says that is safe (never for a placeOrder: the broker adapter
// looks that one up by tag first). A call refused for the rate limit was not carried out, so
// it waits and goes again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { BrokerCallError } from '../port.ts';
import { readAnswer } from './answer.ts';
import type { RateLimiter } from '../../rate-limit/limiter.ts';
import type { RateWindow } from '../../core/rate-windows.ts';
import { HOLDING_WINDOWS, ORDER_BOOK_WINDOWS, POSITION_WINDOWS, rateKey } from './rate-limits.ts';
import { createSdk, type SdkAnswer, type SmartApiSdk } from './sdk.ts';
import type { SessionGrant } from './session-store.ts';
import type { SmartApiSession } from './session.ts';

export interface RestDeps {
  clientCode: string;
  root: string;
  timeoutMs: number;
  session: SmartApiSession;
  log: Logger;
  /**
   * Where the reads take their turn (order book, positions, holdings: each 1/s per client code),
   * with every instance's when it counts through Redis. Order calls come here in their turn
   * already: the engine's AccountLimiter is their one pacing.
   */
  limiter: RateLimiter;
}

export type Endpoint = 'orders' | 'orderBook' | 'positions' | 'holdings';

/** The reads paced here, each under its own limit. */
const READ_WINDOWS: Readonly<Record<Exclude<Endpoint, 'orders'>, readonly RateWindow[]>> = {
  orderBook: ORDER_BOOK_WINDOWS,
  positions: POSITION_WINDOWS,
  holdings: HOLDING_WINDOWS,
};

export interface CallOptions {
  /** Whether the call may be made again after a new login (reads, modify, cancel: yes; place: no). */
  againAfterLogin: boolean;
}

const RATE_LIMIT_RETRIES = 3;
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

  constructor(private readonly deps: RestDeps) {}

  /** Makes `name` and answers its `data`; throws BrokerCallError when SmartAPI did not answer SUCCESS. */
  async call(name: string, endpoint: Endpoint, invoke: (sdk: SmartApiSdk) => Promise<SdkAnswer>, options: CallOptions): Promise<unknown> {
    let loggedInAgain = false;
    for (let limited = 0; ; ) {
      const grant = await this.deps.session.current().catch((error: unknown) => {
        throw notSent(error);
      });
      // The turn is taken once logged in, so it counts from when the call really goes.
      const raw =
        endpoint === 'orders'
          ? await invoke(this.sdkFor(grant))
          : await this.deps.limiter.run(rateKey(this.deps.clientCode, endpoint), READ_WINDOWS[endpoint], () => invoke(this.sdkFor(grant)));
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
      this.sdk = {
        apiKey: grant.apiKey,
        instance: createSdk({ apiKey: grant.apiKey, root: this.deps.root, timeoutMs: this.deps.timeoutMs }),
      };
    }
    this.sdk.instance.setAccessToken(grant.tokens.jwtToken);
    return this.sdk.instance;
  }
}
