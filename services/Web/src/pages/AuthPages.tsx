import { api } from '../api/client';
import { ErrorNote } from '../components/ErrorNote';
import { useSubmit } from '../lib/useSubmit';
import { navigate, onLinkClick } from '../router';
import { useSession } from '../session';

function nextPath(): string {
  const next = new URL(location.href).searchParams.get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { signIn } = useSession();
  const { submit, busy, error } = useSubmit(async (form) => {
    await signIn(String(form.get('email')), String(form.get('password')));
    navigate(nextPath(), true);
  });

  return (
    <section className="page narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p>
        New here? <a href={`/signup${location.search}`} onClick={onLinkClick}>Create an account</a>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const { signIn } = useSession();
  const { submit, busy, error } = useSubmit(async (form) => {
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    await api('/api/v1/auth/register', { method: 'POST', body: { email, password, name: String(form.get('name')) || undefined } });
    await signIn(email, password);
    navigate(nextPath(), true);
  });

  return (
    <section className="page narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Name <span className="muted">(optional)</span>
          <input name="name" autoComplete="name" maxLength={100} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required minLength={10} aria-describedby="password-hint" />
        </label>
        <p id="password-hint" className="muted small">At least 10 characters; a few words make a strong password.</p>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create account'}</button>
      </form>
      <p>
        Already have an account? <a href={`/signin${location.search}`} onClick={onLinkClick}>Sign in</a>
      </p>
    </section>
  );
}
