import { createFeatureEngine } from '../features/engines/select.js';
import type { FeatureEngine } from '../features/types.js';
import { ProjectStore } from '../store/project-store.js';
import { resolveModelDir } from '../project/predict.js';
import { loadProjectModel } from '../project/training.js';
import type { TrainedModel } from '../training/model-io.js';

/** Opens a project and its feature engine for one command, disposing the engine afterwards. */
export async function withProject<T>(
  dir: string,
  fn: (store: ProjectStore, engine: FeatureEngine) => Promise<T>,
): Promise<T> {
  const store = await ProjectStore.open(dir);
  const engine = await createFeatureEngine(store.project.settings.backboneId);
  try {
    return await fn(store, engine);
  } finally {
    await engine.dispose();
  }
}

/** The model named by --model, else the project's newest. */
export async function projectModel(store: ProjectStore, engine: FeatureEngine, name: unknown): Promise<TrainedModel> {
  return loadProjectModel(store, await resolveModelDir(store, typeof name === 'string' ? name : undefined), engine);
}
