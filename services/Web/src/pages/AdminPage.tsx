import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AuditEntry, Page, User } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { SignInFirst } from '../components/SignInFirst';
import { useSession } from '../session';

export default function AdminPage() {
  const { me } = useSession();
  if (!me) return <SignInFirst what="administer CreatorChat" />;
  if (me.role !== 'admin')
    return (
      <section className="page">
        <h1>Administration</h1>
        <p>This area is for administrators.</p>
      </section>
    );
  return (
    <section className="page wide">
      <h1>Administration</h1>
      <Stats />
      <Users selfId={me.id} />
      <Audit />
    </section>
  );
}

function Stats() {
  const [stats, setStats] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Record<string, unknown>>('/api/v1/admin/stats').then(setStats, setError);
  }, []);
  const shown = (value: unknown) =>
    typeof value === 'number' ? (Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2)) : Array.isArray(value) ? value.join(', ') || '—' : String(value ?? '—');
  return (
    <div className="panel" aria-labelledby="stats-title">
      <h2 id="stats-title">Platform</h2>
      <ErrorNote error={error} />
      {stats && (
        <dl className="stats">
          {Object.entries(stats).map(([k, v]) => (
            <div key={k}>
              <dt>{k.replace(/_/g, ' ')}</dt>
              <dd>{shown(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

function Users({ selfId }: { selfId: string }) {
  const [users, setUsers] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(async (q: string, after: string | null) => {
    try {
      const params = new URLSearchParams({ limit: '25' });
      if (q) params.set('q', q);
      if (after) params.set('cursor', after);
      const page = await api<Page<User>>(`/api/v1/admin/users?${params}`);
      setUsers((all) => (after ? [...all, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load('', null), [load]);

  function search(event: FormEvent) {
    event.preventDefault();
    void load(query.trim(), null);
  }

  async function update(user: User, patch: Partial<Pick<User, 'tier' | 'role' | 'disabled'>>) {
    try {
      const saved = await api<User>(`/api/v1/admin/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body: patch });
      setUsers((all) => all.map((u) => (u.id === saved.id ? saved : u)));
      setStatus(`Saved ${saved.email}.`);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="panel" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form className="inline" onSubmit={search} role="search">
        <label>
          <span className="visually-hidden">Search users</span>
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Email or name" />
        </label>
        <button type="submit" className="secondary">Search</button>
      </form>
      <ErrorNote error={error} />
      {status && <p role="status" className="muted small">{status}</p>}
      <div className="table-scroll">
        <table className="users">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Tier</th>
              <th scope="col">Role</th>
              <th scope="col">Disabled</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-email={u.email}>
                <td>
                  {u.email}
                  {u.name && <span className="muted small"> · {u.name}</span>}
                </td>
                <td>
                  <select aria-label={`Tier of ${u.email}`} value={u.tier} onChange={(e) => void update(u, { tier: e.target.value as User['tier'] })}>
                    <option value="free">free</option>
                    <option value="premium">premium</option>
                    <option value="enterprise">enterprise</option>
                  </select>
                </td>
                <td>
                  <select aria-label={`Role of ${u.email}`} value={u.role} disabled={u.id === selfId} onChange={(e) => void update(u, { role: e.target.value as User['role'] })}>
                    <option value="fan">fan</option>
                    <option value="creator">creator</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={`Disable ${u.email}`} checked={u.disabled} disabled={u.id === selfId} onChange={(e) => void update(u, { disabled: e.target.checked })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" className="secondary" onClick={() => void load(query.trim(), cursor)}>More users</button>}
    </div>
  );
}

const auditEvents = ['register', 'login_succeeded', 'login_failed', 'refresh_token_reused', 'user_updated', 'admin_bootstrapped', 'logout'];

function Audit() {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [event, setEvent] = useState('');
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (name: string, after: string | null) => {
    try {
      const params = new URLSearchParams({ limit: '50' });
      if (name) params.set('event', name);
      if (after) params.set('cursor', after);
      const page = await api<Page<AuditEntry>>(`/api/v1/admin/audit?${params}`);
      setEntries((all) => (after ? [...all, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(event, null), [event, load]);

  return (
    <div className="panel" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <label className="inline">
        Event{' '}
        <input list="audit-events" value={event} onChange={(e) => setEvent(e.target.value.trim())} placeholder="all events" />
        <datalist id="audit-events">
          {auditEvents.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </label>
      <ErrorNote error={error} />
      <div className="table-scroll">
        <table className="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Actor</th>
              <th scope="col">Subject</th>
              <th scope="col">IP</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((a) => (
              <tr key={a.id}>
                <td><time dateTime={a.occurred_at}>{new Date(a.occurred_at).toLocaleString()}</time></td>
                <td>{a.event}</td>
                <td><code>{a.actor_id?.slice(0, 8) ?? '—'}</code></td>
                <td><code>{a.subject_id?.slice(0, 8) ?? '—'}</code></td>
                <td>{a.ip ?? '—'}</td>
                <td><code className="small">{a.details ? JSON.stringify(a.details) : ''}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" className="secondary" onClick={() => void load(event, cursor)}>Older events</button>}
    </div>
  );
}
