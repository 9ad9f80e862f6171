import { describe, expect, it } from 'vitest';
import { citationFor, formatSeconds, playerFor, safeHref, youTubeVideoId, type Citation } from './citations';

const citation = (over: Partial<Citation>): Citation => ({
  number: 1,
  video_id: 'kl-searing-science',
  title: 'Searing science',
  start_seconds: 9.402,
  url: 'https://youtu.be/kl-searing-science?t=9',
  quote: 'The myth is that searing seals in the juices.',
  ...over,
});

describe('citationFor', () => {
  it('finds a citation by the number the answer uses, not by position', () => {
    const list = [citation({ number: 2, title: 'two' }), citation({ number: 1, title: 'one' })];
    expect(citationFor(list, 1)?.title).toBe('one');
    expect(citationFor(list, 2)?.title).toBe('two');
    expect(citationFor(list, 3)).toBeUndefined();
  });
});

describe('playerFor', () => {
  it('embeds YouTube links with the privacy-enhanced player at the whole cited second', () => {
    expect(playerFor(citation({}))).toEqual({ kind: 'youtube', src: 'https://www.youtube-nocookie.com/embed/kl-searing-science?start=9', start: 9 });
    expect(playerFor(citation({ url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42', start_seconds: 42.9 }))).toEqual({
      kind: 'youtube',
      src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42',
      start: 42,
    });
  });

  it('links other videos instead of embedding them, and never a script URL', () => {
    expect(playerFor(citation({ url: 'https://vimeo.com/123#t=30s', start_seconds: 30 }))).toEqual({ kind: 'link', href: 'https://vimeo.com/123#t=30s', start: 30 });
    expect(playerFor(citation({ url: 'javascript:alert(1)' }))).toEqual({ kind: 'link', href: '#', start: 9 });
  });

  it('does not start before zero', () => {
    expect(playerFor(citation({ start_seconds: -3 })).start).toBe(0);
  });
});

describe('youTubeVideoId', () => {
  it.each([
    ['https://youtu.be/abc_DEF-123?t=5', 'abc_DEF-123'],
    ['https://m.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ?start=3', 'dQw4w9WgXcQ'],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ', null],
    ['https://youtu.be/bad%22id', null],
    ['not a url', null],
  ])('%s → %s', (url, id) => expect(youTubeVideoId(url)).toBe(id));
});

describe('safeHref and formatSeconds', () => {
  it('keeps only http(s) links', () => {
    expect(safeHref('https://example.org/a')).toBe('https://example.org/a');
    expect(safeHref('data:text/html,<script>')).toBeNull();
  });

  it('formats seconds as m:ss or h:mm:ss', () => {
    expect(formatSeconds(9.9)).toBe('0:09');
    expect(formatSeconds(125)).toBe('2:05');
    expect(formatSeconds(3725)).toBe('1:02:05');
  });
});
