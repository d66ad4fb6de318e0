import { humanize } from './format.ts';

const TONES: Record<string, 'good' | 'warn' | 'bad' | 'idle'> = {
  CONNECTED: 'good',
  FILLED: 'good',
  CONNECTING: 'warn',
  RECONNECTING: 'warn',
  PENDING: 'warn',
  SENT: 'warn',
  OPEN: 'warn',
  TRIGGER_PENDING: 'warn',
  AMO_QUEUED: 'warn',
  PARTIALLY_FILLED: 'warn',
  AUTH_FAILED: 'bad',
  SESSION_EXPIRED: 'bad',
  ERROR: 'bad',
  FAILED: 'bad',
  REJECTED: 'bad',
  DISCONNECTED: 'idle',
  CANCELLED: 'idle',
  SKIPPED: 'idle',
};

/** A connection or order status as a coloured pill; the broker's words go in the tooltip. */
export default function StatusBadge(props: { status: string; title?: string | null }) {
  return (
    <span class={`badge badge-${TONES[props.status] ?? 'idle'}`} title={props.title ?? undefined}>
      {humanize(props.status)}
    </span>
  );
}
