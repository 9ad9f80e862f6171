import { useEffect, useRef } from 'react';
import { formatSeconds, playerFor, type Citation } from '../lib/citations';

/** The cited moment: the video from the cited second (YouTube's privacy-enhanced player), and the quoted passage. */
export function Player({ citation, onClose }: { citation: Citation; onClose(): void }) {
  const player = playerFor(citation);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [citation]);
  return (
    <aside className="player" aria-labelledby="player-title">
      <div className="player-head">
        <h2 id="player-title" ref={heading} tabIndex={-1}>
          [{citation.number}] {citation.title}
        </h2>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close the video">Close</button>
      </div>
      {player.kind === 'youtube' ? (
        <div className="frame">
          <iframe
            key={player.src}
            src={player.src}
            title={`${citation.title}, from ${formatSeconds(player.start)}`}
            allow="encrypted-media; picture-in-picture; fullscreen"
            referrerPolicy="strict-origin-when-cross-origin"
            allowFullScreen
          />
        </div>
      ) : (
        <p>
          <a href={player.href} target="_blank" rel="noopener noreferrer">Open the video at {formatSeconds(player.start)}</a>
        </p>
      )}
      <p className="muted small">From {formatSeconds(citation.start_seconds)}</p>
      <blockquote className="quote">{citation.quote}</blockquote>
    </aside>
  );
}
