import { lazy, Suspense, useEffect, useRef } from 'react';
import { onLinkClick, useLocation } from './router';
import { useSession } from './session';
import { CreatorsPage } from './pages/CreatorsPage';
import { SignInPage, SignUpPage } from './pages/AuthPages';
import { ChatPage } from './pages/ChatPage';
import { ConversationsPage } from './pages/ConversationsPage';
import { UsageBadge } from './components/UsageBadge';

// Creators and admins are few: their screens load on demand, keeping the fans' first load small.
const StudioPage = lazy(() => import('./pages/StudioPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));

export function App() {
  const url = useLocation();
  const { me, ready, signOut } = useSession();
  const main = useRef<HTMLElement>(null);
  const path = url.pathname;

  useEffect(() => {
    // After a navigation, keyboard and screen-reader users start at the new screen's content.
    main.current?.focus({ preventScroll: true });
  }, [path]);

  let screen;
  const chat = /^\/c\/([^/]+)$/.exec(path);
  if (path === '/') screen = <CreatorsPage />;
  else if (path === '/signin') screen = <SignInPage />;
  else if (path === '/signup') screen = <SignUpPage />;
  else if (chat) screen = <ChatPage slug={decodeURIComponent(chat[1])} conversationId={url.searchParams.get('conversation')} />;
  else if (path === '/conversations') screen = <ConversationsPage />;
  else if (path === '/studio') screen = <StudioPage />;
  else if (path === '/admin') screen = <AdminPage />;
  else
    screen = (
      <section className="page">
        <h1>Page not found</h1>
        <p>
          <a href="/" onClick={onLinkClick}>Back to the creators</a>
        </p>
      </section>
    );

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <a className="brand" href="/" onClick={onLinkClick}>CreatorChat</a>
        <nav aria-label="Main">
          <a href="/" onClick={onLinkClick} aria-current={path === '/' ? 'page' : undefined}>Creators</a>
          {me && (
            <a href="/conversations" onClick={onLinkClick} aria-current={path === '/conversations' ? 'page' : undefined}>History</a>
          )}
          {(me?.role === 'creator' || me?.role === 'admin') && (
            <a href="/studio" onClick={onLinkClick} aria-current={path === '/studio' ? 'page' : undefined}>Studio</a>
          )}
          {me?.role === 'admin' && (
            <a href="/admin" onClick={onLinkClick} aria-current={path === '/admin' ? 'page' : undefined}>Admin</a>
          )}
        </nav>
        <div className="account">
          {me ? (
            <>
              <UsageBadge me={me} />
              <button type="button" className="link" onClick={() => void signOut()}>Sign out</button>
            </>
          ) : ready ? (
            <>
              <a href="/signin" onClick={onLinkClick}>Sign in</a>
              <a className="button" href="/signup" onClick={onLinkClick}>Sign up</a>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p className="page">Loading…</p>}>{ready ? screen : <p className="page">Loading…</p>}</Suspense>
      </main>
    </>
  );
}
