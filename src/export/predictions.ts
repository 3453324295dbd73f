/**
 * Export of predicted (or annotated) segments as CSV and JSON, with parsers for reading them back.
 *
 * CSV (RFC 4180): header `video,start,end,label,score` (+ `,caption` when any row has a caption or
 * `caption: true`), CRLF line ends, fields quoted when they contain `"` `,` CR or LF (quotes
 * doubled). Times use a fixed number of decimals (default 3), scores too (default 4); a missing
 * score is an empty cell.
 *
 * Formula-injection guard: spreadsheet apps (Excel, LibreOffice, Google Sheets) run a cell that
 * begins with = + - @ (and some also treat a leading TAB or CR as such) as a formula. Text cells
 * (video, label, caption) that begin with one of those, possibly after leading apostrophes, get one
 * extra leading `'`, which spreadsheets hide and treat as "this is text". The parser removes
 * exactly that one apostrophe again, so export → parse is lossless. Numeric cells are never
 * prefixed (they are always plain numbers).
 */
import { FramewiseError } from '../errors.js';
import { formulaGuard, formulaUnguard, parseCsv } from '../util/csv.js';

export { parseCsv };

export interface PredictionRow {
  video: string;
  start: number;
  end: number;
  label: string;
  score?: number;
  caption?: string;
}

export interface CsvOptions {
  /** Decimals for start/end; default 3 (milliseconds). */
  timeDecimals?: number;
  /** Decimals for score; default 4. */
  scoreDecimals?: number;
  /** Force the caption column on (true) or off (false); default: on when any row has a caption. */
  caption?: boolean;
  /** Prefix risky text cells with `'` (default true). */
  formulaGuard?: boolean;
}

const HEADER = ['video', 'start', 'end', 'label', 'score'] as const;

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** A text cell as every CSV export writes it: formula-guarded, then quoted where needed. */
export function csvTextCell(cell: string): string {
  return quote(formulaGuard(cell));
}

function checkDecimals(v: number | undefined, fallback: number, name: string): number {
  const d = v ?? fallback;
  if (!Number.isInteger(d) || d < 0 || d > 12)
    throw new FramewiseError('BAD_ARGUMENT', `${name} must be an integer from 0 to 12 (got ${String(d)})`);
  return d;
}

function checkRow(r: PredictionRow, at: string): void {
  if (typeof r !== 'object' || r === null) throw new FramewiseError('BAD_ARGUMENT', `${at} must be an object`);
  if (typeof r.video !== 'string' || r.video === '')
    throw new FramewiseError('BAD_ARGUMENT', `${at}.video must be a non-empty string`);
  if (typeof r.label !== 'string') throw new FramewiseError('BAD_ARGUMENT', `${at}.label must be a string`);
  for (const k of ['start', 'end'] as const) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || r[k] < 0) {
      throw new FramewiseError('BAD_ARGUMENT', `${at}.${k} must be a finite number ≥ 0 (got ${String(r[k])})`);
    }
  }
  if (r.end < r.start) throw new FramewiseError('BAD_ARGUMENT', `${at}.end must not be before start`);
  if (r.score !== undefined && (typeof r.score !== 'number' || !Number.isFinite(r.score))) {
    throw new FramewiseError('BAD_ARGUMENT', `${at}.score must be a finite number when given (got ${String(r.score)})`);
  }
  if (r.caption !== undefined && typeof r.caption !== 'string')
    throw new FramewiseError('BAD_ARGUMENT', `${at}.caption must be a string`);
}

