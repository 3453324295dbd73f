/**
 * Labelled segments from ActivityNet-style JSON (`{ database: { id: { annotations: [{ segment,
 * label, sentences? }], subset } } }`): ActivityNet v1.3's own files and Framewise's labels JSON
 * (export/labels-json.ts). Videos are named by the entry's `file` when it has one, else by its key,
 * matched like a Kinetics id (file name, then stem); "testing" and "validation" subsets are the
 * official held-out split.
 */
import { FramewiseError } from '../errors.js';
import type { ImportRow } from './import-segments.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether parsed JSON is in this layout (and not a captions file). */
export function isLabelsJson(data: unknown): boolean {
  return isObj(data) && isObj(data['database']);
}

export function parseLabelsJson(data: unknown, source = 'labels JSON'): { rows: ImportRow[]; heldOut: Set<string> } {
  const bad = (msg: string): never => {
    throw new FramewiseError('BAD_ARGUMENT', `${source}: ${msg}`);
  };
  if (!isLabelsJson(data)) bad('expected an object with a "database" of videos (ActivityNet layout)');
  const rows: ImportRow[] = [];
  const heldOut = new Set<string>();
  for (const [key, v] of Object.entries((data as { database: Record<string, unknown> }).database)) {
    const at = `database["${key}"]`;
    if (!isObj(v)) bad(`${at} must be an object with "annotations"`);
    const entry = v as Record<string, unknown>;
    const file = entry['file'];
    if (file !== undefined && (typeof file !== 'string' || file.trim() === ''))
      bad(`${at}.file must be a non-empty string`);
    const video = (file as string | undefined) ?? key;
    const subset = entry['subset'];
    if (subset === 'testing' || subset === 'validation') heldOut.add(video);
    const anns = entry['annotations'] ?? [];
    if (!Array.isArray(anns)) bad(`${at}.annotations must be an array`);
    (anns as unknown[]).forEach((a, j) => {
      const aat = `${at}.annotations[${j}]`;
      if (!isObj(a)) bad(`${aat} must be an object with "segment"`);
      const seg = (a as Record<string, unknown>)['segment'];
      if (!Array.isArray(seg) || seg.length !== 2 || !finite(seg[0]) || !finite(seg[1]))
        bad(`${aat}.segment must be a [start, end] pair of numbers`);
      const [start, end] = seg as [number, number];
      if (!(start >= 0 && end > start)) bad(`${aat}.segment [${start}, ${end}] must have 0 ≤ start < end`);
      const label = (a as Record<string, unknown>)['label'] ?? '';
      if (typeof label !== 'string') bad(`${aat}.label must be a string`);
      const sentences = (a as Record<string, unknown>)['sentences'] ?? [];
      if (!Array.isArray(sentences) || !sentences.every((x) => typeof x === 'string'))
        bad(`${aat}.sentences must be an array of strings`);
      const captions = (sentences as string[]).map((x) => x.trim()).filter((x) => x !== '');
      rows.push({
        video,
        start,
        end,
        label: (label as string).trim(),
        ...(captions.length > 0 ? { captions } : {}),
      });
    });
  }
  return { rows, heldOut };
}

/** The same from a file's text; a syntax error is a BAD_ARGUMENT naming the file. */
export function parseLabelsJsonText(text: string, source: string): ReturnType<typeof parseLabelsJson> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FramewiseError('BAD_ARGUMENT', `${source} is not valid JSON: ${(e as Error).message}`);
  }
  return parseLabelsJson(data, source);
}
