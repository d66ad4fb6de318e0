import { For, Show } from 'solid-js';
import type { ApiError } from '../graphql/errors.ts';

/** Errors that belong to no single input (FORBIDDEN, CONFLICT, network), shown once for a form or a page. */
export default function FormErrors(props: { errors: readonly ApiError[] }) {
  return (
    <Show when={props.errors.length > 0}>
      <div class="form-errors" role="alert">
        <For each={props.errors}>{(e) => <p>{e.message}</p>}</For>
      </div>
    </Show>
  );
}
