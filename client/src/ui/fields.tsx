import { For, Show, type JSX } from 'solid-js';
import { useFieldError } from './form.tsx';

/** The message for one input, tied to it by id for screen readers. */
export function FieldError(props: { id: string; message: string | undefined }) {
  return (
    <Show when={props.message}>
      <span class="field-error" id={props.id} role="alert">
        {props.message}
      </span>
    </Show>
  );
}

interface Common {
  /** The input's id; its error and hint hang off it. Unique on the page. */
  id: string;
  /** The visible <label> text; tests and screen readers find the input by it. */
  label: string;
  /** The input path(s) the server names in extensions.field; inside a Form, their error shows here. */
  name?: string | readonly string[];
  /** A message to show instead of the form's. */
  error?: string | undefined;
  hint?: string | undefined;
  disabled?: boolean;
}

function describedBy(props: Common, error: string | undefined): string | undefined {
  const ids = [error ? `${props.id}-error` : '', props.hint ? `${props.id}-hint` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Frame(props: Common & { error: string | undefined; children: JSX.Element }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <span class="hint muted" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      </Show>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}

/** A labelled text (or number, password, email) input with its hint and error. */
export function TextField(
  props: Common & {
    value: string;
    onInput: (value: string) => void;
    type?: 'text' | 'number' | 'password' | 'email';
    required?: boolean;
    placeholder?: string;
    autocomplete?: string;
    step?: string;
    inputMode?: 'numeric' | 'decimal' | 'text';
    /** The id of a <datalist> of suggestions. */
    list?: string;
  },
) {
  const error = useFieldError(props);
  return (
    <Frame {...props} error={error()}>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete ?? 'off'}
        step={props.step}
        inputmode={props.inputMode}
        list={props.list}
        disabled={props.disabled}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={describedBy(props, error())}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Frame>
  );
}

/** A labelled <select> with its hint and error. */
export function SelectField<V extends string>(
  props: Common & {
    value: V;
    options: readonly { value: V; label: string }[];
    onChange: (value: V) => void;
  },
) {
  const error = useFieldError(props);
  return (
    <Frame {...props} error={error()}>
      <select
        id={props.id}
        disabled={props.disabled}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={describedBy(props, error())}
        onChange={(e) => props.onChange(e.currentTarget.value as V)}
      >
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          )}
        </For>
      </select>
    </Frame>
  );
}

/** A labelled checkbox (label after the box, clickable). */
export function CheckField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  name?: string | readonly string[];
  error?: string | undefined;
}) {
  const error = useFieldError(props);
  return (
    <div class="field">
      <label class="check" for={props.id}>
        <input
          id={props.id}
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />
        {props.label}
      </label>
      <FieldError id={`${props.id}-error`} message={error()} />
    </div>
  );
}
