/**
 * A small Markdown subset parsed to a tree (never to HTML): paragraphs, headings, lists, quotes,
 * fenced code, `code`, **strong**, *em*, [text](https://…) and citation markers `[n]`. Anything
 * else, including raw HTML, stays literal text, so React escapes it when it renders the tree.
 */
export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'cite'; n: number };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] }
  | { t: 'quote'; c: Inline[] }
  | { t: 'pre'; v: string };

const inlinePattern =
  /`([^`\n]+)`|\*\*(.+?)\*\*|\[(\d{1,3})\]|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  const push = (node: Inline) => {
    const prev = out[out.length - 1];
    if (node.t === 'text' && prev?.t === 'text') prev.v += node.v;
    else out.push(node);
  };
  for (const m of text.matchAll(inlinePattern)) {
    const index = m.index ?? 0;
    if (index > last) push({ t: 'text', v: text.slice(last, index) });
    if (m[1] !== undefined) push({ t: 'code', v: m[1] });
    else if (m[2] !== undefined) push({ t: 'strong', c: parseInline(m[2]) });
    else if (m[3] !== undefined) push({ t: 'cite', n: Number(m[3]) });
    else if (m[4] !== undefined) push({ t: 'link', href: m[5], c: parseInline(m[4]) });
    else if (m[6] !== undefined) push({ t: 'em', c: parseInline(m[6]) });
    else if (m[7] !== undefined) push({ t: 'em', c: parseInline(m[7]) });
    last = index + m[0].length;
  }
  if (last < text.length) push({ t: 'text', v: text.slice(last) });
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ t: 'p', c: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ t: 'pre', v: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: 'h', level: heading[1].length, c: parseInline(heading[2]) });
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = !bullet;
      const items: Inline[][] = [];
      const start = numbered ? Number(numbered[1]) : 1;
      for (; i < lines.length; i++) {
        const item = ordered ? /^\s*\d{1,9}[.)]\s+(.*)$/.exec(lines[i]) : /^\s*[-*+]\s+(.*)$/.exec(lines[i]);
        if (!item) break;
        items.push(parseInline(item[1]));
      }
      i--;
      blocks.push(ordered ? { t: 'ol', start, items } : { t: 'ul', items });
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      blocks.push({ t: 'quote', c: parseInline(quote[1]) });
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

/** The citation numbers an answer uses, in order of first use. */
export function citedNumbers(source: string): number[] {
  const seen = new Set<number>();
  const visit = (nodes: Inline[]) => {
    for (const node of nodes) {
      if (node.t === 'cite') seen.add(node.n);
      else if ('c' in node) visit(node.c);
    }
  };
  for (const block of parseMarkdown(source)) {
    if ('c' in block) visit(block.c);
    else if ('items' in block) block.items.forEach(visit);
  }
  return [...seen];
}
