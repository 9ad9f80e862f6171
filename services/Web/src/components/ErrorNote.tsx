import { ApiError } from '../api/client';
import { describeWait } from '../lib/retry';

/** An error in words: what happened and what to do, never a stack trace. */
export function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const when = error.retryAfter !== null ? ` You can try again ${describeWait(error.retryAfter)}.` : ' Please try again later.';
      return `${error.detail || 'You have reached your limit.'}${when}`;
    }
    if (error.status >= 500) return `${error.detail || 'The service is busy or restarting.'} Please try again in a moment.`;
    if (error.status === 401) return error.detail || 'Please sign in again.';
    return error.detail || error.title;
  }
  if (error instanceof DOMException && error.name === 'AbortError') return 'Stopped.';
  if (error instanceof TypeError) return 'Could not reach CreatorChat. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {explain(error)}
    </p>
  );
}
