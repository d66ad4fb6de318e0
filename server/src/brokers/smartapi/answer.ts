// Reads whatever a SmartAPI call resolved to. The SDK's interceptor never rejects
// (docs/smartapi.md §12.3): a 200 gives the body whatever its status flag says, another HTTP status
// gives {status: <code>, message: <statusText>} with the body dropped, and a timeout or a
// network error gives {}. Both envelope dialects (§1.3) are read: {status, errorcode} from the
// services, {success, errorCode} from the gateway.
import { BrokerCallError } from '../port.ts';
import { SESSION_CODES, describeBrokerError } from './error-reasons.ts';

export type Answer = { ok: true; data: unknown } | { ok: false; error: BrokerCallError };

const RATE_LIMIT_TEXT = /exceeding access rate|rate limit/i;

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** What one call's answer means. `call` names the call in messages, e.g. "placeOrder". */
export function readAnswer(value: unknown, call: string): Answer {
  if (typeof value === 'string' && RATE_LIMIT_TEXT.test(value)) {
    return { ok: false, error: new BrokerCallError('rate_limited', `SmartAPI rate limit exceeded on ${call} (${value.trim()})`) };
  }
  const body = record(value);
  if (!body || Object.keys(body).length === 0) {
    return { ok: false, error: new BrokerCallError('unknown', `no answer from SmartAPI to ${call} (timeout or network error)`) };
  }
  if (body.status === true || body.success === true) return { ok: true, data: body.data ?? null };

  if (typeof body.status === 'number') return { ok: false, error: httpError(body.status, text(body.message), call) };

  const code = text(body.errorcode) || text(body.errorCode);
  const message = text(body.message);
  const reason = describeBrokerError(code, message);
  if (SESSION_CODES.has(code)) return { ok: false, error: new BrokerCallError('session', reason, code) };
  if (!code && !message) {
    return { ok: false, error: new BrokerCallError('unknown', `SmartAPI answered ${call} with nothing Tandem can read`) };
  }
  return { ok: false, error: new BrokerCallError('rejected', reason, code || undefined) };
}

/**
 * A non-2xx answer with its body dropped by the SDK. SmartAPI answers an exceeded rate limit
 * with a plain-text 403; a 5xx from its edge says nothing about whether the call was carried
 * out, so it is unknown (an order is then looked up by tag, never resent blindly).
 */
function httpError(status: number, statusText: string, call: string): BrokerCallError {
  const said = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 403 || status === 429) {
    return new BrokerCallError(
      'rate_limited',
      `SmartAPI refused ${call} with ${said}: its answer to calls over the rate limit`,
      String(status),
    );
  }
  if (status === 401) return new BrokerCallError('session', `SmartAPI refused ${call} with ${said}; Tandem logs in again`, String(status));
  if (status >= 500) return new BrokerCallError('unknown', `SmartAPI answered ${call} with ${said}`, String(status));
  return new BrokerCallError('rejected', `SmartAPI refused ${call} with ${said}`, String(status));
}
