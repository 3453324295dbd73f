import { basename } from 'node:path';
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
  return (await namedProjectModel(store, engine, name)).model;
}

/**
 * The same, with a tag that names this trained model exactly (folder and training time): sharded
 * outputs carry it, so a rerun after retraining redoes them and a merge refuses to mix models.
 */
export async function namedProjectModel(
  store: ProjectStore,
  engine: FeatureEngine,
  name: unknown,
): Promise<{ model: TrainedModel; tag: string }> {
  const dir = await resolveModelDir(store, typeof name === 'string' ? name : undefined);
  const model = await loadProjectModel(store, dir, engine);
  return { model, tag: `${basename(dir)}@${model.meta.createdAt}` };
}
