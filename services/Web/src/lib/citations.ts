export interface Citation {
  number: number;
  video_id: string;
  title: string;
  start_seconds: number;
  url: string;
  quote: string;
}

export type Player =
  | { kind: 'youtube'; src: string; start: number }
  | { kind: 'link'; href: string; start: number };

const youTubeHosts = new Set(['youtu.be', 'youtube.com', 'www.youtube.com', 'm.youtube.com', 'music.youtube.com', 'youtube-nocookie.com', 'www.youtube-nocookie.com']);
const youTubeId = /^[A-Za-z0-9_-]{1,64}$/;

/** The citation a `[n]` marker refers to: by its number, as the answer numbers them. */
export function citationFor(citations: readonly Citation[], n: number): Citation | undefined {
  return citations.find((c) => c.number === n);
}

/** The YouTube video id of a citation's link, or null when the link is not a YouTube video. */
export function youTubeVideoId(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const host = parsed.hostname.toLowerCase();
  if (!youTubeHosts.has(host)) return null;
  let id: string | null;
  if (host === 'youtu.be') id = parsed.pathname.slice(1);
  else if (parsed.pathname === '/watch') id = parsed.searchParams.get('v');
  else id = /^\/(?:embed|shorts|live)\/([^/]+)/.exec(parsed.pathname)?.[1] ?? null;
  id = id ? decodeURIComponent(id) : null;
  return id && youTubeId.test(id) ? id : null;
}

/** How to play a citation: the privacy-enhanced YouTube embed at the cited second, or its link. */
export function playerFor(citation: Citation): Player {
  const start = Math.max(0, Math.floor(citation.start_seconds));
  const id = youTubeVideoId(citation.url);
  if (id) return { kind: 'youtube', src: `https://www.youtube-nocookie.com/embed/${encodeURIComponent(id)}?start=${start}`, start };
  return { kind: 'link', href: safeHref(citation.url) ?? '#', start };
}

/** Only http(s) links ever become hrefs. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
