import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, streamChat, StreamDropped } from '../api/client';
import type { Creator, Message } from '../api/types';
import { Avatar } from '../components/Avatar';
import { explain } from '../components/ErrorNote';
import { Feedback } from '../components/Feedback';
import { Markdown } from '../components/Markdown';
import { Player } from '../components/Player';
import { citationFor, formatSeconds, type Citation } from '../lib/citations';
import { navigate, onLinkClick } from '../router';
import { useSession } from '../session';

/** One message on screen: a turn from the history, or the answer being streamed. */
interface Turn {
  key: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  id?: string;
  feedback?: Message['feedback'];
  state: 'done' | 'streaming' | 'stopped' | 'failed';
  /** For a failed answer: the question, to retry it, and what went wrong. */
  question?: string;
  error?: string;
  /** Enter → first delta read from the network, and → first token committed to the screen (ms). */
  timing?: { open?: number; network?: number; screen?: number };
}

let nextKey = 0;
const key = () => `t${++nextKey}`;

export function ChatPage({ slug, conversationId }: { slug: string; conversationId: string | null }) {
  const { me, reload } = useSession();
  const [creator, setCreator] = useState<Creator | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [player, setPlayer] = useState<Citation | null>(null);
  const [conversation, setConversation] = useState<string | null>(conversationId);
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const streaming = turns.some((t) => t.state === 'streaming');

  useEffect(() => {
    api<Creator>(`/api/v1/creators/${encodeURIComponent(slug)}`).then(setCreator, (e) => setNotice(explain(e)));
  }, [slug]);

  useEffect(() => {
    setConversation(conversationId);
    if (!conversationId || !me) {
      setTurns([]);
      return;
    }
    api<Message[]>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`).then(
      (messages) =>
        setTurns(
          messages.map((m) => ({ key: m.id, id: m.id, role: m.role, content: m.content, citations: m.citations ?? [], feedback: m.feedback, state: 'done' })),
        ),
      (e) => setNotice(explain(e)),
    );
    // Only a different conversation (or a new sign-in) reloads the history.
  }, [conversationId, me?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => () => abort.current?.abort(), []);

  const update = useCallback((k: string, change: (t: Turn) => Partial<Turn>) => {
    setTurns((all) => all.map((t) => (t.key === k ? { ...t, ...change(t) } : t)));
  }, []);

  async function ask(question: string, retryOf?: string) {
    const started = performance.now();
    setNotice(null);
    const answerKey = retryOf ?? key();
    const questionKey = key();
    const answer: Turn = { key: answerKey, role: 'assistant', content: '', citations: [], state: 'streaming', question, timing: {} };
    setTurns((all) =>
      retryOf ? all.map((t) => (t.key === retryOf ? answer : t)) : [...all, { key: questionKey, role: 'user', content: question, citations: [], state: 'done' }, answer],
    );
    const controller = new AbortController();
    abort.current = controller;
    let first = true;
    try {
      await streamChat(
        { creator_id: slug, message: question, conversation_id: conversation ?? undefined },
        {
          onOpen() {
            const open = performance.now() - started;
            update(answerKey, (t) => ({ timing: { ...t.timing, open } }));
          },
          onDelta(text) {
            if (first) {
              first = false;
              const network = performance.now() - started;
              update(answerKey, (t) => ({ content: t.content + text, timing: { ...t.timing, network } }));
              // The frame after React commits the first token is when it is on screen.
              requestAnimationFrame(() => update(answerKey, (t) => ({ timing: { ...t.timing, screen: performance.now() - started } })));
              return;
            }
            update(answerKey, (t) => ({ content: t.content + text }));
          },
          onCitations(citations) {
            update(answerKey, () => ({ citations }));
          },
          onDone(done) {
            update(answerKey, () => ({ id: done.message_id, state: 'done' }));
            if (done.conversation_id && done.conversation_id !== conversation) {
              setConversation(done.conversation_id);
              history.replaceState(null, '', `/c/${encodeURIComponent(slug)}?conversation=${encodeURIComponent(done.conversation_id)}`);
            }
          },
        },
        controller.signal,
      );
    } catch (error) {
      if (controller.signal.aborted) {
        update(answerKey, () => ({ state: 'stopped' }));
      } else if (error instanceof ApiError && error.status === 429) {
        // Not an answer at all: take the turn back and keep the question in the box.
        setTurns((all) => all.filter((t) => t.key !== answerKey && t.key !== questionKey));
        setDraft((d) => d || question);
        setNotice(explain(error));
      } else {
        const dropped = error instanceof StreamDropped;
        update(answerKey, () => ({ state: 'failed', error: dropped ? error.message : explain(error) }));
      }
    } finally {
      if (abort.current === controller) abort.current = null;
      void reload();
    }
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const question = draft.trim();
    if (!question || streaming) return;
    if (!me) {
      navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    setDraft('');
    void ask(question);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function newConversation() {
    abort.current?.abort();
    setTurns([]);
    setConversation(null);
    setPlayer(null);
    navigate(`/c/${encodeURIComponent(slug)}`);
    input.current?.focus();
  }

  return (
    <div className={`chat-layout${player ? ' with-player' : ''}`}>
      <section className="chat" aria-labelledby="chat-title">
        <div className="chat-head">
          {creator && <Avatar url={creator.avatar_url} name={creator.name} size={40} />}
          <div>
            <h1 id="chat-title">{creator?.name ?? slug}</h1>
            {creator?.specialty && <p className="muted small">{creator.specialty}</p>}
          </div>
          <button type="button" className="secondary" onClick={newConversation}>New chat</button>
        </div>
        {!me && (
          <p className="notice">
            <a href={`/signin?next=${encodeURIComponent(`/c/${slug}`)}`} onClick={onLinkClick}>Sign in</a> or{' '}
            <a href={`/signup?next=${encodeURIComponent(`/c/${slug}`)}`} onClick={onLinkClick}>create an account</a> to chat.
          </p>
        )}
        <ol className="messages" aria-label="Conversation">
          {turns.length === 0 && me && (
            <li className="empty muted">Ask {creator?.name ?? 'the creator'} anything about their videos.</li>
          )}
          {turns.map((turn) => (
            <li key={turn.key} className={`message ${turn.role}`} data-state={turn.state}>
              <span className="visually-hidden">{turn.role === 'user' ? 'You said:' : `${creator?.name ?? 'Creator'} said:`}</span>
              {turn.role === 'user' ? (
                <p className="bubble">{turn.content}</p>
              ) : (
                <div className="bubble">
                  <div
                    className="answer"
                    aria-live="polite"
                    data-open-ms={turn.timing?.open?.toFixed(1)}
                    data-network-ms={turn.timing?.network?.toFixed(1)}
                    data-screen-ms={turn.timing?.screen?.toFixed(1)}
                  >
                    {turn.content === '' && turn.state === 'streaming' ? (
                      <span className="muted">Thinking…</span>
                    ) : (
                      <Markdown
                        source={turn.content}
                        cite={(n) => {
                          const c = citationFor(turn.citations, n);
                          return c ? (
                            <button
                              type="button"
                              className="chip"
                              data-citation={n}
                              aria-label={`Source ${n}: ${c.title} at ${formatSeconds(c.start_seconds)}`}
                              aria-pressed={player === c}
                              onClick={() => setPlayer(c)}
                            >
                              {n}
                            </button>
                          ) : (
                            <sup className="chip pending">{n}</sup>
                          );
                        }}
                      />
                    )}
                  </div>
                  {turn.state === 'stopped' && <p className="muted small">Stopped.</p>}
                  {turn.state === 'failed' && (
                    <div className="error" role="alert">
                      <p>{turn.error}</p>
                      <button type="button" onClick={() => void ask(turn.question!, turn.key)} disabled={streaming}>Retry</button>
                    </div>
                  )}
                  {turn.citations.length > 0 && turn.state !== 'streaming' && (
                    <ul className="sources" aria-label="Sources">
                      {turn.citations.map((c) => (
                        <li key={c.number}>
                          <button type="button" className="link" onClick={() => setPlayer(c)}>
                            [{c.number}] {c.title} · {formatSeconds(c.start_seconds)}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                  {turn.id && turn.state === 'done' && <Feedback messageId={turn.id} initial={turn.feedback ?? null} />}
                </div>
              )}
            </li>
          ))}
        </ol>
        <form className="composer" onSubmit={submit}>
          {notice && (
            <p className="error" role="alert">
              {notice}
            </p>
          )}
          <div className="composer-row">
            <label htmlFor="question" className="visually-hidden">Your question</label>
            <textarea
              id="question"
              ref={input}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKeyDown}
              placeholder={me ? 'Ask a question (Enter to send, Shift+Enter for a new line)' : 'Sign in to ask a question'}
              maxLength={4000}
              rows={2}
              disabled={!me}
            />
            {streaming ? (
              <button type="button" className="stop" onClick={() => abort.current?.abort()}>Stop</button>
            ) : (
              <button type="submit" disabled={!me || !draft.trim()}>Send</button>
            )}
          </div>
        </form>
      </section>
      {player && <Player citation={player} onClose={() => setPlayer(null)} />}
    </div>
  );
}
