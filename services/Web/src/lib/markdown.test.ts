import { describe, expect, it } from 'vitest';
import { citedNumbers, parseInline, parseMarkdown } from './markdown';

describe('parseInline', () => {
  it('turns [n] markers into citations and keeps the text around them', () => {
    expect(parseInline('Dry meat browns [1], wet meat steams [2].')).toEqual([
      { t: 'text', v: 'Dry meat browns ' },
      { t: 'cite', n: 1 },
      { t: 'text', v: ', wet meat steams ' },
      { t: 'cite', n: 2 },
      { t: 'text', v: '.' },
    ]);
  });

  it('parses strong, em, code and http(s) links, nested', () => {
    expect(parseInline('**salt [3]** then *rest* `60 s` [docs](https://example.org/x)')).toEqual([
      { t: 'strong', c: [{ t: 'text', v: 'salt ' }, { t: 'cite', n: 3 }] },
      { t: 'text', v: ' then ' },
      { t: 'em', c: [{ t: 'text', v: 'rest' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: '60 s' },
      { t: 'text', v: ' ' },
      { t: 'link', href: 'https://example.org/x', c: [{ t: 'text', v: 'docs' }] },
    ]);
  });

  it('leaves HTML and script links as literal text', () => {
    expect(parseInline('<img src=x onerror=alert(1)> [x](javascript:alert(1))')).toEqual([
      { t: 'text', v: '<img src=x onerror=alert(1)> [x](javascript:alert(1))' },
    ]);
  });

  it('does not read snake_case words or lone asterisks as emphasis', () => {
    expect(parseInline('use video_id and 2 * 3 = 6')).toEqual([{ t: 'text', v: 'use video_id and 2 * 3 = 6' }]);
  });
});

describe('parseMarkdown', () => {
  it('builds paragraphs, headings, lists, quotes and code blocks', () => {
    const blocks = parseMarkdown('# Steps\n\n1. Dry it [1]\n2. Salt it\n\n- hot pan\n- oil\n\n> quoted\n\n```\nx < y\n```\ntext\nmore');
    expect(blocks.map((b) => b.t)).toEqual(['h', 'ol', 'ul', 'quote', 'pre', 'p']);
    expect(blocks[1]).toMatchObject({ t: 'ol', start: 1, items: [[{ t: 'text', v: 'Dry it ' }, { t: 'cite', n: 1 }], [{ t: 'text', v: 'Salt it' }]] });
    expect(blocks[4]).toEqual({ t: 'pre', v: 'x < y' });
    expect(blocks[5]).toEqual({ t: 'p', c: [{ t: 'text', v: 'text\nmore' }] });
  });

  it('keeps an unfinished code fence (mid-stream) as code', () => {
    expect(parseMarkdown('```\nlet a')).toEqual([{ t: 'pre', v: 'let a' }]);
  });
});

describe('citedNumbers', () => {
  it('lists each citation once, in order of first use, including inside lists and emphasis', () => {
    expect(citedNumbers('A [2] b [1].\n\n- **c [2]**\n- d [3]')).toEqual([2, 1, 3]);
  });
});
