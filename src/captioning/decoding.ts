/**
 * The captioner one token at a time, for greedy and beam search (beam-search.ts): `prepareDecoding`
 * runs the encoder once per batch, `decodeStep` advances B sequences by one token with the same cell
 * step, attention and output layer as the teacher-forced pass in model.ts. The embedding's share of
 * the decoder's input projection is precomputed per vocabulary entry and the context's share once
 * per sequence, so a step costs the recurrent product, attention and the output projection.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../models/head.js';
import { attend, type AttentionMemory } from '../models/attention.js';
import type { CellState } from '../models/cells.js';
import { dense } from '../models/layers.js';
import { mm } from '../models/linalg.js';
import { logSoftmaxRows } from '../models/losses.js';
import { ATTENTION, EMBEDDING, memoryOf, OUTPUT, type CaptionModel } from './model.js';

/** Decoder recurrent state for B sequences (c unused for GRU). */
export type DecoderState = CellState;

/** Per-sequence constants for stepping: the context's share of the decoder input projection. */
export interface DecoderContext {
  B: number;
  /** ctx·K_ctx + bias [B·G]. */
  ctxProj: Float32Array;
  /** Attention memory: the encoder outputs (Te = 0 without attention). */
  memory: AttentionMemory;
}

/** Runs the encoder over a feature batch and returns what decoding needs (see {@link decodeStep}). */
export function prepareDecoding(model: CaptionModel, enc: Batch): DecoderContext {
  const { config: c, params, decoder } = model;
  const { B } = enc;
  const He = c.encoderHidden;
  const tensors: tf.Tensor[] = [];
  let ctx;
  try {
    ctx = model.context(enc, tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
  const G = decoder.gates * c.decoderHidden;
  const kCtx = tf.tensor2d(params.get(decoder.kName).subarray(c.embedDim * G), [He, G]);
  const ctxProj = mm(ctx.ctx, B, He, kCtx);
  kCtx.dispose();
  const bias = params.get(decoder.bName);
  for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) ctxProj[b * G + g]! += bias[g]!;
  const memory =
    c.attention === 'general'
      ? memoryOf(enc, ctx.encOut)
      : { Te: 0, B, seq: new Float32Array(0), mask: new Float32Array(0) };
  return { B, ctxProj, memory };
}

/** Gathers rows of a context / state (beam search reorders hypotheses). */
export function selectRows(a: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(a.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
  return out;
}

/** A context of `copies` rows, all equal to row `item` of dc (a beam of one segment). */
export function replicateContext(dc: DecoderContext, item: number, copies: number): DecoderContext {
  const G = dc.ctxProj.length / dc.B;
  const { Te, B, seq, mask } = dc.memory;
  const He = Te > 0 ? seq.length / (Te * B) : 0;
  // The memory is time-major: row (t, item) of each step, `copies` times.
  const rows = Array.from({ length: Te * copies }, (_, i) => Math.floor(i / copies) * B + item);
  return {
    B: copies,
    ctxProj: selectRows(dc.ctxProj, G, new Array<number>(copies).fill(item)),
    memory: { Te, B: copies, seq: selectRows(seq, He, rows), mask: selectRows(mask, 1, rows) },
  };
}

export function initialDecoderState(model: CaptionModel, B: number): DecoderState {
  const H = model.config.decoderHidden;
  return { h: new Float32Array(B * H), c: new Float32Array(B * H) };
}

/** emb·K_emb per model, for every vocabulary entry [V·G]; recomputed after ParamStore.invalidate(). */
const projections = new WeakMap<CaptionModel, { key: tf.Tensor; embProj: Float32Array }>();

function embeddingProjection(model: CaptionModel): Float32Array {
  const { config: c, params, decoder } = model;
  const G = decoder.gates * c.decoderHidden;
  const t = params.derived('caption#embProj', () =>
    tf.matMul(
      params.tensor(`${EMBEDDING}/embeddings`) as tf.Tensor2D,
      tf.slice(params.tensor(decoder.kName), [0, 0], [c.embedDim, G]) as tf.Tensor2D,
    ),
  );
  let cached = projections.get(model);
  if (cached?.key !== t) {
    cached = { key: t, embProj: t.dataSync() as Float32Array };
    projections.set(model, cached);
  }
  return cached.embProj;
}

/**
 * One decoder step for B sequences: previous tokens [B] + state → log-probabilities [B·V] of the
 * next token and the new state. Equal to the teacher-forced forward pass up to float rounding of
 * the input projection's two shares.
 */
export function decodeStep(
  model: CaptionModel,
  dc: DecoderContext,
  state: DecoderState,
  tokens: ArrayLike<number>,
): { logProbs: Float32Array; state: DecoderState } {
  const { config: c, params, decoder } = model;
  const B = dc.B;
  const G = decoder.gates * c.decoderHidden;
  const embProj = embeddingProjection(model);
  const act = new Float32Array(B * G);
  for (let b = 0; b < B; b++) {
    const e = tokens[b]! * G;
    for (let g = 0; g < G; g++) act[b * G + g] = dc.ctxProj[b * G + g]! + embProj[e + g]!;
  }
  const next = decoder.step(params, act, state);
  const top = c.attention === 'general' ? attend(params, ATTENTION, next.h, B, dc.memory).a : next.h;
  const logits = dense(params, OUTPUT, top, B, c.decoderHidden);
  return { logProbs: logSoftmaxRows(logits, c.vocabSize), state: next };
}
