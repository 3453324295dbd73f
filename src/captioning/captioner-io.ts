/**
 * Captioning-model folder:
 *   model.json   { format: 'framewise-captioner', version, config: CaptionModelConfig,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin  float32 weights concatenated in manifest order (little-endian)
 *   vocab.json   the Vocabulary (tokenizer.ts VocabularyJSON)
 *   meta.json    CaptionerMeta: backbone, feature size, fps, steps, maxLen, normalisation, metrics…
 * Every file is written atomically, meta.json last: a folder with a meta.json is complete.
 */
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import {
  readFolderInfo,
  readJsonFile,
  readParamFolder,
  writeParamFolder,
  type TrainedMeta,
} from '../models/param-folder.js';
import type { VideoFeatures } from '../training/dataset.js';
import { CaptionModel, type CaptionModelConfig } from './model.js';
import { Vocabulary } from './tokenizer.js';

export const CAPTIONER_FORMAT = 'framewise-captioner';
export const CAPTIONER_FORMAT_VERSION = 1;

/** What is saved next to the weights (meta.json). */
export interface CaptionerMeta extends TrainedMeta {
  /** Encoder steps a segment is resampled / padded to. */
  steps: number;
  /** Longest generated caption, in tokens including <eos>. */
  maxLen: number;
  /**
   * Longest training caption, in tokens including <eos> (absent in captioners saved before it).
   * Decoding stops at {@link decodeLimit}: a weak model that never ranks <eos> first otherwise
   * rambles to maxLen ("a blue disc shrinks disc shrinks blue shrinks …").
   */
  longestCaption?: number;
}

/** Most tokens a caption of this captioner may have: its longest training caption and half again, within maxLen. */
export function decodeLimit(meta: Pick<CaptionerMeta, 'maxLen' | 'longestCaption'>): number {
  const L = meta.longestCaption;
  if (L === undefined || !(L >= 1)) return meta.maxLen;
  return Math.min(meta.maxLen, L + Math.max(2, Math.ceil(L / 2)));
}

/** A trained captioner: model + vocabulary + how its inputs were prepared. */
export interface TrainedCaptioner {
  model: CaptionModel;
  vocab: Vocabulary;
  meta: CaptionerMeta;
}

/** MODEL_MISMATCH unless the video's features are the kind the captioner was trained on. */
export function checkVideoFits(meta: CaptionerMeta, video: VideoFeatures): void {
  checkFeatureFit(meta, video, { offered: `video ${video.videoId}`, expected: 'this captioning model was trained on' });
}

const FOLDER = { format: CAPTIONER_FORMAT, version: CAPTIONER_FORMAT_VERSION, kind: 'captioning model' };

export async function saveCaptioner(dir: string, captioner: TrainedCaptioner): Promise<void> {
  await writeParamFolder(dir, FOLDER, captioner.model.config, captioner.model.params, [
    ['vocab.json', JSON.stringify(captioner.vocab.toJSON())],
    ['meta.json', JSON.stringify(captioner.meta, null, 1)],
  ]);
}

/**
 * Loads a captioner folder. With `expect`, a model trained on other features (another backbone or
 * feature size) is refused with MODEL_MISMATCH.
 */
export async function loadCaptioner(
  dir: string,
  expect?: { backboneId?: string; featureDim?: number },
): Promise<TrainedCaptioner> {
  const { config, params, meta } = await readParamFolder<CaptionModelConfig, CaptionerMeta>(dir, FOLDER, expect);
  const vocabFile = join(dir, 'vocab.json');
  const vocab = Vocabulary.fromJSON(await readJsonFile(vocabFile, FOLDER.kind), vocabFile);
  if (config.vocabSize !== vocab.size)
    throw new FramewiseError('FILE_UNREADABLE', `${dir}: model.json and vocab.json disagree on the vocabulary size.`);
  return { model: CaptionModel.fromParams(config, params), vocab, meta };
}

/** A captioner folder's model config and meta.json, without loading the weights (for model lists). */
export function readCaptionerInfo(dir: string): Promise<{ config: CaptionModelConfig; meta: CaptionerMeta }> {
  return readFolderInfo<CaptionModelConfig, CaptionerMeta>(dir, FOLDER);
}
