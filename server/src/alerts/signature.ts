import { createHmac } from 'node:crypto';

// How a receiver knows a post came from this Tandem and was not replayed: an HMAC-SHA256, keyed
// with ALERT_WEBHOOK_SECRET, of "<timestamp>.<raw body>", with the timestamp (unix seconds) in
// its own header. docs/api.md §8 shows how to check it.

export const DELIVERY_HEADER = 'X-Tandem-Delivery';
export const TIMESTAMP_HEADER = 'X-Tandem-Timestamp';
export const SIGNATURE_HEADER = 'X-Tandem-Signature';
export const ATTEMPT_HEADER = 'X-Tandem-Attempt';

/** The X-Tandem-Signature value for `body` sent at `timestamp` (unix seconds). */
export function signAlert(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
