import { createSignal, Show } from 'solid-js';
import type { ApiError } from '../api.ts';
import FormErrors from '../components/FormErrors.tsx';
import { session } from '../session.ts';

/** Email and password; a wrong pair or an unreachable server is said in words above the button. */
export default function Login() {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [errors, setErrors] = createSignal<ApiError[]>([]);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setErrors([]);
    const problems = await session.login(email().trim(), password());
    setErrors(problems.map((p) => (p.code === 'UNAUTHENTICATED' ? { ...p, message: `Sign-in failed: ${p.message}` } : p)));
  };
  return (
    <main class="login">
      <form class="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Tandem</h1>
        <Show when={session.expired()}>
          <p class="notice">Your session has ended. Sign in again.</p>
        </Show>
        <label for="login-email">Email</label>
        <input id="login-email" type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="login-password">Password</label>
        <input id="login-password" type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
        <FormErrors errors={errors()} />
        <button type="submit" class="primary" disabled={session.loading()}>{session.loading() ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
