import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Conversation, Page } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { SignInFirst } from '../components/SignInFirst';
import { onLinkClick } from '../router';
import { useSession } from '../session';

export function ConversationsPage() {
  const { me } = useSession();
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (after: string | null) => {
    try {
      const page = await api<Page<Conversation>>(`/api/v1/conversations${after ? `?cursor=${encodeURIComponent(after)}` : ''}`);
      setItems((all) => (after ? [...all, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  }, []);

  useEffect(() => {
    if (me) void load(null);
  }, [me?.id, load]); // eslint-disable-line react-hooks/exhaustive-deps

  async function remove(conversation: Conversation) {
    if (!confirm(`Delete “${conversation.title}”? This cannot be undone.`)) return;
    try {
      await api(`/api/v1/conversations/${encodeURIComponent(conversation.id)}`, { method: 'DELETE' });
      setItems((all) => all.filter((c) => c.id !== conversation.id));
    } catch (e) {
      setError(e);
    }
  }

  if (!me) return <SignInFirst what="see your conversations" />;
  return (
    <section className="page">
      <h1>Your conversations</h1>
      <ErrorNote error={error} />
      {loaded && items.length === 0 && !error && (
        <p>
          No conversations yet. <a href="/" onClick={onLinkClick}>Pick a creator</a> to start one.
        </p>
      )}
      <ul className="list">
        {items.map((c) => (
          <li key={c.id} className="row">
            <a href={`/c/${encodeURIComponent(c.creator_id)}?conversation=${encodeURIComponent(c.id)}`} onClick={onLinkClick}>
              {c.title || 'Untitled conversation'}
            </a>
            <span className="muted small">
              {c.creator_id} · <time dateTime={c.updated_at}>{new Date(c.updated_at).toLocaleString()}</time>
            </span>
            <button type="button" className="secondary danger" onClick={() => void remove(c)} aria-label={`Delete “${c.title}”`}>Delete</button>
          </li>
        ))}
      </ul>
      {cursor && <button type="button" className="secondary" onClick={() => void load(cursor)}>Show older</button>}
    </section>
  );
}
