/**
 * Parameters live as plain Float32Arrays (the optimizer, checkpoints and serialization work on those);
 * tf tensors of them are made on demand for the matrix products and cached until the next update.
 */
import * as tf from '@tensorflow/tfjs';
import { FramewiseError } from '../errors.js';
import type { Rng } from '../util/rng.js';

export class ParamStore {
  readonly shapes = new Map<string, number[]>();
  readonly values = new Map<string, Float32Array>();
  private readonly cache = new Map<string, tf.Tensor>();
  private readonly arrays = new Map<string, Float32Array>();

  add(name: string, shape: number[], values: Float32Array): void {
    if (values.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`param ${name}: size does not match shape`);
    this.shapes.set(name, shape);
    this.values.set(name, values);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  get(name: string): Float32Array {
    const v = this.values.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  /** The parameter as a tf tensor (cached until invalidate()). */
  tensor(name: string): tf.Tensor {
    return this.derived(name, () => tf.tensor(this.get(name), this.shapes.get(name)!));
  }

  /** A cached tensor computed from parameters (e.g. a transposed kernel). */
  derived(key: string, make: () => tf.Tensor): tf.Tensor {
    let t = this.cache.get(key);
    if (!t) {
      // keep(): a derived tensor built inside another derived()'s tidy must outlive that scope.
      t = tf.keep(tf.tidy(make));
      this.cache.set(key, t);
    }
    return t;
  }

  /** A cached array computed from parameters (e.g. a transposed kernel for the native GEMM). */
  derivedArray(key: string, make: () => Float32Array): Float32Array {
    let a = this.arrays.get(key);
    if (!a) {
      a = make();
      this.arrays.set(key, a);
    }
    return a;
  }

  /** Call after parameter values change. */
  invalidate(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
    this.arrays.clear();
  }

  /** Deep copy of the values (for best-checkpoint snapshots). */
  snapshot(): Map<string, Float32Array> {
    return new Map([...this.values].map(([k, v]) => [k, v.slice()]));
  }

  restore(values: Map<string, Float32Array>): void {
    for (const [k, v] of values) {
      const own = this.get(k);
      if (own.length !== v.length) throw new Error(`param ${k}: size mismatch on restore`);
      own.set(v);
    }
    this.invalidate();
  }

  count(): number {
    let n = 0;
    for (const v of this.values.values()) n += v.length;
    return n;
  }
}

/** Parameters as plain data (names → shape and values), e.g. to post them from a worker thread. */
export type ParamRecord = Record<string, { shape: number[]; data: Float32Array }>;

export function toParamRecord(params: ParamStore): ParamRecord {
  const out: ParamRecord = {};
  for (const name of params.names()) out[name] = { shape: params.shapes.get(name)!, data: params.get(name) };
  return out;
}

export function fromParamRecord(record: ParamRecord): ParamStore {
  const params = new ParamStore();
  for (const [name, w] of Object.entries(record)) params.add(name, w.shape, w.data);
  return params;
}

/**
 * The weight-shape check of a model built around existing weights: BAD_ARGUMENT unless `params` has
 * every name of `want` with that shape. `what` starts the message ("Model weights", "Captioning weights").
 */
export function checkShapes(params: ParamStore, want: Map<string, number[]>, what: string): void {
  for (const [name, shape] of want) {
    const got = params.shapes.get(name);
    if (!got || got.join('x') !== shape.join('x')) {
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `${what} do not fit the architecture: ${name} should be [${shape}] but is ${got ? `[${got}]` : 'missing'}.`,
      );
    }
  }
}

export function glorotUniform(rng: Rng, fanIn: number, fanOut: number, size: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/**
 * Recurrent kernel [n, blocks*n]: each n×n gate block orthogonal (modified Gram–Schmidt on a random
 * normal matrix — milliseconds, unlike tfjs's orthogonal initializer which runs a QR through tf ops).
 */
export function blockOrthogonal(rng: Rng, n: number, blocks: number): Float32Array {
  const cols = blocks * n;
  const out = new Float32Array(n * cols);
  const q = new Float64Array(n * n); // rows are the orthonormal vectors
  for (let blk = 0; blk < blocks; blk++) {
    for (let i = 0; i < n * n; i++) q[i] = rng.normal();
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          const rj = j * n;
          let dot = 0;
          for (let k = 0; k < n; k++) dot += q[ri + k]! * q[rj + k]!;
          for (let k = 0; k < n; k++) q[ri + k]! -= dot * q[rj + k]!;
        }
      }
      let norm = 0;
      for (let k = 0; k < n; k++) norm += q[ri + k]! * q[ri + k]!;
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < n; k++) q[ri + k]! /= norm;
    }
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[r * cols + blk * n + c] = q[c * n + r]!;
  }
  return out;
}
