import { createSignal } from 'solid-js';
import { downloadFile } from '../graphql/download.ts';
import type { ApiError } from '../graphql/errors.ts';
import './download-button.css';
import FormErrors from './form-errors.tsx';

/** "Download CSV": fetches `path()` with the session's token and saves the file; says why when it cannot. */
export default function DownloadButton(props: { path: string; fallbackName: string; label?: string }) {
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const download = async () => {
    setBusy(true);
    setErrors([]);
    try {
      setErrors(await downloadFile(props.path, props.fallbackName));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="download">
      <button type="button" disabled={busy()} onClick={() => void download()}>
        {busy() ? 'Downloading…' : (props.label ?? 'Download CSV')}
      </button>
      <FormErrors errors={errors()} />
    </span>
  );
}
