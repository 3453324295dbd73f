/**
 * Imports caption datasets (MSR-VTT, MSVD, ActivityNet Captions JSON; parsed by
 * captioning/import.ts) onto the project's videos: each entry becomes a captioned segment without a
 * class. One implementation for `framewise import-captions` and the app's Import dialog.
 */
import { matchCaptionKeys, parseCaptionDataset, type CaptionDatasetFormat } from '../captioning/import.js';
import type { ProjectStore } from './project-store.js';
import { newId } from './project-store.js';
import type { Project } from './schema.js';

export interface CaptionImportResult {
  format: CaptionDatasetFormat;
  /** Captioned segments added (or, with dryRun, that would be). */
  added: { videoId: string; start: number; end: number; sentences: string[] }[];
  /** Dataset video keys no project video matches. */
  unmatched: string[];
  ambiguous: { key: string; videoIds: string[] }[];
  /** Entries whose times leave nothing of the video (end not after start). */
  skipped: number;
  warnings: string[];
}

export async function importCaptions(
  store: ProjectStore,
  text: string,
  source: string,
  opts: { dryRun?: boolean } = {},
): Promise<CaptionImportResult> {
  const parsed = parseCaptionDataset(text, { source });
  const videos = store.project.videos;
  const match = matchCaptionKeys(new Set(parsed.entries.map((e) => e.videoKey)), videos);
  const segments: Project['segments'] = [];
  const result: CaptionImportResult = {
    format: parsed.format,
    added: [],
    unmatched: match.unmatched,
    ambiguous: match.ambiguous,
    skipped: 0,
    warnings: parsed.warnings,
  };
  for (const e of parsed.entries) {
    const videoId = match.matched.get(e.videoKey);
    if (!videoId) continue;
    const v = videos.find((x) => x.id === videoId)!;
    const start = e.start ?? 0;
    const end = e.end ?? v.durationSec ?? 0;
    if (!(end > start)) {
      result.skipped++;
      continue;
    }
    segments.push({ id: newId('seg'), videoId, start, end, classId: null, captions: e.sentences, source: 'user' });
    result.added.push({ videoId, start, end, sentences: e.sentences });
  }
  if (!opts.dryRun && segments.length > 0) await store.update((p) => void p.segments.push(...segments));
  return result;
}
