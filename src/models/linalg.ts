/**
 * Matrix products through tf kernels (wasm/XNNPACK or native). Everything else in the models is
 * plain loops over Float32Arrays.
 *
 * On tfjs-backend-wasm 4.22 matMul with transposeA/transposeB is 15-45× slower than a plain product
 * (e.g. Xᵀ·G for X [1024,1280]: 3.6 s vs 80 ms after an explicit tf.transpose), so transposes are
 * always explicit here. That alone is a large part of why the stock tfjs RNN layers are slow to train.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeGemm } from './native-gemm.js';

function read(t: tf.Tensor): Float32Array {
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/** a [m,k] (row-major array) × b [k,n] tensor → [m,n]. */
export function mm(a: Float32Array, m: number, k: number, b: tf.Tensor): Float32Array {
  return read(tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), b as tf.Tensor2D)));
}

/** aᵀ·b for a [n,m], b [n,k] (arrays or tensors) → [m,k]. */
export function mmTN(
  a: Float32Array | tf.Tensor2D,
  n: number,
  m: number,
  b: Float32Array | tf.Tensor2D,
  k: number,
): Float32Array {
  return read(
    tf.tidy(() => {
      const at = a instanceof Float32Array ? tf.tensor2d(a, [n, m]) : a;
      const bt = b instanceof Float32Array ? tf.tensor2d(b, [n, k]) : b;
      return tf.matMul(tf.transpose(at), bt);
    }),
  );
}

/** Transposed copy of a tensor (use with ParamStore.derived). */
export function transposed(t: tf.Tensor): tf.Tensor {
  return tf.transpose(t);
}

/** a [m,k] × b [k,n], both arrays: the native GEMM where available, else tfjs. */
export function mmArr(a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float32Array {
  const native = nativeGemm();
  if (native) return native(a, m, k, b, n);
  return read(tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]))));
}

/** Columns [c0, c1) of a row-major [rows, cols] matrix. */
export function columns(a: Float32Array, rows: number, cols: number, c0: number, c1: number): Float32Array {
  const w = c1 - c0;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * cols + c0, r * cols + c1), r * w);
  return out;
}

/** Transpose of a row-major [rows, cols] matrix. */
export function transposeArr(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}
