/**
 * Import of public video-captioning annotations into one normalized shape, and matching their
 * video keys to the videos of a project.
 *
 * Formats (auto-detected by {@link parseCaptionDataset}, or named):
 *  - `msrvtt`: MSR-VTT `train_val_videodatainfo.json` / `test_videodatainfo.json`:
 *    `{ videos: [{ video_id, "start time"?, "end time"?, ... }], sentences: [{ video_id, caption }] }`.
 *    The distributed clips (video0.mp4 …) are already cut, so their captions describe the whole
 *    file: entries have no start/end. "start time"/"end time" locate the clip in the original
 *    YouTube video and are kept as `sourceStart`/`sourceEnd` only.
 *  - `msvd`: the common preprocessed MSVD mapping `{ "vid1": ["a man …", …], … }`.
 *  - `activitynet`: ActivityNet Captions `{ "v_xxx": { duration, timestamps: [[s, e], …],
 *    sentences: […] } }`: one entry per timestamp, times in seconds within the video.
 */
import path from 'node:path';
import { FramewiseError } from '../errors.js';

export type CaptionDatasetFormat = 'msrvtt' | 'msvd' | 'activitynet';

export interface CaptionEntry {
  /** The dataset's video key ("video0", "vid1", "v_QOlSCBRmfWY"). */
  videoKey: string;
  /** Seconds within the video file; absent = the whole video. */
  start?: number;
  end?: number;
  /** Trimmed, non-empty. */
  sentences: string[];
  /** MSR-VTT only: where the clip was cut from its source video (seconds). */
  sourceStart?: number;
  sourceEnd?: number;
  /** ActivityNet only: the annotated video duration (seconds). */
  duration?: number;
}

export interface CaptionDataset {
  format: CaptionDatasetFormat;
  entries: CaptionEntry[];
  /** Problems that did not stop the import (e.g. a segment ending after the video's duration). */
  warnings: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (source: string, msg: string): FramewiseError =>
  new FramewiseError('BAD_ARGUMENT', `${source}: ${msg}`, { details: { source } });
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** MSR-VTT stores some numbers as strings in derived files; accept "12.5". */
const num = (v: unknown): number | undefined =>
  finite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

/** Guesses the format of parsed JSON; undefined when it fits none. */
export function detectCaptionFormat(data: unknown): CaptionDatasetFormat | undefined {
  if (!isObj(data)) return undefined;
  if (Array.isArray(data['sentences']) && Array.isArray(data['videos'])) return 'msrvtt';
  const values = Object.values(data);
  if (values.length === 0) return undefined;
  if (values.every((v) => Array.isArray(v))) return 'msvd';
  if (values.every((v) => isObj(v) && 'timestamps' in v && 'sentences' in v)) return 'activitynet';
  return undefined;
}

/** Parses caption annotations (JSON text or already-parsed data) into normalized entries. */
export function parseCaptionDataset(
  input: string | unknown,
  options: { format?: CaptionDatasetFormat; source?: string } = {},
): CaptionDataset {
  const source = options.source ?? 'caption file';
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new FramewiseError('BAD_ARGUMENT', `${source} is not valid JSON: ${(e as Error).message}`, {
        cause: e,
        details: { source },
      });
    }
  }
  const format = options.format ?? detectCaptionFormat(data);
  switch (format) {
    case 'msrvtt':
      return parseMsrVtt(data, source);
    case 'msvd':
      return parseMsvd(data, source);
    case 'activitynet':
      return parseActivityNet(data, source);
    default:
      throw bad(
        source,
        'unrecognized caption format; expected MSR-VTT ({ videos: [...], sentences: [...] }), MSVD ({ "vid1": ["a caption", ...] }) or ActivityNet Captions ({ "v_id": { duration, timestamps, sentences } })',
      );
  }
}

