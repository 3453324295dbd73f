/**
 * S2VT-style encoder–decoder captioner over per-frame CNN features (docs/captioning-model.md).
 *
 *  encoder: one LSTM/GRU over the segment's normalised features, resampled / padded to `steps`
 *           frames (padded steps masked; the final state is carried over them).
 *  context: the encoder's final hidden state ctx [B, He].
 *  decoder: one LSTM/GRU language model. Its input at every step is [embedding(w_{t-1}) ; ctx]
 *           (the context is concatenated at each step rather than copied into the initial state, so
 *           the recurrent layer — which starts from a zero state — is reused unchanged, and the
 *           decoder never "forgets" the video on long sentences).
 *  output:  dense Hd → V, softmax cross-entropy over the non-<pad> targets (teacher forcing).
 *
 * Everything is built from the shared blocks in models/: the recurrent layers and cells, dense,
 * dropout, embedding, attention and the loss. This file is the network and its teacher-forced
 * training pass; decoding.ts runs the same layers one token at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import type { Batch } from '../models/head.js';
import {
  addAttention,
  attend,
  attendBackward,
  type AttentionCache,
  type AttentionMemory,
} from '../models/attention.js';
import type { CellType } from '../models/cells.js';
import {
  activationBackward,
  addDense,
  addEmbedding,
  dense,
  denseBackward,
  dropout,
  dropoutBackward,
  embed,
  embedBackward,
  type Grads,
} from '../models/layers.js';
import { sequenceCrossEntropy } from '../models/losses.js';
import { checkShapes, ParamStore } from '../models/params.js';
import { RecurrentLayer, type RecurrentForward } from '../models/recurrent.js';
import type { DecoderBatch } from './batches.js';
import { PAD_ID } from './tokenizer.js';

export interface CaptionModelConfig {
  cell: CellType;
  /** Feature size of the CNN backbone. */
  inputDim: number;
  vocabSize: number;
  embedDim: number;
  encoderHidden: number;
  decoderHidden: number;
  /** Dropout on the decoder outputs before the vocabulary projection (training only). */
  dropout: number;
  /**
   * 'none': the vocabulary projection reads the decoder state h_t. 'general': Luong et al. (2015)
   * global attention on top of the decoder (models/attention.ts) over the (unmasked) encoder
   * outputs; its output h̃_t goes to the vocabulary projection.
   */
  attention?: 'none' | 'general';
  /**
   * 'mean': the context is the encoder's final state plus tanh(W_s·mean_t(x) + b_s), a projection of
   * the masked mean of the segment's frames. What is in the clip (colour, shape) and its mean motion
   * (the verb, from the motion summary) reach the decoder in one layer instead of through 32
   * recurrent steps learned from a few dozen captions. 'none' (absent): the final state alone.
   */
  summary?: 'none' | 'mean';
  /**
   * 'relative': the encoder reads each frame less the segment's (masked) mean frame — how the clip
   * changes (rises, grows), nothing of how it looks throughout, which a few dozen captions let it
   * memorise per clip — while the 'mean' summary still carries the absolute look (colour, shape).
   * 'absolute' (absent): the frames as they are.
   */
  input?: 'absolute' | 'relative';
  /**
   * Relative input only: a per-dimension factor on the relative frames, so each stream block gets
   * its weight for relative input (the classifier's relativeWeight: the steady colour block is mostly
   * noise there, how the picture changes carries motion) while the summary keeps the absolute
   * weights. Fixed at training from the two normalisations (train-captioner.ts); absent = 1.
   */
  relativeScale?: number[];
}

/**
 * Chosen on the caption bench's dev set (docs/captioning-model.md): a GRU on relative input with the
 * mean summary took the verb from 0.44 to 0.78 and all three slots from 0.03 to 0.3.
 */
export const DEFAULT_CAPTION_MODEL: Omit<CaptionModelConfig, 'inputDim' | 'vocabSize'> = {
  cell: 'gru',
  embedDim: 64,
  encoderHidden: 128,
  decoderHidden: 128,
  dropout: 0,
  attention: 'none',
  summary: 'mean',
  input: 'relative',
};

