import { describe, expect, it } from 'vitest';
import { describeWait, retryAfterSeconds } from './retry';

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Tue, 01 Dec 2026 10:05:00 GMT', now)).toBe(300);
    expect(retryAfterSeconds('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
  });
});

describe('describeWait', () => {
  it('says how long and at what time', () => {
    const now = new Date(2026, 11, 1, 14, 0, 0);
    const clock = (m: number) => new Date(2026, 11, 1, 14, m).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(describeWait(45, now)).toBe(`in 45 seconds (at ${clock(0)})`);
    expect(describeWait(600, now)).toBe(`in 10 minutes (at ${clock(10)})`);
    expect(describeWait(61, now)).toBe(`in 2 minutes (at ${clock(1)})`);
  });
});
