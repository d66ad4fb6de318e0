import { createSignal } from 'solid-js';

/**
 * Copies `text` to the clipboard and says so. Where the browser refuses (no clipboard access
 * outside https or localhost), it says to copy by hand instead of failing silently.
 */
export default function CopyButton(props: { text: string; label?: string }) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'refused'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('refused');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={() => void copy()}>
        {props.label ?? 'Copy'}
      </button>
      <span class="muted" role="status">
        {state() === 'copied' ? 'Copied' : state() === 'refused' ? 'The browser blocked the clipboard: select the text and copy it' : ''}
      </span>
    </span>
  );
}
