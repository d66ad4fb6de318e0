import { ATTEMPT_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER, signAlert, TIMESTAMP_HEADER } from './signature.ts';

export interface AlertPost {
  url: string;
  /** The delivery's id: the same on every attempt. */
  deliveryId: string;
  attempt: number;
  /** The exact JSON text posted (and signed). */
  body: string;
  /** ALERT_WEBHOOK_SECRET; null posts unsigned (start-up warns of it). */
  secret: string | null;
}

/**
 * One POST of an alert; resolves with the receiver's HTTP status, rejects when there was no
 * answer (refused, timed out, aborted). Redirects are not followed: a signed alert goes only
 * where ALERT_WEBHOOK_URL says, and a 3xx counts as not delivered.
 */
export async function postAlert(post: AlertPost, signal: AbortSignal): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Tandem-Alerts/1',
    [DELIVERY_HEADER]: post.deliveryId,
    [ATTEMPT_HEADER]: String(post.attempt),
    [TIMESTAMP_HEADER]: String(timestamp),
  };
  if (post.secret) headers[SIGNATURE_HEADER] = signAlert(post.secret, timestamp, post.body);
  const response = await fetch(post.url, { method: 'POST', headers, body: post.body, redirect: 'manual', signal });
  // Only the status matters; the body is let go so the connection can be reused.
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}
