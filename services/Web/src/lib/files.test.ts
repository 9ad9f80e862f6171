import { describe, expect, it } from 'vitest';
import { describeFile, formatOf } from './files';

describe('describeFile', () => {
  it('takes the YouTube id in brackets (yt-dlp names) and drops the language suffix', () => {
    expect(describeFile('Why knead bread [dQw4w9WgXcQ].en.vtt')).toEqual({ videoId: 'dQw4w9WgXcQ', title: 'Why knead bread', format: 'vtt' });
    expect(describeFile('Intro_to_Searing [abcdefghijk].en-US.srt')).toEqual({ videoId: 'abcdefghijk', title: 'Intro to Searing', format: 'srt' });
  });

  it('otherwise makes a slug id and a readable title from the name', () => {
    expect(describeFile('kl-no-knead-bread.srt')).toEqual({ videoId: 'kl-no-knead-bread', title: 'kl-no-knead-bread', format: 'srt' });
    expect(describeFile('My Onion Video (2024).TXT')).toEqual({ videoId: 'my-onion-video-2024', title: 'My Onion Video (2024)', format: 'text' });
  });

  it('refuses files that are not captions', () => {
    expect(describeFile('photo.png')).toBeNull();
    expect(describeFile('README')).toBeNull();
    expect(formatOf('a.VTT')).toBe('vtt');
  });
});
