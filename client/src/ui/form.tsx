import { createContext, createSignal, onCleanup, Show, useContext, type JSX } from 'solid-js';
import { errorForField, errorsOutside, type ApiError } from '../graphql/errors.ts';
import FormErrors from './form-errors.tsx';

interface FormContextValue {
  /** The message for the first of `names` (input paths) that the errors blame. */
  errorFor(names: readonly string[]): string | undefined;
  /** While the calling input is on the page, errors for `names` show under it and not above the buttons. */
  claim(names: readonly string[]): void;
}

const FormContext = createContext<FormContextValue>();

/**
 * The error an input shows: the one given, else the form's error for the input path(s) it
 * names ("label", or "credentials.totpSecret" then "credentials").
 */
export function useFieldError(props: {
  name?: string | readonly string[] | undefined;
  error?: string | undefined;
}): () => string | undefined {
  const form = useContext(FormContext);
  // An input's name never changes while it is on the page.
  const names = props.name === undefined ? [] : typeof props.name === 'string' ? [props.name] : props.name;
  if (form && names.length > 0) form.claim(names);
  return () => props.error ?? form?.errorFor(names);
}

/**
 * A form with the dashboard's layout: the inputs, then the errors no input shows, then the
 * submit button (and Cancel when `onCancel` is given), then `status`. An input with a `name`
 * inside it shows the server's message for that input path (extensions.field) under itself.
 */
export default function Form(props: {
  /** The accessible name: tests and screen readers find the form by it. */
  label: string;
  class?: string;
  errors: readonly ApiError[];
  onSubmit: () => void;
  submitLabel: string;
  busy?: boolean;
  busyLabel?: string;
  /** "primary" unless given ("danger" for a sell order). */
  submitClass?: string;
  submitDisabled?: boolean;
  onCancel?: () => void;
  cancelLabel?: string;
  /** Leaves checking to the browser's own validation (required fields) before onSubmit. */
  browserValidation?: boolean;
  status?: JSX.Element;
  children: JSX.Element;
}) {
  const [claimed, setClaimed] = createSignal<readonly (readonly string[])[]>([]);
  const context: FormContextValue = {
    errorFor(names) {
      for (const name of names) {
        const message = errorForField(props.errors, name);
        if (message) return message;
      }
      return undefined;
    },
    claim(names) {
      setClaimed((all) => [...all, names]);
      onCleanup(() => setClaimed((all) => all.filter((n) => n !== names)));
    },
  };
  const unclaimed = () => errorsOutside(props.errors, claimed().flat());
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <form class={props.class ?? 'card'} noValidate={!props.browserValidation} aria-label={props.label} onSubmit={submit}>
      <FormContext.Provider value={context}>{props.children}</FormContext.Provider>
      <FormErrors errors={unclaimed()} />
      <div class="form-actions">
        <button type="submit" class={props.submitClass ?? 'primary'} disabled={props.busy || props.submitDisabled}>
          {props.busy && props.busyLabel ? props.busyLabel : props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            {props.cancelLabel ?? 'Cancel'}
          </button>
        </Show>
      </div>
      {props.status}
    </form>
  );
}
