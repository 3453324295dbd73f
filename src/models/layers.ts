/**
 * The feed-forward building blocks both model kinds are made of — dense (with a fused activation),
 * dropout and embedding — with explicit forward and backward passes over row-major Float32Arrays.
 * Parameters live in a ParamStore under `<name>/kernel`, `<name>/bias` (dense) and
 * `<name>/embeddings` (embedding), the names tfjs-layers would give them.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { mm, mmTN } from './linalg.js';
import { glorotUniform, type ParamStore } from './params.js';

export type Activation = 'linear' | 'relu' | 'tanh';

export type Grads = Map<string, Float32Array>;

/** Adds a dense layer's kernel [nIn, nOut] (Glorot uniform) and zero bias [nOut]. */
export function addDense(params: ParamStore, name: string, nIn: number, nOut: number, rng: Rng): void {
  params.add(`${name}/kernel`, [nIn, nOut], glorotUniform(rng, nIn, nOut, nIn * nOut));
  params.add(`${name}/bias`, [nOut], new Float32Array(nOut));
}

/** act(x·W + b) for n rows of x [n, nIn]; the activation is applied before rounding to float32. */
export function dense(
  params: ParamStore,
  name: string,
  x: Float32Array,
  n: number,
  nIn: number,
  activation: Activation = 'linear',
): Float32Array {
  const y = mm(x, n, nIn, params.tensor(`${name}/kernel`));
  const b = params.get(`${name}/bias`);
  const nOut = b.length;
  for (let i = 0; i < n; i++) {
    const o = i * nOut;
    if (activation === 'relu')
      for (let j = 0; j < nOut; j++) {
        const v = y[o + j]! + b[j]!;
        y[o + j] = v < 0 ? 0 : v;
      }
    else if (activation === 'tanh') for (let j = 0; j < nOut; j++) y[o + j] = Math.tanh(y[o + j]! + b[j]!);
    else for (let j = 0; j < nOut; j++) y[o + j]! += b[j]!;
  }
  return y;
}

/** Multiplies dy in place by the activation's derivative, given the layer's output y. */
export function activationBackward(activation: Activation, y: Float32Array, dy: Float32Array): Float32Array {
  if (activation === 'relu') for (let i = 0; i < dy.length; i++) if (!(y[i]! > 0)) dy[i] = 0;
  if (activation === 'tanh') for (let i = 0; i < dy.length; i++) dy[i]! *= 1 - y[i]! * y[i]!;
  return dy;
}

/**
 * Backward of a linear dense layer: dW = xᵀ·dy and db = Σ dy go into grads; returns dx = dy·Wᵀ when
 * needDx (the transposed kernel is cached until the weights change). For an activation, first pass
 * dy through {@link activationBackward}.
 */
export function denseBackward(
  params: ParamStore,
  name: string,
  x: Float32Array,
  n: number,
  nIn: number,
  dy: Float32Array,
  grads: Grads,
  needDx: boolean,
): Float32Array | undefined {
  const nOut = params.get(`${name}/bias`).length;
  grads.set(`${name}/kernel`, mmTN(x, n, nIn, dy, nOut));
  const db = new Float32Array(nOut);
  for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) db[j]! += dy[i * nOut + j]!;
  grads.set(`${name}/bias`, db);
  if (!needDx) return undefined;
  const wT = params.derived(`${name}/kernel#T`, () => tf.transpose(params.tensor(`${name}/kernel`)));
  return mm(dy, n, nOut, wT);
}

/** Inverted-dropout multipliers: 0 with probability `rate`, else 1 / (1 − rate). */
export function dropoutMask(rng: Rng, n: number, rate: number): Float32Array {
  const m = new Float32Array(n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) m[i] = rng.next() < rate ? 0 : keep;
  return m;
}

/**
 * Dropout for training: with an rng and a rate > 0, x times a fresh mask (a new array) and the
 * mask; otherwise x itself and no mask.
 */
export function dropout(x: Float32Array, rate: number, rng?: Rng): { y: Float32Array; mask: Float32Array | null } {
  if (!rng || !(rate > 0)) return { y: x, mask: null };
  const mask = dropoutMask(rng, x.length, rate);
  return { y: x.map((v, i) => v * mask[i]!), mask };
}

/** Multiplies dy in place by a dropout mask (no-op without one). */
export function dropoutBackward(dy: Float32Array, mask: Float32Array | null): Float32Array {
  if (mask) for (let i = 0; i < dy.length; i++) dy[i]! *= mask[i]!;
  return dy;
}

/** Adds an embedding table [V, E], uniform in ±0.1, with row `padId` zero. */
export function addEmbedding(params: ParamStore, name: string, V: number, E: number, rng: Rng, padId = 0): void {
  const emb = new Float32Array(V * E);
  for (let i = 0; i < emb.length; i++) emb[i] = (rng.next() * 2 - 1) * 0.1;
  emb.fill(0, padId * E, (padId + 1) * E);
  params.add(`${name}/embeddings`, [V, E], emb);
}

/** Writes the embedding of ids[n] into out at n·stride + offset (so it can sit beside other inputs). */
export function embed(
  params: ParamStore,
  name: string,
  ids: ArrayLike<number>,
  out: Float32Array,
  stride: number,
  offset = 0,
): void {
  const table = params.get(`${name}/embeddings`);
  const E = params.shapes.get(`${name}/embeddings`)![1]!;
  for (let n = 0; n < ids.length; n++) out.set(table.subarray(ids[n]! * E, (ids[n]! + 1) * E), n * stride + offset);
}

/** Backward of {@link embed}: accumulates the rows of dOut into the gradient of the ids' rows. */
export function embedBackward(
  params: ParamStore,
  name: string,
  ids: ArrayLike<number>,
  dOut: Float32Array,
  stride: number,
  offset: number,
  grads: Grads,
): void {
  const [V, E] = params.shapes.get(`${name}/embeddings`)! as [number, number];
  const d = new Float32Array(V * E);
  for (let n = 0; n < ids.length; n++) {
    const row = ids[n]! * E;
    const o = n * stride + offset;
    for (let e = 0; e < E; e++) d[row + e]! += dOut[o + e]!;
  }
  grads.set(`${name}/embeddings`, d);
}
