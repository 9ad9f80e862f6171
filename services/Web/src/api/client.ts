import { retryAfterSeconds } from '../lib/retry';
import { readEvents } from './sse';
import type { Citation } from '../lib/citations';

/** The header that asks the gateway for the HttpOnly refresh cookie, and proves a cookie refresh is same-origin. */
const cookieHeader = { 'X-Refresh-Cookie': '1' };

/** The access token lives only here, in memory: a reload gets a new one from the refresh cookie. */
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly retryAfter: number | null = null,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(detail || title);
  }
}

export function hasSession(): boolean {
  return accessToken !== null;
}

async function problemOf(response: Response): Promise<ApiError> {
  let title = response.statusText || 'Request failed';
  let detail = '';
  let errors: Record<string, string[]> = {};
  try {
    const body = await response.json();
    title = body.title ?? title;
    detail = body.detail ?? '';
    errors = body.errors ?? {};
    if (!detail && Object.keys(errors).length) detail = Object.values(errors).flat().join(' ');
  } catch {
    // Not a problem document (e.g. a proxy's error page): the status says enough.
  }
  return new ApiError(response.status, title, detail, retryAfterSeconds(response.headers.get('Retry-After')), errors);
}

/** Exchanges the refresh cookie for a new access token; one exchange at a time. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...cookieHeader },
        body: '{}',
      });
      if (!response.ok) {
        accessToken = null;
        return false;
      }
      accessToken = (await response.json()).access_token;
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  accept?: string;
}

/** A call to the public API with the in-memory token; an expired token is refreshed once. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const send = () => {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    return fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  };
  let response = await send();
  if (response.status === 401 && accessToken && (await refreshSession())) response = await send();
  if (!response.ok) throw await problemOf(response);
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

export async function signIn(email: string, password: string): Promise<void> {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...cookieHeader },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw await problemOf(response);
  accessToken = (await response.json()).access_token;
}

export async function signOut(): Promise<void> {
  try {
    if (accessToken) {
      await fetch('/api/v1/auth/logout', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, ...cookieHeader },
        body: '{}',
      });
    }
  } finally {
    accessToken = null;
  }
}

export interface ChatHandlers {
  /** The response headers arrived: the turn was accepted and the answer is coming. */
  onOpen?(): void;
  onDelta(text: string): void;
  onCitations(citations: Citation[]): void;
  onDone(done: ChatDone): void;
}

export interface ChatDone {
  conversation_id: string;
  message_id: string;
  cached: boolean;
  degraded: boolean;
}

/** Thrown when the stream ends without `done`: the connection dropped, and the turn can be retried. */
export class StreamDropped extends Error {}

/** POST /api/v1/chat as server-sent events, read with fetch and a ReadableStream. */
export async function streamChat(
  input: { creator_id: string; message: string; conversation_id?: string },
  handlers: ChatHandlers,
  signal: AbortSignal,
): Promise<void> {
  const response = await request('/api/v1/chat', { method: 'POST', body: input, signal, accept: 'text/event-stream' });
  if (!response.body) throw new StreamDropped('The answer could not be read.');
  handlers.onOpen?.();
  for await (const event of readEvents(response.body)) {
    const data = JSON.parse(event.data);
    switch (event.event) {
      case 'delta':
        handlers.onDelta(data.text ?? '');
        break;
      case 'citations':
        handlers.onCitations(data as Citation[]);
        break;
      case 'done':
        handlers.onDone(data as ChatDone);
        return;
      case 'error':
        throw new ApiError(503, 'The answer stopped', data.detail ?? 'The answer could not be finished.');
    }
  }
  throw new StreamDropped('The connection dropped before the answer was finished.');
}
