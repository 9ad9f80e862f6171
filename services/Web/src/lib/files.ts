export type TranscriptFormat = 'srt' | 'vtt' | 'text';

export interface TranscriptFile {
  videoId: string;
  title: string;
  format: TranscriptFormat;
}

const formats: Record<string, TranscriptFormat> = { srt: 'srt', vtt: 'vtt', txt: 'text' };

/** The transcript formats the upload accepts, or null for any other file. */
export function formatOf(fileName: string): TranscriptFormat | null {
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext ? formats[ext] ?? null : null;
}

/**
 * A video id and title from a caption file's name: `Title [dQw4w9WgXcQ].en.srt` (yt-dlp's naming)
 * gives the YouTube id in brackets; otherwise the id is the name as a slug and the title the name.
 */
export function describeFile(fileName: string): TranscriptFile | null {
  const format = formatOf(fileName);
  if (!format) return null;
  let base = fileName.replace(/\.[^.]+$/, '');
  base = base.replace(/\.[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$/, ''); // a language suffix: .en, .en-US
  const bracketed = /^(.*?)\s*\[([A-Za-z0-9_-]{11})\]\s*$/.exec(base);
  if (bracketed) return { videoId: bracketed[2], title: tidyTitle(bracketed[1]) || bracketed[2], format };
  const videoId = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'video';
  return { videoId, title: tidyTitle(base) || videoId, format };
}

function tidyTitle(name: string): string {
  return name.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}
