import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import { nativeGemm, useNativeGemm } from '../../src/models/native-gemm.js';
import { ParamStore } from '../../src/models/params.js';
import { RecurrentLayer, type CellType } from '../../src/models/recurrent.js';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => useNativeGemm(true));

function naive(a: Float32Array, m: number, k: number, b: Float32Array, n: number, transA = false): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i]! : a[i * k + p]!) * b[p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('native GEMM', () => {
  it('loads here and matches a naive product, plain and with A transposed', () => {
    const gemm = nativeGemm();
    expect(gemm).not.toBeNull();
    const rng = new Rng(5);
    for (const [m, k, n] of [
      [3, 5, 4],
      [33, 70, 129],
      [600, 40, 300],
    ] as const) {
      const a = new Float32Array(m * k).map(() => rng.normal());
      const b = new Float32Array(k * n).map(() => rng.normal());
      expect(maxDiff(gemm!(a, m, k, b, n), naive(a, m, k, b, n))).toBeLessThan(1e-3);
      expect(maxDiff(gemm!(a, m, k, b, n, true), naive(a, m, k, b, n, true))).toBeLessThan(1e-3);
    }
  });

  it('gives the recurrent layers the same outputs and gradients as the tfjs path', () => {
    for (const cell of ['lstm', 'gru'] as CellType[]) {
      const run = (native: boolean): { seq: Float32Array; grads: Map<string, Float32Array> } => {
        useNativeGemm(native);
        const rng = new Rng(9);
        const T = 6;
        const B = 4;
        const D = 20;
        const H = 8;
        const params = new ParamStore();
        const layer = new RecurrentLayer(cell, D, H, false, 'l');
        layer.init(params, rng);
        const x = tf.tensor2d(
          new Float32Array(T * B * D).map(() => rng.normal()),
          [T * B, D],
        );
        const mask = new Float32Array(T * B).fill(1);
        const f = layer.forward(params, x, mask, T, B, null);
        const dSeq = new Float32Array(T * B * H).map(() => rng.normal());
        const { grads } = layer.backward(params, f.cache, dSeq, null, false);
        x.dispose();
        return { seq: f.seq, grads };
      };
      const a = run(true);
      const b = run(false);
      expect(maxDiff(a.seq, b.seq)).toBeLessThan(1e-5);
      for (const [name, g] of b.grads) expect(maxDiff(a.grads.get(name)!, g), `${cell} ${name}`).toBeLessThan(1e-4);
    }
  });
});
