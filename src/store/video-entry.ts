import { contentHash } from '../features/content-hash.js';
import { probe } from '../video/probe.js';
import { newId } from './project-store.js';
import type { ProjectVideo } from './schema.js';

/**
 * Probes a file and describes it as a project video; bad files throw with a clear code. The one
 * place a video enters a project (UI, CLI import, predict on a new file, the demo).
 */
export async function describeVideo(file: string, opts: { signal?: AbortSignal } = {}): Promise<ProjectVideo> {
  const info = await probe(file, opts.signal ? { signal: opts.signal } : {});
  return {
    id: newId('vid'),
    path: file,
    contentHash: await contentHash(file),
    durationSec: info.durationSec,
    fps: info.fps,
    width: info.displayWidth,
    height: info.displayHeight,
    codec: info.codec,
    container: info.formatName ?? info.container,
    pixelFormat: info.pixelFormat,
    addedAt: new Date().toISOString(),
  };
}
