import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import { ParamStore } from '../../src/models/params.js';
import { RecurrentLayer, type CellType } from '../../src/models/recurrent.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Batch-major [B,T,D] → time-major [T·B, D]. */
function toTimeMajor(x: Float32Array, B: number, T: number, D: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), (t * B + b) * D);
  return out;
}

function compare(cell: CellType, opts: { reverse: boolean; padded: boolean }): void {
  const B = 3,
    T = 5,
    D = 7,
    H = 4;
  const rng = new Rng(42);
  const x = new Float32Array(B * T * D).map(() => rng.normal());
  const lengths = opts.padded ? [5, 3, 1] : [5, 5, 5];
  for (let b = 0; b < B; b++) for (let t = lengths[b]!; t < T; t++) x.fill(0, (b * T + t) * D, (b * T + t + 1) * D);
  const params = new ParamStore();
  const layer = new RecurrentLayer(cell, D, H, opts.reverse, 'l');
  layer.init(params, rng);
  // non-trivial bias
  params.get(layer.bName).forEach((_, i, a) => (a[i] = rng.normal() * 0.3));
  const R = new Float32Array(B * H).map(() => rng.normal());

  // stock layer
  const stock = (cell === 'lstm' ? tf.layers.lstm : tf.layers.gru)({
    units: H,
    recurrentActivation: 'sigmoid',
    goBackwards: opts.reverse,
    returnSequences: false,
  });
  const xt = tf.tensor3d(x, [B, T, D]);
  const maskBT = tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => (i % T < lengths[Math.floor(i / T)]! ? 1 : 0)),
    [B, T],
    'bool',
  );
  const run = (): tf.Tensor2D => stock.apply(xt, { mask: maskBT }) as tf.Tensor2D;
  stock.apply(xt);
  stock.setWeights([params.tensor(layer.kName), params.tensor(layer.uName), params.tensor(layer.bName)]);
  const vars = stock.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const h = run();
    return tf.sum(tf.mul(h, tf.tensor2d(R, [B, H]))) as tf.Scalar;
  }, vars);
  const hStock = tf.tidy(run).dataSync();

  // ours
  const mask = new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < lengths[b]! ? 1 : 0;
  const xTm = tf.tensor2d(toTimeMajor(x, B, T, D), [T * B, D]);
  const fwd = layer.forward(params, xTm, mask, T, B, null);
  expect(maxAbsDiff(fwd.last, hStock)).toBeLessThan(1e-5);
  let ours = 0;
  for (let i = 0; i < R.length; i++) ours += R[i]! * fwd.last[i]!;
  expect(Math.abs(ours - value.dataSync()[0]!)).toBeLessThan(1e-4);
  const back = layer.backward(params, fwd.cache, null, R, false);
  const names = [layer.kName, layer.uName, layer.bName];
  vars.forEach((v, i) => {
    const g = grads[v.name]!.dataSync();
    expect(maxAbsDiff(back.grads.get(names[i]!)!, g)).toBeLessThan(1e-5);
  });
  tf.dispose([xt, xTm, maskBT, value, ...Object.values(grads)]);
  params.invalidate();
}

describe('custom LSTM/GRU match tf.layers (forward and weight gradients)', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell} forward`, () => compare(cell, { reverse: false, padded: false }));
    it(`${cell} reversed`, () => compare(cell, { reverse: true, padded: false }));
    it(`${cell} with masked padding`, () => compare(cell, { reverse: false, padded: true }));
  }
});
