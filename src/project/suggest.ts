/**
 * Active learning on a project: the unlabelled stretches the model is least sure of, to label next
 * (inference/active-learning.ts ranks them). One implementation for `framewise suggest` and the
 * app's "Label next" queue.
 */
import type { ExtractProgress } from '../features/extract.js';
import type { FeatureEngine } from '../features/types.js';
import { suggestSegments, type Suggestion } from '../inference/active-learning.js';
import type { ProjectStore } from '../store/project-store.js';
import { loadProjectModel, projectFeatures } from './training.js';

export async function suggestProjectSegments(
  store: ProjectStore,
  modelDir: string,
  engine: FeatureEngine,
  opts: {
    limit: number;
    signal?: AbortSignal;
    onExtract?: (videoIndex: number, videoCount: number, p: ExtractProgress) => void;
  },
): Promise<{ suggestions: Suggestion[]; classNames: Map<string, string> }> {
  const model = await loadProjectModel(store, modelDir, engine);
  const videos = await projectFeatures(store, {
    engine,
    videoIds: store.project.videos.map((v) => v.id),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onExtract ? { onExtract: opts.onExtract } : {}),
  });
  const labelled = store.project.segments.filter((s) => s.source === 'user');
  const suggestions = await suggestSegments(model, [...videos.values()], labelled, {
    limit: opts.limit,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { suggestions, classNames: new Map(model.meta.classes.map((c) => [c.id, c.name])) };
}
