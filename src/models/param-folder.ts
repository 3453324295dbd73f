/**
 * The on-disk layout shared by trained models (sequence heads and captioners):
 *   model.json   { format, version, config, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  float32 weights concatenated in manifest order (little-endian)
 *   …extra files (e.g. vocab.json), then meta.json last: a folder with a meta.json is complete.
 * Every file is written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { checkFeatureFit } from './feature-fit.js';
import { ParamStore } from './params.js';

export interface FolderFormat {
  format: string;
  version: number;
  /** Words for messages, e.g. "sequence model", "captioning model". */
  kind: string;
}

/** The state of a training run a checkpoint's meta.json carries (training/fit.ts writes and reads it). */
export interface RunCheckpoint {
  /** The epoch these weights are from (0-based). */
  epoch: number;
  bestEpoch: number;
  bestValLoss: number;
  history: unknown[];
  seed: number;
}

/** What every trained model's meta.json holds; each kind adds its own fields. */
export interface TrainedMeta {
  backboneId: string;
  featureDim: number;
  fps: number;
  /** `relative`: each clip's own mean is subtracted first (training/dataset.ts Normalizer). */
  normalization: { mean: number[]; std: number[]; relative?: boolean };
  metrics: Record<string, number>;
  createdAt: string;
  /** Set on training checkpoints (a `checkpoint/` folder next to the best model). */
  checkpoint?: RunCheckpoint;
  trainVideos?: string[];
  valVideos?: string[];
}

interface ModelJson<C> {
  format?: string;
  version?: number;
  config: C;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** Writes weights.bin and model.json, then each extra file in order (put meta.json last). */
export async function writeParamFolder(
  dir: string,
  fmt: FolderFormat,
  config: unknown,
  params: ParamStore,
  files: [string, string][],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const buf = new Float32Array(params.count());
  let o = 0;
  const weights = params.names().map((name) => {
    const v = params.get(name);
    buf.set(v, o);
    o += v.length;
    return { name, shape: params.shapes.get(name)!, dtype: 'float32' as const };
  });
  const modelJson = {
    format: fmt.format,
    version: fmt.version,
    config,
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  await atomicWriteFile(join(dir, 'weights.bin'), new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  await atomicWriteFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  for (const [name, text] of files) await atomicWriteFile(join(dir, name), text);
}

export async function readJsonFile(file: string, kind: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FramewiseError('FILE_NOT_FOUND', `${kind} file not found: ${file}`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FramewiseError('FILE_UNREADABLE', `${file} is not valid JSON.`);
  }
}

/** model.json of a folder whose format and version this Framewise reads, and its meta.json. */
async function readHeader<C, M>(dir: string, fmt: FolderFormat): Promise<{ mj: ModelJson<C>; meta: M }> {
  const meta = (await readJsonFile(join(dir, 'meta.json'), fmt.kind)) as M;
  const mj = (await readJsonFile(join(dir, 'model.json'), fmt.kind)) as ModelJson<C>;
  if (mj.format !== fmt.format)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} is not a Framewise ${fmt.kind} (model.json format is ${String(mj.format)}).`,
    );
  if ((mj.version ?? 0) > fmt.version)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} was saved by a newer Framewise (${fmt.kind} format ${mj.version}); update Framewise to load it.`,
    );
  return { mj, meta };
}

/** A model folder's config and meta.json without its weights (for listings); format checked. */
export async function readFolderInfo<C, M>(dir: string, fmt: FolderFormat): Promise<{ config: C; meta: M }> {
  const { mj, meta } = await readHeader<C, M>(dir, fmt);
  return { config: mj.config, meta };
}

/**
 * Reads a model folder: checks its format and version, refuses (MODEL_MISMATCH) a model trained on
 * other features than `expect` describes, and rebuilds the parameters from weights.bin.
 */
export async function readParamFolder<
  C extends { inputDim: number },
  M extends { backboneId: string; featureDim: number },
>(
  dir: string,
  fmt: FolderFormat,
  expect?: { backboneId?: string; featureDim?: number },
): Promise<{ config: C; params: ParamStore; meta: M }> {
  const { mj, meta } = await readHeader<C, M>(dir, fmt);
  checkFeatureFit(meta, expect ?? {}, {
    offered: 'the project',
    expected: `this ${fmt.kind} was trained on`,
    hint: `Re-extract features with ${meta.backboneId} or train a new one.`,
  });
  const bin = await readFile(join(dir, 'weights.bin')).catch((e: Error) => {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${join(dir, 'weights.bin')}: ${e.message}`);
  });
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const params = new ParamStore();
  let o = 0;
  for (const group of mj.weightsManifest)
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype !== 'float32' || o + n > floats.length)
        throw new FramewiseError('FILE_UNREADABLE', `${dir}/weights.bin is truncated or does not match model.json.`);
      params.add(w.name, w.shape, floats.slice(o, o + n));
      o += n;
    }
  if (o !== floats.length)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}/weights.bin has ${floats.length - o} extra values.`);
  if (mj.config.inputDim !== meta.featureDim)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}: model.json and meta.json disagree on the feature size.`);
  return { config: mj.config, params, meta };
}
