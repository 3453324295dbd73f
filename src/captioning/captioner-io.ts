/**
 * Captioning-model folder:
 *   model.json   { format: 'framewise-captioner', version, config: CaptionModelConfig,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  float32 weights concatenated in manifest order (little-endian)
 *   vocab.json   the Vocabulary (tokenizer.ts VocabularyJSON)
 *   meta.json    CaptionerMeta: backbone, feature size, fps, steps, maxLen, normalisation, metrics…
 * Every file is written atomically, meta.json last: a folder with a meta.json is complete.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { ParamStore } from '../models/params.js';
import { atomicWriteFile } from '../store/atomic-write.js';
import { CaptionModel, type CaptionModelConfig, type CaptionerMeta, type TrainedCaptioner } from './model.js';
import { Vocabulary } from './tokenizer.js';

export const CAPTIONER_FORMAT = 'framewise-captioner';
export const CAPTIONER_FORMAT_VERSION = 1;

export async function saveCaptioner(dir: string, captioner: TrainedCaptioner): Promise<void> {
  await mkdir(dir, { recursive: true });
  const params = captioner.model.params;
  const buf = new Float32Array(params.count());
  let o = 0;
  const weights = params.names().map((name) => {
    const v = params.get(name);
    buf.set(v, o);
    o += v.length;
    return { name, shape: params.shapes.get(name)!, dtype: 'float32' as const };
  });
  const modelJson = {
    format: CAPTIONER_FORMAT,
    version: CAPTIONER_FORMAT_VERSION,
    config: captioner.model.config,
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  await atomicWriteFile(join(dir, 'weights.bin'), new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  await atomicWriteFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  await atomicWriteFile(join(dir, 'vocab.json'), JSON.stringify(captioner.vocab.toJSON()));
  await atomicWriteFile(join(dir, 'meta.json'), JSON.stringify(captioner.meta, null, 1));
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FramewiseError('FILE_NOT_FOUND', `Captioning model file not found: ${file}`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FramewiseError('FILE_UNREADABLE', `${file} is not valid JSON.`);
  }
}

/**
 * Loads a captioner folder. With `expect`, a model trained on other features (another backbone or
 * feature size) is refused with MODEL_MISMATCH.
 */
export async function loadCaptioner(
  dir: string,
  expect?: { backboneId?: string; featureDim?: number },
): Promise<TrainedCaptioner> {
  const meta = (await readJson(join(dir, 'meta.json'))) as CaptionerMeta;
  const mj = (await readJson(join(dir, 'model.json'))) as {
    format?: string;
    version?: number;
    config: CaptionModelConfig;
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  if (mj.format !== CAPTIONER_FORMAT)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} is not a Framewise captioning model (model.json format is ${String(mj.format)}).`,
    );
  if ((mj.version ?? 0) > CAPTIONER_FORMAT_VERSION)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      `${dir} was saved by a newer Framewise (captioner format ${mj.version}); update Framewise to load it.`,
    );
  if (expect?.backboneId !== undefined && expect.backboneId !== meta.backboneId)
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This captioning model was trained on "${meta.backboneId}" features but the project uses "${expect.backboneId}". Re-extract features with ${meta.backboneId} or train a new captioner.`,
      { details: { modelBackbone: meta.backboneId, projectBackbone: expect.backboneId } },
    );
  if (expect?.featureDim !== undefined && expect.featureDim !== meta.featureDim)
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This captioning model expects ${meta.featureDim}-dimensional features but the project's features have ${expect.featureDim} dimensions.`,
      { details: { modelFeatureDim: meta.featureDim, projectFeatureDim: expect.featureDim } },
    );
  const vocab = Vocabulary.fromJSON(await readJson(join(dir, 'vocab.json')), join(dir, 'vocab.json'));
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
  if (mj.config.vocabSize !== vocab.size)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}: model.json and vocab.json disagree on the vocabulary size.`);
  return { model: CaptionModel.fromParams(mj.config, params), vocab, meta };
}
