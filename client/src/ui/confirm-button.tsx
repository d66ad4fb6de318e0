import { createSignal, Show } from 'solid-js';

/**
 * A button that asks before it acts: the first click shows the question with Confirm and
 * Cancel, so a kill switch or a revoke never fires on a stray click. `label` is the visible
 * text, `name` the accessible name when the label alone is ambiguous ("Kill switch for Demo
 * master"); the confirm button is named "Confirm <name>".
 */
export default function ConfirmButton(props: {
  label: string;
  name?: string;
  question: string;
  onConfirm: () => void | Promise<void>;
  /** "solid" for the global switch, "outline" for quieter per-row actions. */
  danger?: 'solid' | 'outline';
  disabled?: boolean;
}) {
  const name = () => props.name ?? props.label;
  const tone = () => (props.danger === 'solid' ? 'danger' : props.danger === 'outline' ? 'danger-outline' : undefined);
  const [asking, setAsking] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <Show
      when={asking()}
      fallback={
        <button type="button" class={tone()} disabled={props.disabled} aria-label={props.name} onClick={() => setAsking(true)}>
          {props.label}
        </button>
      }
    >
      <fieldset class="confirm" aria-label={props.question}>
        <span class="confirm-question">{props.question}</span>
        <button
          type="button"
          class={props.danger ? 'danger' : 'primary'}
          disabled={busy()}
          onClick={() => void confirm()}
          aria-label={`Confirm ${name()}`}
        >
          Confirm
        </button>
        <button type="button" disabled={busy()} onClick={() => setAsking(false)}>
          Cancel
        </button>
      </fieldset>
    </Show>
  );
}
