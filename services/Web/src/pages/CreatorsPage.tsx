import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Creator } from '../api/types';
import { Avatar } from '../components/Avatar';
import { ErrorNote } from '../components/ErrorNote';
import { onLinkClick } from '../router';

export function CreatorsPage() {
  const [creators, setCreators] = useState<Creator[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    api<Creator[]>('/api/v1/creators?limit=100').then(setCreators, setError);
  }, []);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (creators ?? []).filter((c) => !q || [c.name, c.specialty, c.description, c.slug].some((f) => f?.toLowerCase().includes(q)));
  }, [creators, query]);

  return (
    <section className="page">
      <h1>Talk to a creator</h1>
      <p className="lead">Answers in the creator's voice, grounded in their videos, with a link to the exact second.</p>
      <label className="search">
        <span>Search creators</span>
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name or topic" />
      </label>
      <ErrorNote error={error} />
      {creators === null && !error && <p>Loading creators…</p>}
      {creators !== null && shown.length === 0 && <p>No creator matches “{query}”.</p>}
      <ul className="cards">
        {shown.map((c) => (
          <li key={c.slug} className="card">
            <Avatar url={c.avatar_url} name={c.name} />
            <div>
              <h2>
                <a href={`/c/${encodeURIComponent(c.slug)}`} onClick={onLinkClick}>{c.name}</a>
              </h2>
              {c.specialty && <p className="specialty">{c.specialty}</p>}
              <p className="muted">{c.video_count} video{c.video_count === 1 ? '' : 's'}</p>
            </div>
          </li>
        ))}
      </ul>
      <p className="muted small">
        Developers: <a href="/docs">API reference</a>
      </p>
    </section>
  );
}
