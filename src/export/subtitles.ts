/**
 * SubRip (.srt) and WebVTT (.vtt) export of timed captions/labels, plus small parsers used for
 * round-trip tests and re-import. Rules (docs/captioning-text.md):
 *
 *  - Times are rounded to the nearest millisecond, halves up, judged on the decimal value the
 *    caller wrote (59.9995 s → 00:01:00,000 even though the double is 59.99949999…). Hours are
 *    at least two digits and may exceed 99 ("100:00:00,000"). After rounding, an end never comes
 *    before its start (a cue may be zero-length).
 *  - Cues are sorted by start, then end; equal cues keep input order. Overlapping cues are kept as
 *    they are: both formats allow it and players show them together (stacked).
 *  - Text: CR/CRLF become LF, each line is trimmed, blank lines are dropped (a blank line ends a
 *    cue in both formats), and a cue whose text is empty after that is skipped.
 *  - SRT has no escaping; any run "-->" (two or more dashes then ">") becomes "->" so a text line
 *    can never be taken for a timing line. SRT players interpret <i>/<b>/<font> tags; text is
 *    written as given otherwise.
 *  - WebVTT escapes & < > as &amp; &lt; &gt; (so "-->" is written "--&gt;"), and begins with a
 *    `WEBVTT` header line. Cues have no identifiers unless asked for (the player's track numbers
 *    them 1, 2, …). This is the only WebVTT writer: the renderer's player track uses it too.
 */
import { FramewiseError } from '../errors.js';

export interface SubtitleCue {
  /** Seconds from the start of the video, ≥ 0. */
  start: number;
  /** Seconds, ≥ start. */
  end: number;
  /** May contain newlines. */
  text: string;
}

/** Seconds → integer milliseconds, rounding halves up on the shortest decimal form of the input. */
export function secondsToMs(seconds: number): number {
  return Math.round(Number((seconds * 1000).toPrecision(15)));
}

/** `hh:mm:ss,mmm` (SRT, sep ',') or `hh:mm:ss.mmm` (WebVTT, sep '.'). */
export function formatTimestamp(seconds: number, sep: ',' | '.' = ','): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new FramewiseError('BAD_ARGUMENT', `a subtitle time must be a finite number ≥ 0 (got ${String(seconds)})`);
  }
  return formatMs(secondsToMs(seconds), sep);
}

