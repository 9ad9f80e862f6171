// Over 300 lines on purpose: the creator studio screen (profile, uploads, jobs, videos, insights) shares one state and one refresh cycle.
import { useCallback, useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Creator, Insights, Job, Video } from '../api/types';
import { ErrorNote, explain } from '../components/ErrorNote';
import { SignInFirst } from '../components/SignInFirst';
import { describeFile, type TranscriptFormat } from '../lib/files';
import { useSession } from '../session';

/** The creators this account may manage: the API answers their insights, and 404s everyone else's. */
async function manageable(all: Creator[]): Promise<Creator[]> {
  const checks = await Promise.all(
    all.map((c) =>
      api(`/api/v1/creators/${encodeURIComponent(c.slug)}/insights?limit=1`).then(
        () => true,
        () => false,
      ),
    ),
  );
  return all.filter((_, i) => checks[i]);
}

export default function StudioPage() {
  const { me } = useSession();
  const [creators, setCreators] = useState<Creator[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (select?: string) => {
    try {
      const mine = await manageable(await api<Creator[]>('/api/v1/creators?limit=100'));
      setCreators(mine);
      setSelected((s) => select ?? s ?? mine[0]?.slug ?? null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    if (me) void load();
  }, [me?.id, load]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!me) return <SignInFirst what="manage your creator page" />;
  if (me.role === 'fan')
    return (
      <section className="page">
        <h1>Studio</h1>
        <p>The studio is for creators. Ask an administrator to make your account a creator account.</p>
      </section>
    );

  const creator = creators?.find((c) => c.slug === selected) ?? null;
  return (
    <section className="page wide">
      <h1>Studio</h1>
      <ErrorNote error={error} />
      {creators && creators.length > 0 && (
        <label className="inline">
          Creator{' '}
          <select value={selected ?? ''} onChange={(e) => setSelected(e.target.value || null)}>
            {creators.map((c) => (
              <option key={c.slug} value={c.slug}>{c.name}</option>
            ))}
            <option value="">+ New creator</option>
          </select>
        </label>
      )}
      {creators === null && <p>Loading…</p>}
      {creators !== null && !creator && <ProfileForm onSaved={(slug) => void load(slug)} />}
      {creator && (
        <>
          <ProfileForm key={creator.slug} creator={creator} onSaved={(slug) => void load(slug)} />
          <Knowledge key={`k-${creator.slug}`} slug={creator.slug} onChange={() => void load(creator.slug)} />
          <InsightsPanel key={`i-${creator.slug}`} slug={creator.slug} />
        </>
      )}
    </section>
  );
}

function ProfileForm({ creator, onSaved }: { creator?: Creator; onSaved(slug: string): void }) {
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body: Record<string, string | null> = {
      name: text('name'),
      specialty: text('specialty') || null,
      description: text('description') || null,
      avatar_url: text('avatar_url') || null,
    };
    // The persona is never shown back (it is not public): an empty box keeps the current one.
    if (text('persona')) body.persona = text('persona');
    setError(null);
    try {
      if (creator) {
        await api(`/api/v1/creators/${encodeURIComponent(creator.slug)}`, { method: 'PATCH', body });
        setStatus('Saved.');
        onSaved(creator.slug);
      } else {
        const slug = text('slug');
        await api('/api/v1/creators', { method: 'POST', body: { ...body, slug } });
        onSaved(slug);
      }
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form className="panel stack" onSubmit={submit} aria-labelledby={creator ? 'profile-title' : 'new-title'}>
      <h2 id={creator ? 'profile-title' : 'new-title'}>{creator ? 'Profile and persona' : 'Create your creator page'}</h2>
      {!creator && (
        <label>
          Address (slug)
          <input name="slug" required pattern="[a-z0-9][a-z0-9-]{1,62}" aria-describedby="slug-hint" />
          <span id="slug-hint" className="muted small">Lower-case letters, digits and dashes, e.g. kitchen-lab.</span>
        </label>
      )}
      <label>
        Name
        <input name="name" required maxLength={200} defaultValue={creator?.name} />
      </label>
      <label>
        Specialty
        <input name="specialty" maxLength={200} defaultValue={creator?.specialty ?? ''} />
      </label>
      <label>
        Description
        <textarea name="description" rows={3} maxLength={2000} defaultValue={creator?.description ?? ''} />
      </label>
      <label>
        Avatar URL
        <input name="avatar_url" type="url" defaultValue={creator?.avatar_url ?? ''} />
      </label>
      <label>
        Persona <span className="muted small">(the bot's voice and rules; {creator ? 'leave empty to keep the current one' : 'optional'})</span>
        <textarea name="persona" rows={4} maxLength={8000} />
      </label>
      <ErrorNote error={error} />
      {status && <p role="status" className="muted">{status}</p>}
      <button type="submit">{creator ? 'Save profile' : 'Create'}</button>
    </form>
  );
}

interface Upload {
  key: string;
  file: File;
  videoId: string;
  title: string;
  format: TranscriptFormat;
  state: 'ready' | 'uploading' | Job['status'];
  progress: number;
  error?: string;
}

function Knowledge({ slug, onChange }: { slug: string; onChange(): void }) {
  const [videos, setVideos] = useState<Video[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [rejected, setRejected] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  const loadVideos = useCallback(async () => {
    try {
      setVideos(await api<Video[]>(`/api/v1/creators/${encodeURIComponent(slug)}/videos`));
    } catch (e) {
      setError(e);
    }
  }, [slug]);
  useEffect(() => void loadVideos(), [loadVideos]);

  function add(files: FileList | File[]) {
    const added: Upload[] = [];
    const bad: string[] = [];
    for (const file of Array.from(files)) {
      const described = describeFile(file.name);
      if (!described) bad.push(file.name);
      else added.push({ key: `${file.name}-${file.size}-${Math.random()}`, file, ...described, state: 'ready', progress: 0 });
    }
    setRejected(bad);
    setUploads((all) => [...all.filter((u) => u.state !== 'succeeded'), ...added]);
  }

  const change = (key: string, patch: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  async function follow(upload: Upload, jobId: string) {
    for (let attempt = 0; alive.current && attempt < 600; attempt++) {
      try {
        const job = await api<Job>(`/api/v1/jobs/${encodeURIComponent(jobId)}`);
        change(upload.key, { state: job.status, progress: job.progress, error: job.error ?? undefined });
        if (job.status === 'succeeded' || job.status === 'failed') return;
      } catch (e) {
        if (!(e instanceof ApiError) || e.status < 500) {
          change(upload.key, { state: 'failed', error: explain(e) });
          return;
        }
      }
      await new Promise((r) => setTimeout(r, 700));
    }
  }

  async function uploadAll() {
    const ready = uploads.filter((u) => u.state === 'ready' || u.state === 'failed');
    await Promise.all(
      ready.map(async (u) => {
        change(u.key, { state: 'uploading', progress: 0, error: undefined });
        try {
          const transcript = await u.file.text();
          const accepted = await api<{ job_id: string }>(`/api/v1/creators/${encodeURIComponent(slug)}/videos`, {
            method: 'POST',
            body: { video_id: u.videoId.trim(), title: u.title.trim(), format: u.format, transcript },
          });
          change(u.key, { state: 'queued' });
          await follow(u, accepted.job_id);
        } catch (e) {
          change(u.key, { state: 'failed', error: explain(e) });
        }
      }),
    );
    await loadVideos();
    onChange();
  }

  async function remove(video: Video) {
    if (!confirm(`Delete “${video.title}”? Fans' answers will no longer use it.`)) return;
    try {
      await api(`/api/v1/creators/${encodeURIComponent(slug)}/videos/${encodeURIComponent(video.video_id)}`, { method: 'DELETE' });
      await loadVideos();
      onChange();
    } catch (e) {
      setError(e);
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  }

  const pending = uploads.filter((u) => u.state === 'ready' || u.state === 'failed').length;
  const busy = uploads.some((u) => u.state === 'uploading' || u.state === 'queued' || u.state === 'running');
  return (
    <div className="panel" aria-labelledby="videos-title">
      <h2 id="videos-title">Videos</h2>
      <div
        className={`dropzone${dragging ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop caption files here (.srt, .vtt or .txt; many at once)</p>
        <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>Choose files…</button>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".srt,.vtt,.txt"
          className="visually-hidden"
          aria-label="Caption files"
          onChange={(e) => {
            if (e.target.files) add(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {rejected.length > 0 && <p className="error" role="alert">Not a caption file (.srt, .vtt, .txt): {rejected.join(', ')}</p>}
      {uploads.length > 0 && (
        <>
          <div className="table-scroll">
            <table className="uploads">
              <caption className="visually-hidden">Files to upload</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Video id</th>
                  <th scope="col">Title</th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {uploads.map((u) => {
                  const editable = u.state === 'ready' || u.state === 'failed';
                  return (
                    <tr key={u.key} data-state={u.state}>
                      <td>{u.file.name}</td>
                      <td>
                        <input aria-label={`Video id for ${u.file.name}`} value={u.videoId} disabled={!editable} onChange={(e) => change(u.key, { videoId: e.target.value })} />
                      </td>
                      <td>
                        <input aria-label={`Title for ${u.file.name}`} value={u.title} disabled={!editable} onChange={(e) => change(u.key, { title: e.target.value })} />
                      </td>
                      <td>
                        <progress max={1} value={u.state === 'succeeded' ? 1 : u.progress} aria-label={`Progress of ${u.file.name}`} />{' '}
                        <span className="small">{u.state}{u.error ? `: ${u.error}` : ''}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {(pending > 0 || busy) && (
            <button type="button" onClick={() => void uploadAll()} disabled={busy}>
              {busy ? 'Uploading…' : `Upload ${pending} file${pending === 1 ? '' : 's'}`}
            </button>
          )}
        </>
      )}
      <ErrorNote error={error} />
      <div className="table-scroll">
        <table className="videos">
          <caption className="visually-hidden">Uploaded videos</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Video id</th>
              <th scope="col">Status</th>
              <th scope="col">Chunks</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {videos.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">No videos yet.</td>
              </tr>
            )}
            {videos.map((v) => (
              <tr key={v.video_id} data-video={v.video_id}>
                <td>{v.title}</td>
                <td><code>{v.video_id}</code></td>
                <td>{v.status}{v.error ? `: ${v.error}` : ''}</td>
                <td>{v.chunk_count}</td>
                <td>
                  <button type="button" className="secondary danger" onClick={() => void remove(v)} aria-label={`Delete ${v.title}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function InsightsPanel({ slug }: { slug: string }) {
  const [insights, setInsights] = useState<Insights | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Insights>(`/api/v1/creators/${encodeURIComponent(slug)}/insights`).then(setInsights, setError);
  }, [slug]);
  return (
    <div className="panel" aria-labelledby="insights-title">
      <h2 id="insights-title">What fans ask (last 30 days)</h2>
      <ErrorNote error={error} />
      {insights && (
        <>
          <dl className="stats">
            <div><dt>Questions</dt><dd>{insights.questions}</dd></div>
            <div><dt>Answered from videos</dt><dd>{insights.answered}</dd></div>
            <div><dt>Not covered</dt><dd>{insights.not_covered}</dd></div>
            <div><dt>Rated helpful</dt><dd>{insights.thumbs_up}</dd></div>
            <div><dt>Rated not helpful</dt><dd>{insights.thumbs_down}</dd></div>
          </dl>
          <div className="columns">
            <QuestionList title="Most asked" items={insights.top_questions} />
            <QuestionList title="Your videos could not answer" items={insights.unanswered_questions} />
          </div>
        </>
      )}
    </div>
  );
}

function QuestionList({ title, items }: { title: string; items: Insights['top_questions'] }) {
  return (
    <div>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="questions">
          {items.map((q) => (
            <li key={q.question}>
              {q.question} <span className="count" aria-label={`asked ${q.count} times`}>×{q.count}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
