/**
 * Trained-model folder format (ours, tfjs-layers-like):
 *   model.json   { format: 'framewise-sequence-head', version, config: HeadConfig,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  the float32 weights, concatenated in manifest order (little-endian)
 *   meta.json    ModelMeta: classes, backbone, feature dim, fps, clip length, normalisation, metrics…
 * Every file is written atomically; meta.json last, so a folder with a meta.json is complete.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { SequenceHead, type HeadConfig } from '../models/head.js';
import { ParamStore } from '../models/params.js';
import { atomicWriteFile } from '../store/atomic-write.js';
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

export async function saveModel(dir: string, model: TrainedModel): Promise<void> {
  await mkdir(dir, { recursive: true });
  const params = model.head.params;
  const names = params.names();
  const total = params.count();
  const buf = new Float32Array(total);
  let o = 0;
  const weights = names.map((name) => {
    const v = params.get(name);
    buf.set(v, o);
    o += v.length;
    return { name, shape: params.shapes.get(name)!, dtype: 'float32' as const };
  });
  const modelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    config: model.head.config,
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  await atomicWriteFile(join(dir, 'weights.bin'), bytes);
  await atomicWriteFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  await atomicWriteFile(join(dir, 'meta.json'), JSON.stringify(model.meta, null, 1));
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FramewiseError('FILE_NOT_FOUND', `Model file not found: ${file}`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FramewiseError('FILE_UNREADABLE', `${file} is not valid JSON.`);
  }
}

/**
 * Loads a model folder. With `expect`, a model trained on other features (a different backbone or
 * feature size) is refused with MODEL_MISMATCH, since its predictions would be meaningless.
 */
export async function loadModel(
  dir: string,
  expect?: { backboneId?: string; featureDim?: number },
): Promise<TrainedModel> {
  const meta = (await readJson(join(dir, 'meta.json'))) as ModelMeta;
  const mj = (await readJson(join(dir, 'model.json'))) as {
    format?: string;
    version?: number;
    config: HeadConfig;
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  if (mj.format !== MODEL_FORMAT)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} is not a Framewise sequence model (model.json format is ${String(mj.format)}).`,
    );
  if ((mj.version ?? 0) > MODEL_FORMAT_VERSION) {
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} was saved by a newer Framewise (model format ${mj.version}); update Framewise to load it.`,
    );
  }
  if (expect?.backboneId !== undefined && expect.backboneId !== meta.backboneId) {
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This model was trained on "${meta.backboneId}" features but the project uses "${expect.backboneId}". Re-extract features with ${meta.backboneId} or train a new model.`,
      { details: { modelBackbone: meta.backboneId, projectBackbone: expect.backboneId } },
    );
  }
  if (expect?.featureDim !== undefined && expect.featureDim !== meta.featureDim) {
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This model expects ${meta.featureDim}-dimensional features but the project's features have ${expect.featureDim} dimensions.`,
      { details: { modelFeatureDim: meta.featureDim, projectFeatureDim: expect.featureDim } },
    );
  }
  const params = new ParamStore();
  const bin = await readFile(join(dir, 'weights.bin')).catch((e: Error) => {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${join(dir, 'weights.bin')}: ${e.message}`);
  });
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let o = 0;
  for (const group of mj.weightsManifest) {
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype !== 'float32' || o + n > floats.length)
        throw new FramewiseError('FILE_UNREADABLE', `${dir}/weights.bin is truncated or does not match model.json.`);
      params.add(w.name, w.shape, floats.slice(o, o + n));
      o += n;
    }
  }
  if (o !== floats.length)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}/weights.bin has ${floats.length - o} extra values.`);
  if (mj.config.inputDim !== meta.featureDim)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}: model.json and meta.json disagree on the feature size.`);
  return { head: SequenceHead.fromParams(mj.config, params), meta };
}
