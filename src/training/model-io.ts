/**
 * Trained-model folder format (ours, tfjs-layers-like):
 *   model.json   { format: 'framewise-sequence-head', version, config: HeadConfig,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  the float32 weights, concatenated in manifest order (little-endian)
 *   meta.json    ModelMeta: classes, backbone, feature dim, fps, clip length, normalisation, metrics…
 * Every file is written atomically; meta.json last, so a folder with a meta.json is complete.
 */
import { SequenceHead, type HeadConfig } from '../models/head.js';
import { readParamFolder, writeParamFolder } from '../models/param-folder.js';
import type { Normalizer } from './dataset.js';

export const MODEL_FORMAT = 'framewise-sequence-head';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelMeta {
  classes: { id: string; name: string }[];
  backboneId: string;
  featureDim: number;
  fps: number;
  clipLength: number;
  normalization: { mean: number[]; std: number[] };
  metrics: Record<string, number>;
  createdAt: string;
  /** Set on training checkpoints: the epoch these weights are from (0-based) and the run's state. */
  checkpoint?: { epoch: number; bestEpoch: number; bestValLoss: number; history: unknown[]; seed: number };
  trainVideos?: string[];
  valVideos?: string[];
}

export interface TrainedModel {
  head: SequenceHead;
  meta: ModelMeta;
}

export function normalizerOf(meta: ModelMeta): Normalizer {
  return { mean: Float32Array.from(meta.normalization.mean), std: Float32Array.from(meta.normalization.std) };
}

const FOLDER = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'sequence model' };

export async function saveModel(dir: string, model: TrainedModel): Promise<void> {
  await writeParamFolder(dir, FOLDER, model.head.config, model.head.params, [
    ['meta.json', JSON.stringify(model.meta, null, 1)],
  ]);
}

/**
 * Loads a model folder. With `expect`, a model trained on other features (a different backbone or
 * feature size) is refused with MODEL_MISMATCH, since its predictions would be meaningless.
 */
export async function loadModel(
  dir: string,
  expect?: { backboneId?: string; featureDim?: number },
): Promise<TrainedModel> {
  const { config, params, meta } = await readParamFolder<HeadConfig, ModelMeta>(dir, FOLDER, expect);
  return { head: SequenceHead.fromParams(config, params), meta };
}
