/**
 * The captioner's validation measures during training: token loss of caption pairs (teacher
 * forced, no dropout) and greedy captions of items scored against their references.
 */
import type { Normalizer, VideoFeatures } from '../training/dataset.js';
import { normalizerOf } from '../training/model-io.js';
import { greedyDecode } from './beam-search.js';
import { decoderBatch, segmentBatch, type TimeRange } from './batches.js';
import { evaluateCaptions, type CaptionScores } from './caption-metrics.js';
import { decodeLimit, type TrainedCaptioner } from './captioner-io.js';
import type { CaptionModel } from './model.js';
import type { CaptionItem, Pair } from './train-captioner.js';

/** The segments of caption pairs, with their videos' features. */
export function pairSegments(
  pairs: Pair[],
  videos: Map<string, VideoFeatures>,
): { video: VideoFeatures; segment: TimeRange }[] {
  return pairs.map((p) => ({ video: videos.get(p.item.videoId)!, segment: p.item }));
}

/** Token-weighted mean loss over caption pairs (no dropout). */
export function pairsLoss(
  model: CaptionModel,
  pairs: Pair[],
  videos: Map<string, VideoFeatures>,
  steps: number,
  norm: Normalizer,
  batchSize: number,
): number {
  let sum = 0;
  let tokens = 0;
  for (let i = 0; i < pairs.length; i += batchSize) {
    const chunk = pairs.slice(i, i + batchSize);
    const enc = segmentBatch(pairSegments(chunk, videos), steps, norm);
    const r = model.evaluate(enc, decoderBatch(chunk.map((p) => p.ids)));
    sum += r.loss * r.tokens;
    tokens += r.tokens;
  }
  return tokens ? sum / tokens : NaN;
}

/** Greedy captions of items scored against their reference captions. */
export function scoreItems(
  captioner: TrainedCaptioner,
  items: CaptionItem[],
  videos: Map<string, VideoFeatures>,
  batchSize = 64,
): CaptionScores {
  const { model, vocab, meta } = captioner;
  const norm = normalizerOf(meta);
  const samples: { candidate: string; references: string[] }[] = [];
  for (let i = 0; i < items.length; i += batchSize) {
    const chunk = items.slice(i, i + batchSize);
    const enc = segmentBatch(
      chunk.map((it) => ({ video: videos.get(it.videoId)!, segment: it })),
      meta.steps,
      norm,
    );
    greedyDecode(model, vocab, enc, { maxLen: decodeLimit(meta) }).forEach((d, j) =>
      samples.push({ candidate: d.sentence, references: chunk[j]!.captions }),
    );
  }
  return evaluateCaptions(samples);
}
