/**
 * Trained-model folder format (ours, tfjs-layers-like):
 *   model.json   { format: 'framewise-sequence-head', version, config: HeadConfig,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  the float32 weights, concatenated in manifest order (little-endian)
 *   meta.json    ModelMeta: classes, backbone, feature dim, fps, clip length, normalisation, metrics…
 * Every file is written atomically; meta.json last, so a folder with a meta.json is complete.
 */
import { SequenceHead, type HeadConfig } from '../models/head.js';
import {
  readFolderInfo,
  readParamFolder,
  writeParamFolder,
  type RunCheckpoint,
  type TrainedMeta,
} from '../models/param-folder.js';
import type { Normalizer } from './dataset.js';

export const MODEL_FORMAT = 'framewise-sequence-head';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelMeta extends TrainedMeta {
  classes: { id: string; name: string }[];
  clipLength: number;
}

export interface TrainedModel {
  head: SequenceHead;
  meta: ModelMeta;
}

/** The meta.json fields every trainer writes: the features it trained on, their normalisation, the split. */
export function trainedMeta(
  features: { backboneId: string; featureDim: number; fps: number },
  norm: Normalizer,
  split: { trainVideos: string[]; valVideos: string[] },
  metrics: Record<string, number>,
  checkpoint?: RunCheckpoint,
): TrainedMeta {
  return {
    backboneId: features.backboneId,
    featureDim: features.featureDim,
    fps: features.fps,
    normalization: {
      mean: Array.from(norm.mean),
      std: Array.from(norm.std),
      ...(norm.relative ? { relative: true } : {}),
    },
    metrics,
    createdAt: new Date().toISOString(),
    trainVideos: split.trainVideos,
    valVideos: split.valVideos,
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** The feature normalisation a model was trained with (any model kind's meta). */
export function normalizerOf(meta: Pick<TrainedMeta, 'normalization'>): Normalizer {
  const { mean, std, relative } = meta.normalization;
  return { mean: Float32Array.from(mean), std: Float32Array.from(std), ...(relative ? { relative: true } : {}) };
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

/** A model folder's head config and meta.json, without loading the weights (for model lists). */
export function readModelInfo(dir: string): Promise<{ config: HeadConfig; meta: ModelMeta }> {
  return readFolderInfo<HeadConfig, ModelMeta>(dir, FOLDER);
}
