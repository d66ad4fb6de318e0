import { Show } from 'solid-js';

/** The server's (or the form's) message for one input, tied to it by id for screen readers. */
export default function FieldError(props: { id: string; message: string | undefined }) {
  return (
    <Show when={props.message}>
      <span class="field-error" id={props.id} role="alert">{props.message}</span>
    </Show>
  );
}
