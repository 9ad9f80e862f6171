import { useState } from 'react';

/** A creator's picture, or their initials when there is none (or it does not load). */
export function Avatar({ url, name, size = 56 }: { url: string | null; name: string; size?: number }) {
  const [failed, setFailed] = useState(false);
  const initials = name
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  if (url && !failed && /^https:\/\//.test(url)) {
    return <img className="avatar" src={url} alt="" width={size} height={size} onError={() => setFailed(true)} />;
  }
  return (
    <span className={`avatar initials s${size}`} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}
