import { describe, expect, it } from 'vitest';
import { readEvents, SseParser, type SseEvent } from './sse';

const chatStream =
  'event: delta\ndata: {"text":"Sear"}\n\n' +
  'event: delta\ndata: {"text":"ing [1]"}\n\n' +
  'event: citations\ndata: [{"number":1,"video_id":"kl-searing-science","start_seconds":9.4}]\n\n' +
  'event: done\ndata: {"conversation_id":"c1","message_id":"m1","cached":false,"degraded":false}\n\n';

function parseInPieces(text: string, size: number): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
  return events;
}

describe('SseParser', () => {
  it('reads the chat events in order', () => {
    const events = new SseParser().push(chatStream);
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'citations', 'done']);
    expect(JSON.parse(events[1].data)).toEqual({ text: 'ing [1]' });
  });

  it('gives the same events however the stream is split', () => {
    const whole = new SseParser().push(chatStream);
    for (const size of [1, 2, 3, 7, 16, 50]) expect(parseInPieces(chatStream, size)).toEqual(whole);
  });

  it('accepts CRLF and CR line ends, also split between chunks', () => {
    const crlf = chatStream.replace(/\n/g, '\r\n');
    expect(parseInPieces(crlf, 1)).toEqual(new SseParser().push(chatStream));
    const parser = new SseParser();
    // A CR at the end of a chunk may be half of a CRLF, so that event waits for the next byte.
    expect(parser.push('data: a\r\rdata: b\r\r').map((e) => e.data)).toEqual(['a']);
    expect(parser.push('data: c\r\r').map((e) => e.data)).toEqual(['b']);
  });

  it('joins multi-line data, ignores comments and unknown fields, and names bare events "message"', () => {
    const events = new SseParser().push(': keep-alive\nid: 7\ndata: one\ndata:two\nretry: 10\n\n');
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: delta\ndata: {"text":"x"}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'delta', data: '{"text":"x"}' }]);
  });

  it('dispatches nothing for a blank line without data', () => {
    expect(new SseParser().push('event: delta\n\n\n')).toEqual([]);
  });
});

describe('readEvents', () => {
  it('decodes UTF-8 split inside a character and flushes a last event without its blank line', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"crème brûlée"}\n\nevent: done\ndata: {}');
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of "è"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const event of readEvents(body)) events.push(event);
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"crème brûlée"}' },
      { event: 'done', data: '{}' },
    ]);
  });
});