function formatMs(total: number, sep: string): string {
  const ms = total % 1000;
  const s = Math.floor(total / 1000) % 60;
  const m = Math.floor(total / 60_000) % 60;
  const h = Math.floor(total / 3_600_000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${sep}${String(ms).padStart(3, '0')}`;
}

interface PreparedCue {
  startMs: number;
  endMs: number;
  lines: string[];
}

function prepare(cues: readonly SubtitleCue[], cleanLine: (line: string) => string): PreparedCue[] {
  if (!Array.isArray(cues)) throw new FramewiseError('BAD_ARGUMENT', 'cues must be an array of { start, end, text }');
  const out: (PreparedCue & { order: number })[] = [];
  cues.forEach((c, i) => {
    const at = `cues[${i}]`;
    if (typeof c !== 'object' || c === null) throw new FramewiseError('BAD_ARGUMENT', `${at} must be an object`);
    for (const k of ['start', 'end'] as const) {
      const v = c[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `${at}.${k} must be a finite number of seconds ≥ 0 (got ${String(v)})`,
        );
      }
    }
    if (c.end < c.start)
      throw new FramewiseError('BAD_ARGUMENT', `${at}.end (${c.end}) is before its start (${c.start})`);
    if (typeof c.text !== 'string') throw new FramewiseError('BAD_ARGUMENT', `${at}.text must be a string`);
    const lines = c.text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l: string) => cleanLine(l.trim()))
      .filter((l: string) => l.trim() !== '');
    if (lines.length === 0) return;
    const startMs = secondsToMs(c.start);
    out.push({ startMs, endMs: Math.max(startMs, secondsToMs(c.end)), lines, order: i });
  });
  out.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || a.order - b.order);
  return out;
}

/** SubRip text: numbered cues from 1, `hh:mm:ss,mmm --> hh:mm:ss,mmm`, LF line ends. */
export function toSrt(cues: readonly SubtitleCue[]): string {
  const prepared = prepare(cues, (l) => l.replace(/-{2,}>/g, '->'));
  return prepared
    .map((c, i) => `${i + 1}\n${formatMs(c.startMs, ',')} --> ${formatMs(c.endMs, ',')}\n${c.lines.join('\n')}\n`)
    .join('\n');
}

export function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface WebVttOptions {
  /** Number the cues 1, 2, … (in sorted order) with an identifier line each; default false. */
  cueIds?: boolean;
}

/** WebVTT text: `WEBVTT` header, then cues (without identifiers unless asked), LF line ends. */
export function toWebVtt(cues: readonly SubtitleCue[], options: WebVttOptions = {}): string {
  const prepared = prepare(cues, escapeVttText);
  const body = prepared.map(
    (c, i) =>
      `${options.cueIds ? `${i + 1}\n` : ''}${formatMs(c.startMs, '.')} --> ${formatMs(c.endMs, '.')}\n${c.lines.join('\n')}\n`,
  );
  return ['WEBVTT\n', ...body].join('\n');
}

// ------------------------------------------------------------------------------------------- parsing

function blocks(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((b) => b.split('\n').filter((l, i, all) => !(l.trim() === '' && (i === 0 || i === all.length - 1))))
    .filter((b) => b.some((l) => l.trim() !== ''));
}

const SRT_TS = /^(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/;
const VTT_TS = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;

function parseTs(s: string, re: RegExp, where: string): number {
  const m = re.exec(s.trim());
  if (!m) throw new FramewiseError('BAD_ARGUMENT', `${where}: "${s.trim()}" is not a timestamp`);
  const [h, mi, se, ms] = [m[1] ?? '0', m[2] as string, m[3] as string, (m[4] as string).padEnd(3, '0')].map(
    Number,
  ) as [number, number, number, number];
  if (mi > 59 || se > 59)
    throw new FramewiseError('BAD_ARGUMENT', `${where}: "${s.trim()}" has minutes or seconds above 59`);
  return (h * 3600 + mi * 60 + se) * 1000 + ms;
}

function parseTiming(line: string, re: RegExp, where: string): { start: number; end: number } {
  const [a, rest] = line.split('-->', 2) as [string, string];
  const b = rest.trim().split(/[ \t]+/)[0] ?? ''; // WebVTT cue settings follow the end time
  return { start: parseTs(a, re, where) / 1000, end: parseTs(b, re, where) / 1000 };
}

/** Parses SubRip text. Blocks without a timing line are ignored; a malformed timing line throws. */
export function parseSrt(text: string): SubtitleCue[] {
  const cues: SubtitleCue[] = [];
  blocks(text).forEach((lines, bi) => {
    const t = lines.findIndex((l) => l.includes('-->'));
    if (t < 0) return;
    const { start, end } = parseTiming(lines[t] as string, SRT_TS, `SRT cue ${bi + 1}`);
    cues.push({ start, end, text: lines.slice(t + 1).join('\n') });
  });
  return cues;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  nbsp: '\u00A0',
  lrm: '\u200E',
  rlm: '\u200F',
  quot: '"',
  apos: "'",
};

export function unescapeVttText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

/** Parses WebVTT text (header required; NOTE/STYLE/REGION blocks and cue ids/settings ignored). */
export function parseWebVtt(text: string): SubtitleCue[] {
  const all = blocks(text);
  const header = all[0]?.[0] ?? '';
  if (!/^WEBVTT(?:[ \t].*)?$/.test(header)) {
    throw new FramewiseError('BAD_ARGUMENT', 'not a WebVTT file: the first line must be "WEBVTT"');
  }
  const cues: SubtitleCue[] = [];
  all.slice(1).forEach((lines, bi) => {
    const first = lines[0] ?? '';
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) return;
    const t = lines.findIndex((l) => l.includes('-->'));
    if (t < 0 || t > 1) return;
    const { start, end } = parseTiming(lines[t] as string, VTT_TS, `WebVTT cue ${bi + 1}`);
    cues.push({ start, end, text: unescapeVttText(lines.slice(t + 1).join('\n')) });
  });
  return cues;
}

// -------------------------------------------------------------------------------------- from project

/** What cues are made of: the fields of a project segment (store/schema.ts's Segment) this module reads. */
export interface CueSegment {
  videoId: string;
  start: number;
  end: number;
  classId: string | null;
  captions: readonly string[];
}

/** A class as cues name it (store/schema.ts's ProjectClass has these fields). */
export interface CueClass {
  id: string;
  name: string;
}

export interface CuesFromSegmentsOptions {
  /** Only segments of this video. */
  videoId?: string;
  /** Needed for 'label' text: maps classId → name. */
  classes?: readonly CueClass[];
  /**
   * 'caption' (default): the segment's first caption; 'label': its class name;
   * 'label+caption': class name on the first line, first caption on the second.
   */
  text?: 'caption' | 'label' | 'label+caption';
}

/** Project segments → cues (segments with nothing to show are left out by toSrt/toWebVtt). */
export function cuesFromSegments(
  segments: readonly CueSegment[],
  options: CuesFromSegmentsOptions = {},
): SubtitleCue[] {
  const names = new Map((options.classes ?? []).map((c) => [c.id, c.name]));
  const mode = options.text ?? 'caption';
  return segments
    .filter((s) => options.videoId === undefined || s.videoId === options.videoId)
    .map((s) => {
      const label = s.classId === null ? '' : (names.get(s.classId) ?? s.classId);
      const caption = s.captions[0] ?? '';
      const text =
        mode === 'caption' ? caption : mode === 'label' ? label : [label, caption].filter((x) => x !== '').join('\n');
      return { start: s.start, end: s.end, text };
    });
}