export function parseMsrVtt(data: unknown, source = 'MSR-VTT file'): CaptionDataset {
  if (!isObj(data)) throw bad(source, 'must be a JSON object with "videos" and "sentences"');
  const videos = data['videos'];
  const sentences = data['sentences'];
  if (!Array.isArray(videos)) throw bad(source, '"videos" must be an array');
  if (!Array.isArray(sentences)) throw bad(source, '"sentences" must be an array');
  const warnings: string[] = [];
  const byKey = new Map<string, CaptionEntry>();
  videos.forEach((v, i) => {
    const at = `videos[${i}]`;
    if (!isObj(v)) throw bad(source, `${at} must be an object`);
    const id = v['video_id'];
    if (typeof id !== 'string' || id === '') throw bad(source, `${at}.video_id must be a non-empty string`);
    if (byKey.has(id)) throw bad(source, `${at}.video_id "${id}" appears twice`);
    const entry: CaptionEntry = { videoKey: id, sentences: [] };
    for (const [field, key] of [
      ['start time', 'sourceStart'],
      ['end time', 'sourceEnd'],
    ] as const) {
      if (v[field] === undefined) continue;
      const x = num(v[field]);
      if (x === undefined || x < 0) throw bad(source, `${at}["${field}"] must be a number ≥ 0`);
      entry[key] = x;
    }
    byKey.set(id, entry);
  });
  sentences.forEach((s, i) => {
    const at = `sentences[${i}]`;
    if (!isObj(s)) throw bad(source, `${at} must be an object`);
    const id = s['video_id'];
    const caption = s['caption'];
    if (typeof id !== 'string' || id === '') throw bad(source, `${at}.video_id must be a non-empty string`);
    if (typeof caption !== 'string') throw bad(source, `${at}.caption must be a string`);
    let entry = byKey.get(id);
    if (!entry) {
      // Some distributed splits list sentences only; keep them rather than fail.
      warnings.push(`${at}.video_id "${id}" is not in "videos"`);
      entry = { videoKey: id, sentences: [] };
      byKey.set(id, entry);
    }
    const t = caption.trim();
    if (t !== '') entry.sentences.push(t);
  });
  return { format: 'msrvtt', entries: finish(byKey.values(), warnings), warnings };
}

export function parseMsvd(data: unknown, source = 'MSVD file'): CaptionDataset {
  if (!isObj(data)) throw bad(source, 'must be a JSON object mapping video ids to arrays of captions');
  const warnings: string[] = [];
  const entries: CaptionEntry[] = [];
  for (const [key, list] of Object.entries(data)) {
    if (key === '') throw bad(source, 'a video id is empty');
    if (!Array.isArray(list)) throw bad(source, `["${key}"] must be an array of caption strings`);
    const sentences = list.map((s, j) => {
      if (typeof s !== 'string') throw bad(source, `["${key}"][${j}] must be a string`);
      return s.trim();
    });
    entries.push({ videoKey: key, sentences: sentences.filter((s) => s !== '') });
  }
  return { format: 'msvd', entries: finish(entries, warnings), warnings };
}

export function parseActivityNet(data: unknown, source = 'ActivityNet Captions file'): CaptionDataset {
  if (!isObj(data)) throw bad(source, 'must be a JSON object mapping video ids to { duration, timestamps, sentences }');
  const warnings: string[] = [];
  const entries: CaptionEntry[] = [];
  for (const [key, v] of Object.entries(data)) {
    const at = `["${key}"]`;
    if (key === '') throw bad(source, 'a video id is empty');
    if (!isObj(v)) throw bad(source, `${at} must be an object with duration, timestamps and sentences`);
    const duration = v['duration'];
    if (duration !== undefined && !(finite(duration) && duration > 0))
      throw bad(source, `${at}.duration must be a number > 0`);
    const ts = v['timestamps'];
    const ss = v['sentences'];
    if (!Array.isArray(ts)) throw bad(source, `${at}.timestamps must be an array of [start, end] pairs`);
    if (!Array.isArray(ss)) throw bad(source, `${at}.sentences must be an array of strings`);
    if (ts.length !== ss.length) {
      throw bad(
        source,
        `${at}.timestamps has ${ts.length} entries but ${at}.sentences has ${ss.length}; they must pair up`,
      );
    }
    ts.forEach((pair, j) => {
      const tat = `${at}.timestamps[${j}]`;
      if (!Array.isArray(pair) || pair.length !== 2 || !finite(pair[0]) || !finite(pair[1])) {
        throw bad(source, `${tat} must be a [start, end] pair of numbers`);
      }
      const sentence = ss[j];
      if (typeof sentence !== 'string') throw bad(source, `${at}.sentences[${j}] must be a string`);
      let start = pair[0] as number;
      const end = pair[1] as number;
      if (start < 0) {
        warnings.push(`${tat}: start ${start} clamped to 0`);
        start = 0;
      }
      if (end <= start) {
        warnings.push(`${tat}: end ${end} is not after start ${start}; skipped`);
        return;
      }
      if (finite(duration) && end > duration) warnings.push(`${tat}: end ${end} is after the duration ${duration}`);
      const t = sentence.trim();
      if (t === '') {
        warnings.push(`${at}.sentences[${j}] is empty; skipped`);
        return;
      }
      const entry: CaptionEntry = { videoKey: key, start, end, sentences: [t] };
      if (finite(duration)) entry.duration = duration;
      entries.push(entry);
    });
  }
  return { format: 'activitynet', entries, warnings };
}

