import { onLinkClick } from '../router';

export function SignInFirst({ what }: { what: string }) {
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <section className="page narrow">
      <h1>Sign in</h1>
      <p>
        <a href={`/signin?next=${next}`} onClick={onLinkClick}>Sign in</a> to {what}.
      </p>
    </section>
  );
}
