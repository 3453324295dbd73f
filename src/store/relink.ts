/**
 * Finds a project's missing videos (moved, renamed, on another drive) in a folder the person
 * picks, by content hash: the file must be the same clip, not just one of the same name, because
 * the feature cache and every label are keyed to it. Files of the same name are hashed first;
 * the rest of the folder only while videos are still missing.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { contentHash } from '../features/content-hash.js';
import { expandVideoPaths } from '../util/scan.js';
import { resolveVideoPath, storedVideoPath, type ProjectStore } from './project-store.js';
import type { RelinkResult } from './safety-types.js';

export type { RelinkResult };

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

export async function relinkVideos(store: ProjectStore, folder: string, signal?: AbortSignal): Promise<RelinkResult> {
  const result: RelinkResult = { relinked: [], missing: [], scanned: 0 };
  const wanted = new Map<string, { videoId: string; path: string }[]>();
  for (const v of store.project.videos) {
    if (await exists(resolveVideoPath(store.paths, v.path))) continue;
    if (!v.contentHash) {
      result.missing.push({ videoId: v.id, path: v.path, reason: 'no content hash' });
      continue;
    }
    wanted.set(v.contentHash, [...(wanted.get(v.contentHash) ?? []), { videoId: v.id, path: v.path }]);
  }
  if (wanted.size > 0) {
    const names = new Set([...wanted.values()].flat().map((w) => basename(w.path.replace(/\\/g, '/'))));
    const files = await expandVideoPaths([resolve(folder)]);
    // Same name first: a renamed file is found too, but usually it was only moved.
    files.sort((a, b) => Number(names.has(basename(b))) - Number(names.has(basename(a))));
    const found = new Map<string, string>();
    for (const file of files) {
      if (found.size === wanted.size) break;
      signal?.throwIfAborted();
      result.scanned++;
      const hash = await contentHash(file).catch(() => null);
      if (hash && wanted.has(hash) && !found.has(hash)) found.set(hash, file);
    }
    for (const [hash, list] of wanted) {
      const to = found.get(hash);
      for (const w of list) {
        if (to) result.relinked.push({ videoId: w.videoId, from: w.path, to });
        else result.missing.push({ videoId: w.videoId, path: w.path, reason: 'not found' });
      }
    }
  }
  if (result.relinked.length > 0) {
    const to = new Map(result.relinked.map((r) => [r.videoId, r.to]));
    await store.update((p) => {
      for (const v of p.videos) {
        const file = to.get(v.id);
        if (file) v.path = storedVideoPath(store.paths, file);
      }
    });
  }
  return result;
}
