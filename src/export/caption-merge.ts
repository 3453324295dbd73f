/**
 * Generated captions and the person's own: a captioner writes a caption per labelled segment (or
 * per window), and the person may accept it into the segment, edit it, or write their own. Where
 * both exist for the same span, the person's text wins — in the editor's suggestion and in the
 * exported subtitles. Pure; the renderer and the export service share it.
 */
import type { SubtitleCue } from './subtitles.js';

export interface CaptionedSpan {
  start: number;
  end: number;
  captions: readonly string[];
}

/**
 * Whether a generated cue stands for this span: they overlap by at least half of the shorter of
 * the two (the captioner captions labelled segments with their own times, so a match is usually
 * exact; a window caption counts for the segment it mostly covers).
 */
export function coversSpan(cue: { start: number; end: number }, span: { start: number; end: number }): boolean {
  const overlap = Math.min(cue.end, span.end) - Math.max(cue.start, span.start);
  const shorter = Math.min(cue.end - cue.start, span.end - span.start);
  return overlap > 0 && overlap >= shorter / 2;
}

/** The generated cue that best stands for `span` (largest overlap), or null. */
export function generatedFor<C extends { start: number; end: number }>(
  cues: readonly C[],
  span: { start: number; end: number },
): C | null {
  let best: C | null = null;
  let bestOverlap = 0;
  for (const c of cues) {
    if (!coversSpan(c, span)) continue;
    const overlap = Math.min(c.end, span.end) - Math.max(c.start, span.start);
    if (overlap > bestOverlap) [best, bestOverlap] = [c, overlap];
  }
  return best;
}

const firstText = (s: CaptionedSpan): string | null => s.captions.find((c) => c.trim() !== '') ?? null;

/**
 * The cues to export: each generated cue, unless a segment with a caption of its own covers it
 * (then that segment's caption, at the segment's times); plus every captioned segment no generated
 * cue stands for. Sorting is left to the writers (toSrt / toWebVtt sort by time).
 */
export function mergeCaptionCues(generated: readonly SubtitleCue[], segments: readonly CaptionedSpan[]): SubtitleCue[] {
  const own = segments.filter((s) => firstText(s) !== null);
  const used = new Set<CaptionedSpan>();
  const out: SubtitleCue[] = [];
  for (const cue of generated) {
    const mine = generatedOwner(own, cue);
    if (mine) {
      if (!used.has(mine)) out.push({ start: mine.start, end: mine.end, text: firstText(mine)! });
      used.add(mine);
    } else out.push({ start: cue.start, end: cue.end, text: cue.text });
  }
  for (const s of own) if (!used.has(s)) out.push({ start: s.start, end: s.end, text: firstText(s)! });
  return out;
}

/** The captioned segment a generated cue stands for (largest overlap), or null. */
function generatedOwner(own: readonly CaptionedSpan[], cue: SubtitleCue): CaptionedSpan | null {
  let best: CaptionedSpan | null = null;
  let bestOverlap = 0;
  for (const s of own) {
    if (!coversSpan(cue, s)) continue;
    const overlap = Math.min(cue.end, s.end) - Math.max(cue.start, s.start);
    if (overlap > bestOverlap) [best, bestOverlap] = [s, overlap];
  }
  return best;
}