/** Rows → CSV text (RFC 4180, CRLF, trailing CRLF). */
export function toPredictionsCsv(rows: readonly PredictionRow[], options: CsvOptions = {}): string {
  const td = checkDecimals(options.timeDecimals, 3, 'timeDecimals');
  const sd = checkDecimals(options.scoreDecimals, 4, 'scoreDecimals');
  const withCaption = options.caption ?? rows.some((r) => r.caption !== undefined && r.caption !== '');
  const text = options.formulaGuard === false ? (s: string) => quote(s) : (s: string) => quote(formulaGuard(s));
  const lines = [[...HEADER, ...(withCaption ? ['caption'] : [])].join(',')];
  rows.forEach((r, i) => {
    checkRow(r, `rows[${i}]`);
    const cells = [
      text(r.video),
      r.start.toFixed(td),
      r.end.toFixed(td),
      text(r.label),
      r.score === undefined ? '' : r.score.toFixed(sd),
    ];
    if (withCaption) cells.push(text(r.caption ?? ''));
    lines.push(cells.join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

/** Parses CSV written by {@link toPredictionsCsv} (or by hand with the same header). */
export function parsePredictionsCsv(text: string): PredictionRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new FramewiseError('BAD_ARGUMENT', 'predictions CSV is empty');
  const col = (name: string): number => header.indexOf(name);
  for (const h of HEADER) {
    if (col(h) < 0)
      throw new FramewiseError('BAD_ARGUMENT', `predictions CSV has no "${h}" column (header: ${header.join(',')})`);
  }
  const cap = col('caption');
  return records
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r, i) => {
      const line = i + 2;
      const get = (name: string): string => r[col(name)] ?? '';
      const num = (name: string): number => {
        const v = get(name).trim();
        const x = Number(v);
        if (v === '' || !Number.isFinite(x))
          throw new FramewiseError('BAD_ARGUMENT', `predictions CSV line ${line}: ${name} "${v}" is not a number`);
        return x;
      };
      const row: PredictionRow = {
        video: formulaUnguard(get('video')),
        start: num('start'),
        end: num('end'),
        label: formulaUnguard(get('label')),
      };
      if (get('score').trim() !== '') row.score = num('score');
      if (cap >= 0) row.caption = formulaUnguard(r[cap] ?? '');
      return row;
    });
}

// ---------------------------------------------------------------------------------------------- JSON

export interface ProbabilityCurves {
  /** Seconds, ascending; one per column of every probabilities array. */
  times: number[];
  classes: { label: string; probabilities: number[] }[];
}

export interface VideoPredictions {
  video: string;
  durationSec?: number;
  segments: { start: number; end: number; label: string; score?: number; caption?: string }[];
  curves?: ProbabilityCurves;
}

export interface PredictionsJson {
  format: 'framewise-predictions';
  version: 1;
  createdAt?: string;
  model?: string;
  videos: VideoPredictions[];
}

export function toPredictionsJson(
  videos: readonly VideoPredictions[],
  meta: { createdAt?: string; model?: string } = {},
): PredictionsJson {
  const doc: PredictionsJson = {
    format: 'framewise-predictions',
    version: 1,
    ...meta,
    videos: videos.map((v) => ({ ...v })),
  };
  return validatePredictionsJson(doc);
}

/** Pretty-printed JSON text of {@link toPredictionsJson}. */
export function predictionsJsonText(
  videos: readonly VideoPredictions[],
  meta: { createdAt?: string; model?: string } = {},
): string {
  return JSON.stringify(toPredictionsJson(videos, meta), null, 2) + '\n';
}

/** Groups flat rows by video (first-seen order) into the JSON shape. */
export function groupRowsByVideo(rows: readonly PredictionRow[]): VideoPredictions[] {
  const by = new Map<string, VideoPredictions>();
  rows.forEach((r, i) => {
    checkRow(r, `rows[${i}]`);
    let v = by.get(r.video);
    if (!v) by.set(r.video, (v = { video: r.video, segments: [] }));
    const { video: _video, ...seg } = r;
    v.segments.push(seg);
  });
  return [...by.values()];
}

/**
 * One predictions document from several (the per-video outputs of sharded `predict --out-dir`
 * runs): videos ordered by path, so the result does not depend on how the work was split. Refuses
 * documents of different models, and a video predicted twice with different results.
 */
export function mergePredictions(docs: readonly PredictionsJson[]): PredictionsJson {
  const models = new Set(docs.map((d) => d.model ?? ''));
  if (models.size > 1)
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `These predictions come from different models (${[...models].map((m) => m || '(unnamed)').join(', ')}); merge the outputs of one model at a time.`,
    );
  const byVideo = new Map<string, VideoPredictions>();
  for (const doc of docs)
    for (const v of doc.videos) {
      const seen = byVideo.get(v.video);
      if (seen && JSON.stringify(seen) !== JSON.stringify(v))
        throw new FramewiseError('BAD_ARGUMENT', `${v.video} was predicted twice with different results.`);
      byVideo.set(v.video, v);
    }
  const videos = [...byVideo.values()].sort((a, b) => (a.video < b.video ? -1 : a.video > b.video ? 1 : 0));
  const model = docs[0]?.model;
  return toPredictionsJson(videos, model !== undefined ? { model } : {});
}

