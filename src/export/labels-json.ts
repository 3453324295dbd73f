/**
 * A project's own labels as ActivityNet-style JSON (the v1.3 `database` layout that temporal
 * localisation tools read): one entry per video with its duration and subset, and per labelled
 * segment its `[start, end]`, class `label` (absent for a caption-only segment) and every caption as
 * `sentences` — the CSV keeps only the first. `framewise import` and the Import dialog read it back
 * (store/import-labels-json.ts).
 */
import { basename, extname } from 'node:path';
import type { LabelRow } from './labels-csv.js';

export const LABELS_JSON_VERSION = 'ActivityNet 1.3 (Framewise labels)';

export interface LabelVideo {
  file: string;
  durationSec?: number;
  split?: 'train' | 'test';
}

export interface LabelsJsonAnnotation {
  segment: [number, number];
  label?: string;
  sentences: string[];
}

export interface LabelsJsonVideo {
  /** The video file, so a key shared by two files in different folders still names one of them. */
  file: string;
  duration?: number;
  /** ActivityNet's subsets; an official test split is "testing". */
  subset: 'training' | 'testing';
  annotations: LabelsJsonAnnotation[];
}

export interface LabelsJson {
  version: string;
  database: Record<string, LabelsJsonVideo>;
}

const round = (t: number): number => Math.round(t * 1000) / 1000;

export function toLabelsJson(videos: readonly LabelVideo[], rows: readonly LabelRow[]): LabelsJson {
  const database: Record<string, LabelsJsonVideo> = {};
  const keyOf = new Map<string, string>();
  for (const v of videos) {
    // ActivityNet keys are video ids: the file's stem, made unique when two files share one.
    const stem = basename(v.file, extname(v.file));
    let key = stem;
    for (let n = 2; key in database; n++) key = `${stem}_${n}`;
    keyOf.set(v.file, key);
    database[key] = {
      file: v.file,
      ...(v.durationSec !== undefined ? { duration: round(v.durationSec) } : {}),
      subset: v.split === 'test' ? 'testing' : 'training',
      annotations: [],
    };
  }
  for (const r of rows) {
    const key = keyOf.get(r.file);
    if (key === undefined) continue;
    database[key]!.annotations.push({
      segment: [round(r.start), round(r.end)],
      ...(r.label !== '' ? { label: r.label } : {}),
      sentences: [...r.captions],
    });
  }
  return { version: LABELS_JSON_VERSION, database };
}
