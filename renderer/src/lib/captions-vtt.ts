/** Generated captions → a WebVTT document for the player's <track> (pure; tested under Node). */
import type { CaptionResult } from '../../../src/services/contract.js';

function stamp(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

export function captionsToVtt(c: Pick<CaptionResult, 'captions'>): string {
  const cues = c.captions
    .filter((x) => x.end > x.start && x.text.trim() !== '')
    .map((x, i) => {
      // "-->" inside a cue would end it early; & and < start entities and tags in WebVTT.
      const text = x.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/-->/g, '--&gt;');
      return `${i + 1}\n${stamp(x.start)} --> ${stamp(x.end)}\n${text}`;
    });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** The caption shown at time t (the latest one that has started), or null. */
export function captionAt(c: Pick<CaptionResult, 'captions'>, t: number): string | null {
  let found: string | null = null;
  for (const x of c.captions) if (x.start <= t && t < x.end) found = x.text;
  return found;
}