/** Validates parsed JSON as predictions; throws BAD_ARGUMENT naming the field at fault. */
export function validatePredictionsJson(data: unknown): PredictionsJson {
  const bad = (msg: string): FramewiseError => new FramewiseError('BAD_ARGUMENT', `predictions JSON: ${msg}`);
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!isObj(data)) throw bad('must be an object');
  if (data['format'] !== 'framewise-predictions') throw bad('"format" must be "framewise-predictions"');
  if (data['version'] !== 1) throw bad(`"version" must be 1 (got ${JSON.stringify(data['version'])})`);
  const videos = data['videos'];
  if (!Array.isArray(videos)) throw bad('"videos" must be an array');
  videos.forEach((v, i) => {
    const at = `videos[${i}]`;
    if (!isObj(v)) throw bad(`${at} must be an object`);
    if (typeof v['video'] !== 'string' || v['video'] === '') throw bad(`${at}.video must be a non-empty string`);
    if (v['durationSec'] !== undefined && !(finite(v['durationSec']) && v['durationSec'] >= 0))
      throw bad(`${at}.durationSec must be a number ≥ 0`);
    const segs = v['segments'];
    if (!Array.isArray(segs)) throw bad(`${at}.segments must be an array`);
    segs.forEach((s, j) => {
      const sat = `${at}.segments[${j}]`;
      if (!isObj(s)) throw bad(`${sat} must be an object`);
      if (!finite(s['start']) || s['start'] < 0) throw bad(`${sat}.start must be a number ≥ 0`);
      if (!finite(s['end']) || s['end'] < s['start']) throw bad(`${sat}.end must be a number ≥ start`);
      if (typeof s['label'] !== 'string') throw bad(`${sat}.label must be a string`);
      if (s['score'] !== undefined && !finite(s['score'])) throw bad(`${sat}.score must be a number`);
      if (s['caption'] !== undefined && typeof s['caption'] !== 'string') throw bad(`${sat}.caption must be a string`);
    });
    const curves = v['curves'];
    if (curves === undefined) return;
    if (!isObj(curves)) throw bad(`${at}.curves must be an object`);
    const times = curves['times'];
    if (!Array.isArray(times) || !times.every(finite)) throw bad(`${at}.curves.times must be an array of numbers`);
    for (let k = 1; k < times.length; k++) {
      if ((times[k] as number) < (times[k - 1] as number))
        throw bad(`${at}.curves.times must be ascending (times[${k}])`);
    }
    const classes = curves['classes'];
    if (!Array.isArray(classes)) throw bad(`${at}.curves.classes must be an array`);
    classes.forEach((c, k) => {
      const cat = `${at}.curves.classes[${k}]`;
      if (!isObj(c) || typeof c['label'] !== 'string') throw bad(`${cat}.label must be a string`);
      const p = c['probabilities'];
      if (!Array.isArray(p) || p.length !== times.length || !p.every(finite)) {
        throw bad(`${cat}.probabilities must be ${times.length} numbers (one per time)`);
      }
    });
  });
  return data as unknown as PredictionsJson;
}

export function parsePredictionsJson(text: string): PredictionsJson {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FramewiseError('BAD_ARGUMENT', `predictions JSON is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return validatePredictionsJson(data);
}
