/**
 * Large float32 matrix products through onnxruntime's MLAS kernels, for the two GEMMs that dominate
 * recurrent training (the hoisted input projection X·K and its weight gradient Xᵀ·dZ). Measured here
 * (2 cores) for [1024,1280]×[1280,1024]: about 52 GFLOP/s on one thread, against about 30 for
 * tfjs-wasm's XNNPACK (single-threaded in Node).
 *
 * onnxruntime-node's public `InferenceSession.run` is asynchronous only, while the recurrent layers
 * are synchronous; the package's native binding (documented in its binding.d.ts as "a simple
 * synchronized inference session object wrap") runs the same session synchronously. When the binding
 * cannot be loaded, `nativeGemm()` returns null and callers use tfjs.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { attr, DataType, encodeModel } from '../features/onnx/onnx-model.js';

interface SyncSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  run(
    feeds: Record<string, unknown>,
    fetches: Record<string, null>,
    options: Record<string, unknown>,
  ): Record<string, { data: Float32Array }>;
}
interface OrtModule {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}

export type Gemm = (
  a: Float32Array,
  m: number,
  k: number,
  b: Float32Array,
  n: number,
  transA?: boolean,
) => Float32Array;

let cached: Gemm | null | undefined;

/** Forces the tfjs path (false) or re-detects the native one (true); for tests comparing the two. */
export function useNativeGemm(enabled: boolean): void {
  cached = enabled ? undefined : null;
}

function gemmModel(transA: boolean): Uint8Array {
  return encodeModel({
    graph: {
      name: transA ? 'gemm_tn' : 'gemm_nn',
      nodes: [{ opType: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attributes: [attr.int('transA', transA ? 1 : 0)] }],
      initializers: [],
      inputs: [
        { name: 'A', elemType: DataType.FLOAT, dims: ['a0', 'a1'] },
        { name: 'B', elemType: DataType.FLOAT, dims: ['b0', 'b1'] },
      ],
      outputs: [{ name: 'Y', elemType: DataType.FLOAT, dims: ['y0', 'y1'] }],
    },
  });
}

/** The native GEMM, or null where onnxruntime-node's binding is unavailable (or FRAMEWISE_NATIVE_GEMM=0). */
export function nativeGemm(): Gemm | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env['FRAMEWISE_NATIVE_GEMM'] === '0') return null;
  try {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as OrtModule;
    const { binding, initOrt } = require(join(dirname(require.resolve('onnxruntime-node')), 'binding.js')) as {
      binding: { InferenceSession: new () => SyncSession };
      initOrt: () => void;
    };
    initOrt();
    const threads = Math.max(1, Math.min(2, availableParallelism()));
    const open = (transA: boolean, intraOpNumThreads: number): SyncSession => {
      const s = new binding.InferenceSession();
      const model = gemmModel(transA);
      s.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        intraOpNumThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      return s;
    };
    const nn = open(false, threads);
    const tn = open(true, threads);
    // Per-step recurrent products are small: one thread avoids the cost of waking a second one.
    const small = threads > 1 ? open(false, 1) : nn;
    const gemm: Gemm = (a, m, k, b, n, transA = false) => {
      // transA: a is stored [k, m] and used transposed.
      const A = new ort.Tensor('float32', a, transA ? [k, m] : [m, k]);
      const B = new ort.Tensor('float32', b, [k, n]);
      const session = transA ? tn : m * k * n < 1 << 24 ? small : nn;
      return session.run({ A, B }, { Y: null }, {})['Y']!.data;
    };
    // Self-check on a tiny product before trusting it.
    const y = gemm(Float32Array.from([1, 2, 3, 4]), 2, 2, Float32Array.from([5, 6, 7, 8]), 2);
    const yt = gemm(Float32Array.from([1, 2, 3, 4]), 2, 2, Float32Array.from([5, 6, 7, 8]), 2, true);
    if ([...y].join() !== '19,22,43,50' || [...yt].join() !== '26,30,38,44') return null;
    cached = gemm;
  } catch {
    cached = null;
  }
  return cached;
}