function finish(entries: Iterable<CaptionEntry>, warnings: string[]): CaptionEntry[] {
  const out: CaptionEntry[] = [];
  for (const e of entries) {
    if (e.sentences.length === 0) warnings.push(`video "${e.videoKey}" has no captions; skipped`);
    else out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------- matching

export interface MatchableVideo {
  id: string;
  path: string;
}

export interface CaptionKeyMatch {
  /** Dataset key → project video id. */
  matched: Map<string, string>;
  /** Keys no project video matches, in first-seen order. */
  unmatched: string[];
  /** Keys several project videos match (same basename in different folders): not matched. */
  ambiguous: { key: string; videoIds: string[] }[];
}

/** Names of a key or file: basename and basename without extension; and those with `v_` added/removed. */
function names(s: string): { plain: string[]; prefixed: string[] } {
  const base = path.posix.basename(s.replace(/\\/g, '/'));
  const ext = path.posix.extname(base);
  const stem = ext !== '' ? base.slice(0, -ext.length) : base;
  const plain = [...new Set([base, stem])];
  const prefixed = plain.map((n) => (n.startsWith('v_') && n.length > 2 ? n.slice(2) : `v_${n}`));
  return { plain, prefixed };
}

/**
 * Maps dataset video keys to project videos by file name: a key matches a video when the video's
 * basename, with or without its extension, equals the key or the key's basename without extension,
 * allowing ActivityNet's `v_` prefix on either side ("v_abc" ↔ "abc.mp4", "abc" ↔ "v_abc.mkv").
 * Comparison is case-sensitive (YouTube ids are). An exact basename/stem match wins over a
 * `v_`-prefix match.
 */
export function matchCaptionKeys(keys: Iterable<string>, videos: readonly MatchableVideo[]): CaptionKeyMatch {
  const exact = new Map<string, Set<string>>();
  const loose = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, name: string, id: string): void => {
    let s = m.get(name);
    if (!s) m.set(name, (s = new Set()));
    s.add(id);
  };
  for (const v of videos) {
    const { plain, prefixed } = names(v.path);
    for (const n of plain) add(exact, n, v.id);
    for (const n of prefixed) add(loose, n, v.id);
  }
  const result: CaptionKeyMatch = { matched: new Map(), unmatched: [], ambiguous: [] };
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const { plain, prefixed } = names(key);
    const pick = (m: Map<string, Set<string>>, candidates: string[]): Set<string> => {
      const ids = new Set<string>();
      for (const c of candidates) for (const id of m.get(c) ?? []) ids.add(id);
      return ids;
    };
    let ids = pick(exact, plain);
    if (ids.size === 0) ids = pick(exact, prefixed);
    if (ids.size === 0) ids = pick(loose, plain);
    if (ids.size === 1) result.matched.set(key, [...ids][0] as string);
    else if (ids.size === 0) result.unmatched.push(key);
    else result.ambiguous.push({ key, videoIds: [...ids].sort() });
  }
  return result;
}