export function validateCaptionModelConfig(c: CaptionModelConfig): CaptionModelConfig {
  const bad = (msg: string): never => {
    throw new FramewiseError('BAD_ARGUMENT', `Captioning model settings: ${msg}`);
  };
  if (c.cell !== 'lstm' && c.cell !== 'gru') bad(`cell must be "lstm" or "gru" (got ${String(c.cell)})`);
  for (const k of ['inputDim', 'embedDim', 'encoderHidden', 'decoderHidden'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1 || c[k] > 8192) bad(`${k} must be an integer 1–8192 (got ${c[k]})`);
  if (!Number.isInteger(c.vocabSize) || c.vocabSize < 5)
    bad(`the vocabulary needs at least one word besides the 4 special tokens (size ${c.vocabSize})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) bad(`dropout must be in [0, 1) (got ${c.dropout})`);
  if (c.attention !== undefined && c.attention !== 'none' && c.attention !== 'general')
    bad(`attention must be "none" or "general" (got ${String(c.attention)})`);
  if (c.summary !== undefined && c.summary !== 'none' && c.summary !== 'mean')
    bad(`summary must be "none" or "mean" (got ${String(c.summary)})`);
  if (c.input !== undefined && c.input !== 'absolute' && c.input !== 'relative')
    bad(`input must be "absolute" or "relative" (got ${String(c.input)})`);
  if (c.relativeScale !== undefined) {
    if (c.input !== 'relative') bad('relativeScale needs relative input');
    if (c.relativeScale.length !== c.inputDim || !c.relativeScale.every((v) => Number.isFinite(v) && v > 0))
      bad(`relativeScale must be ${c.inputDim} positive numbers`);
  }
  return c;
}

export type { DecoderBatch } from './batches.js';

export interface CaptionForwardCache {
  enc: Batch;
  dec: DecoderBatch;
  tensors: tf.Tensor[];
  encOut: RecurrentForward;
  decOut: RecurrentForward;
  /** Decoder outputs (after attention) after dropout [T·B·Hd]. */
  hDrop: Float32Array;
  dropMask: Float32Array | null;
  att: AttentionCache | null;
  /** The context's summary term: masked frame mean [B·D] and its tanh projection [B·He]. */
  summary: { mean: Float32Array; s: Float32Array } | null;
}

/** What the decoder is conditioned on: the encoder pass and ctx [B·He]. */
export interface EncodedContext {
  encOut: RecurrentForward;
  ctx: Float32Array;
  summary: { mean: Float32Array; s: Float32Array } | null;
}

/** Parameter-name prefixes of the model's layers (besides `encoder/<cell>`, `decoder/<cell>`). */
export const EMBEDDING = 'embedding';
export const ATTENTION = 'attention';
export const OUTPUT = 'output';
export const SUMMARY = 'summary';

/** Masked mean over time of a time-major batch [B·D]. */
function maskedMean(enc: Batch, D: number): Float32Array {
  const { T, B } = enc;
  const mean = new Float32Array(B * D);
  const n = new Float32Array(B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      if (!(enc.mask[t * B + b]! > 0)) continue;
      n[b]! += 1;
      const o = (t * B + b) * D;
      for (let d = 0; d < D; d++) mean[b * D + d]! += enc.x[o + d]!;
    }
  for (let b = 0; b < B; b++) if (n[b]! > 0) for (let d = 0; d < D; d++) mean[b * D + d]! /= n[b]!;
  return mean;
}

export class CaptionModel {
  readonly config: CaptionModelConfig;
  readonly params: ParamStore;
  readonly encoder: RecurrentLayer;
  readonly decoder: RecurrentLayer;

  private constructor(config: CaptionModelConfig, params: ParamStore | undefined, seed: number) {
    this.config = validateCaptionModelConfig({ ...config });
    const c = this.config;
    this.encoder = new RecurrentLayer(c.cell, c.inputDim, c.encoderHidden, false, `encoder/${c.cell}`);
    this.decoder = new RecurrentLayer(
      c.cell,
      c.embedDim + c.encoderHidden,
      c.decoderHidden,
      false,
      `decoder/${c.cell}`,
    );
    this.params = params ?? this.init(new ParamStore(), seed);
    if (params) checkShapes(params, this.init(new ParamStore(), 1).shapes, 'Captioning weights');
  }

  private init(params: ParamStore, seed: number): ParamStore {
    const c = this.config;
    const rng = new Rng(seed);
    this.encoder.init(params, rng);
    this.decoder.init(params, rng);
    addEmbedding(params, EMBEDDING, c.vocabSize, c.embedDim, rng, PAD_ID);
    if (c.attention === 'general') addAttention(params, ATTENTION, c.decoderHidden, c.encoderHidden, rng);
    addDense(params, OUTPUT, c.decoderHidden, c.vocabSize, rng);
    // Last, so the other layers draw the same initial weights with or without it.
    if (c.summary === 'mean') addDense(params, SUMMARY, c.inputDim, c.encoderHidden, rng);
    return params;
  }

  /** Freshly initialised model; same config + seed → identical weights. */
  static create(config: CaptionModelConfig, seed = 1): CaptionModel {
    return new CaptionModel(config, undefined, seed);
  }

  /** A model around existing weights (e.g. loaded from disk); shapes are checked. */
  static fromParams(config: CaptionModelConfig, params: ParamStore): CaptionModel {
    return new CaptionModel(config, params, 0);
  }

  private checkBatch(enc: Batch): void {
    const c = this.config;
    if (enc.x.length !== enc.T * enc.B * c.inputDim)
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `feature batch has ${enc.x.length} values, expected ${enc.T}×${enc.B}×${c.inputDim}`,
      );
  }

  /**
   * Runs the encoder over a feature batch (less `mean`, the segments' mean frames [B·D], on relative
   * input); the input tensor goes to `tensors` (free it after backward).
   */
  private encode(enc: Batch, mean: Float32Array | null, tensors: tf.Tensor[]): RecurrentForward {
    this.checkBatch(enc);
    const D = this.config.inputDim;
    let frames = enc.x;
    if (this.config.input === 'relative') {
      frames = new Float32Array(enc.x.length);
      const scale = this.config.relativeScale;
      for (let n = 0; n < enc.T * enc.B; n++) {
        // Padding stays zero: the cells carry the state over masked steps whatever their input.
        if (!(enc.mask[n]! > 0)) continue;
        const b = n % enc.B;
        for (let d = 0; d < D; d++)
          frames[n * D + d] = (enc.x[n * D + d]! - mean![b * D + d]!) * (scale ? scale[d]! : 1);
      }
    }
    const x = tf.tensor2d(frames, [enc.T * enc.B, D]);
    tensors.push(x);
    return this.encoder.forward(this.params, x, enc.mask, enc.T, enc.B, null);
  }

  /** The encoder pass and the decoder's context (final state, plus the summary term with 'mean'). */
  context(enc: Batch, tensors: tf.Tensor[]): EncodedContext {
    const c = this.config;
    const mean = c.summary === 'mean' || c.input === 'relative' ? maskedMean(enc, c.inputDim) : null;
    const encOut = this.encode(enc, mean, tensors);
    if (c.summary !== 'mean') return { encOut, ctx: encOut.last, summary: null };
    const s = dense(this.params, SUMMARY, mean!, enc.B, c.inputDim, 'tanh');
    const ctx = Float32Array.from(encOut.last, (v, i) => v + s[i]!);
    return { encOut, ctx, summary: { mean: mean!, s } };
  }

  // ------------------------------------------------------------------------------------ training

  /** Logits [T·B·V] of a teacher-forced batch. With rng (training), dropout is applied. */
  forward(enc: Batch, dec: DecoderBatch, rng?: Rng): { logits: Float32Array; cache: CaptionForwardCache } {
    const c = this.config;
    if (enc.B !== dec.B) throw new FramewiseError('BAD_ARGUMENT', 'encoder and decoder batches differ in size');
    const { B } = enc;
    const { T } = dec;
    const He = c.encoderHidden;
    const Din = c.embedDim + He;
    const tensors: tf.Tensor[] = [];
    const { encOut, ctx, summary } = this.context(enc, tensors);
    const xDec = new Float32Array(T * B * Din);
    embed(this.params, EMBEDDING, dec.inputs, xDec, Din);
    const decMask = new Float32Array(T * B);
    for (let n = 0; n < T * B; n++) {
      const b = n % B;
      xDec.set(ctx.subarray(b * He, (b + 1) * He), n * Din + c.embedDim);
      decMask[n] = dec.targets[n] !== PAD_ID ? 1 : 0;
    }
    const xDecT = tf.tensor2d(xDec, [T * B, Din]);
    tensors.push(xDecT);
    const decOut = this.decoder.forward(this.params, xDecT, decMask, T, B, null);
    const att =
      c.attention === 'general' ? attend(this.params, ATTENTION, decOut.seq, T * B, memoryOf(enc, encOut)) : null;
    const { y: hDrop, mask: dropMask } = dropout(att ? att.a : decOut.seq, c.dropout, rng);
    const logits = dense(this.params, OUTPUT, hDrop, T * B, c.decoderHidden);
    return { logits, cache: { enc, dec, tensors, encOut, decOut, hDrop, dropMask, att, summary } };
  }

  release(cache: CaptionForwardCache): void {
    for (const t of cache.tensors) t.dispose();
    cache.tensors.length = 0;
  }

  /** Gradients of the loss w.r.t. every parameter, given dLoss/dLogits. Releases the cache. */
  backward(cache: CaptionForwardCache, dLogits: Float32Array): Grads {
    const c = this.config;
    const { dec, enc, encOut, decOut } = cache;
    const { T, B } = dec;
    const N = T * B;
    const He = c.encoderHidden;
    const Din = c.embedDim + He;
    const grads: Grads = new Map();
    try {
      const dH = denseBackward(this.params, OUTPUT, cache.hDrop, N, c.decoderHidden, dLogits, grads, true)!;
      dropoutBackward(dH, cache.dropMask);
      let dEncSeq: Float32Array | null = null;
      let dDec = dH;
      if (cache.att) {
        const mem = memoryOf(enc, encOut);
        const r = attendBackward(this.params, ATTENTION, cache.att, dH, decOut.seq, N, mem, grads);
        dDec = r.dh;
        dEncSeq = r.dMemory;
      }
      const d = this.decoder.backward(this.params, decOut.cache, dDec, null, true);
      for (const [k, v] of d.grads) grads.set(k, v);
      const dx = d.dx!;
      embedBackward(this.params, EMBEDDING, dec.inputs, dx, Din, 0, grads);
      const dCtx = new Float32Array(B * He);
      for (let n = 0; n < N; n++) {
        const b = n % B;
        for (let h = 0; h < He; h++) dCtx[b * He + h]! += dx[n * Din + c.embedDim + h]!;
      }
      if (cache.summary) {
        // ctx = last + s: both terms get dCtx; s = tanh(mean·W_s + b_s).
        const dS = activationBackward('tanh', cache.summary.s, Float32Array.from(dCtx));
        denseBackward(this.params, SUMMARY, cache.summary.mean, B, c.inputDim, dS, grads, false);
      }
      const r = this.encoder.backward(this.params, encOut.cache, dEncSeq, dCtx, false);
      for (const [k, v] of r.grads) grads.set(k, v);
    } finally {
      this.release(cache);
    }
    return grads;
  }

  /**
   * Mean token loss, tokens (and how many the argmax gets right) and gradients of one teacher-forced
   * batch; `labelSmoothing` ε as in models/losses.ts (0 = plain cross-entropy).
   */
  lossAndGrads(
    enc: Batch,
    dec: DecoderBatch,
    rng?: Rng,
    labelSmoothing = 0,
  ): { loss: number; tokens: number; correct: number; grads: Grads } {
    const { logits, cache } = this.forward(enc, dec, rng);
    const r = sequenceCrossEntropy(logits, dec.targets, this.config.vocabSize, PAD_ID, labelSmoothing);
    const grads = this.backward(cache, r.dLogits);
    return { loss: r.loss, tokens: r.tokens, correct: r.correct, grads };
  }

  /** Mean token loss of a batch (no dropout, no gradients). */
  evaluate(enc: Batch, dec: DecoderBatch): { loss: number; tokens: number } {
    const { logits, cache } = this.forward(enc, dec);
    this.release(cache);
    const r = sequenceCrossEntropy(logits, dec.targets, this.config.vocabSize, PAD_ID);
    return { loss: r.loss, tokens: r.tokens };
  }
}

/** The encoder outputs as attention memory (time-major, with the encoder's mask). */
export function memoryOf(enc: Batch, out: RecurrentForward): AttentionMemory {
  return { Te: enc.T, B: enc.B, seq: out.seq, mask: enc.mask };
}
