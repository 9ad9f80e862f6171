/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** "in 12 minutes (at 14:05)" — when something is possible again. */
export function describeWait(seconds: number, now: Date = new Date()): string {
  const at = new Date(now.getTime() + seconds * 1000);
  const clock = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  let span: string;
  if (seconds < 60) span = `${seconds} second${seconds === 1 ? '' : 's'}`;
  else if (seconds < 3600) {
    const m = Math.ceil(seconds / 60);
    span = `${m} minute${m === 1 ? '' : 's'}`;
  } else if (seconds < 48 * 3600) {
    const h = Math.round(seconds / 3600);
    span = `${h} hour${h === 1 ? '' : 's'}`;
  } else {
    const d = Math.round(seconds / 86400);
    span = `${d} days`;
  }
  const day = seconds >= 20 * 3600 ? at.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' : '';
  return `in ${span} (at ${day}${clock})`;
}
