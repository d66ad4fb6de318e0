import { Show } from 'solid-js';
import StatusBadge from '../../ui/status-badge.tsx';

const PROBLEMS = new Set(['AUTH_FAILED', 'SESSION_EXPIRED', 'ERROR']);

/** An account's connection status with the broker's words under it, red only when something is wrong. */
export default function AccountStatus(props: { status: string; reason: string | null }) {
  return (
    <div class="status-line">
      <StatusBadge status={props.status} title={props.reason} />
      <Show when={props.reason}>
        <div class={PROBLEMS.has(props.status) ? 'reason' : 'status-reason'}>{props.reason}</div>
      </Show>
    </div>
  );
}
