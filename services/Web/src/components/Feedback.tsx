import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Message } from '../api/types';
import { explain } from './ErrorNote';

/** Thumbs up or down on an answer, with an optional comment. */
export function Feedback({ messageId, initial }: { messageId: string; initial: Message['feedback'] }) {
  const [rating, setRating] = useState<number | null>(initial?.rating ?? null);
  const [comment, setComment] = useState(initial?.comment ?? '');
  const [asking, setAsking] = useState(false);
  const [status, setStatus] = useState<string | null>(initial ? 'Thanks for your feedback.' : null);
  // The rating shows at once and a comment can follow before the rating's answer is back: only the
  // latest request may report, so a slow first answer never overwrites the second.
  const latest = useRef(0);
  const saved = useRef<number | null>(initial?.rating ?? null);

  async function send(value: number, text?: string) {
    const request = ++latest.current;
    setRating(value);
    try {
      await api(`/api/v1/messages/${encodeURIComponent(messageId)}/feedback`, { method: 'POST', body: { rating: value, comment: text || undefined } });
      saved.current = value;
      if (request === latest.current) setStatus(text ? 'Thanks, your comment was sent.' : 'Thanks for your feedback.');
    } catch (e) {
      if (request === latest.current) {
        setRating(saved.current);
        setStatus(explain(e));
      }
    }
  }

  function rate(value: number) {
    setAsking(true);
    void send(value, comment);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (rating !== null) void send(rating, comment.trim());
    setAsking(false);
  }

  return (
    <div className="feedback">
      <div role="group" aria-label="Was this answer helpful?">
        <button type="button" className="icon" aria-pressed={rating === 1} aria-label="Helpful" onClick={() => rate(1)}>
          <Thumb />
        </button>
        <button type="button" className="icon" aria-pressed={rating === -1} aria-label="Not helpful" onClick={() => rate(-1)}>
          <Thumb down />
        </button>
      </div>
      {asking && (
        <form onSubmit={submit} className="feedback-comment">
          <label>
            <span className="visually-hidden">Comment (optional)</span>
            <input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} placeholder="Add a comment (optional)" />
          </label>
          <button type="submit" className="secondary">Send</button>
        </form>
      )}
      {status && <span className="muted small" role="status">{status}</span>}
    </div>
  );
}

/** A thumb drawn inline (no emoji font needed, follows the text colour). */
export function Thumb({ down = false }: { down?: boolean }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false" className={down ? 'thumb down' : 'thumb'}>
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
        d="M7 10v11H3V10h4zm0 0 4-8c1.7 0 3 1.3 3 3v4h5.5c1.2 0 2.1 1.1 1.9 2.3l-1.3 7.5c-.2 1-1 1.7-2 1.7H7"
      />
    </svg>
  );
}
