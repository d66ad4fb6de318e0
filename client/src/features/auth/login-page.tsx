import { createSignal, Show } from 'solid-js';
import type { ApiError } from '../../graphql/errors.ts';
import { TextField } from '../../ui/fields.tsx';
import Form from '../../ui/form.tsx';
import { session } from './session.ts';
import './login.css';

/** Email and password; a wrong pair or an unreachable server is said in words above the button. */
export default function LoginPage() {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [errors, setErrors] = createSignal<readonly ApiError[]>([]);
  const submit = async () => {
    setErrors([]);
    const problems = await session.login(email().trim(), password());
    setErrors(problems.map((p) => (p.code === 'UNAUTHENTICATED' ? { ...p, message: `Sign-in failed: ${p.message}` } : p)));
  };
  return (
    <main class="login">
      <Form
        label="Sign in to Tandem"
        class="card login-card"
        browserValidation
        errors={errors()}
        onSubmit={() => void submit()}
        submitLabel="Sign in"
        busy={session.loading()}
        busyLabel="Signing in…"
      >
        <h1>Sign in to Tandem</h1>
        <Show when={session.expired()}>
          <p class="notice">Your session has ended. Sign in again.</p>
        </Show>
        <TextField id="login-email" label="Email" type="email" autocomplete="username" required value={email()} onInput={setEmail} />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autocomplete="current-password"
          required
          value={password()}
          onInput={setPassword}
        />
      </Form>
    </main>
  );
}
