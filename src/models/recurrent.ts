/**
 * LSTM and GRU layers with hand-written backpropagation through time.
 *
 * Speed comes from three choices (see docs/sequence-models.md):
 *  1. The input projection of ALL time steps is one GEMM, X[T·B, D] × K[D, G·H], hoisted out of the
 *     time loop; its weight gradient is one GEMM too, Xᵀ·dZ. Only [B,H]×[H,G·H] remains per step.
 *  2. Per-step gate math is plain loops over Float32Arrays (no per-op dispatch / tape overhead).
 *  3. Transposes are explicit (wasm's transposed matMul is very slow) and the input gradient dX is
 *     only computed when a layer below needs it (never for the frozen CNN features).
 *
 * Semantics match tf.layers.lstm / tf.layers.gru (with recurrentActivation 'sigmoid'):
 *  LSTM gate order i, f, c, o; bias forget gate initialised to 1 (unitForgetBias).
 *  GRU gate order z, r, h with tfjs's reset-BEFORE formulation (tfjs 4.x rejects resetAfter=true):
 *    h̃ = tanh(x·Kh + (r ⊙ h)·Uh + bh),  h' = z ⊙ h + (1 − z) ⊙ h̃.
 * Masking: at a padded step (mask 0) the state is carried over unchanged (Keras semantics).
 * Data layout is time-major: row t·B + b.
 */
import * as tf from '@tensorflow/tfjs';
import { columns, mmArr, transposeArr } from './linalg.js';
import { nativeGemm } from './native-gemm.js';
import { blockOrthogonal, glorotUniform, type ParamStore } from './params.js';
import type { Rng } from '../util/rng.js';

export type CellType = 'lstm' | 'gru';

export interface RecurrentForward {
  /** Output at every time step [T·B·H] (time-major). */
  seq: Float32Array;
  /** Final state after the last processed step [B·H] (for reverse layers: after t = 0). */
  last: Float32Array;
  cache: RecurrentCache;
}

interface RecurrentCache {
  T: number;
  B: number;
  x: tf.Tensor2D;
  /** x as an array, kept when the native GEMM is used (for Xᵀ·dZ in backward). */
  xArr?: Float32Array;
  mask: Float32Array;
  recMask: Float32Array | null;
  /** Gate activations per step [T·B·G]. */
  act: Float32Array;
  /** Recurrent-matmul input per step (h_{t-1}, after recurrent dropout) [T·B·H]. */
  hm: Float32Array;
  /** LSTM: c_{t-1}; GRU: h_{t-1} (no dropout) [T·B·H]. */
  prev: Float32Array;
  /** LSTM: tanh(c_t); GRU: r ⊙ hm [T·B·H]. */
  aux: Float32Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export class RecurrentLayer {
  readonly gates: number;
  readonly kName: string;
  readonly uName: string;
  readonly bName: string;

  constructor(
    readonly cell: CellType,
    readonly inputDim: number,
    readonly units: number,
    readonly reverse: boolean,
    readonly prefix: string,
  ) {
    this.gates = cell === 'lstm' ? 4 : 3;
    this.kName = `${prefix}/kernel`;
    this.uName = `${prefix}/recurrent_kernel`;
    this.bName = `${prefix}/bias`;
  }

  init(params: ParamStore, rng: Rng): void {
    const H = this.units;
    const G = this.gates * H;
    params.add(this.kName, [this.inputDim, G], glorotUniform(rng, this.inputDim, G, this.inputDim * G));
    params.add(this.uName, [H, G], blockOrthogonal(rng, H, this.gates));
    const bias = new Float32Array(G);
    if (this.cell === 'lstm') bias.fill(1, H, 2 * H);
    params.add(this.bName, [G], bias);
  }

  /** x: [T·B, inputDim] tensor (time-major). recMask: [B·H] recurrent dropout multipliers or null. */
  forward(
    params: ParamStore,
    x: tf.Tensor2D,
    mask: Float32Array,
    T: number,
    B: number,
    recMask: Float32Array | null,
  ): RecurrentForward {
    const H = this.units;
    const G = this.gates * H;
    const native = nativeGemm();
    let act: Float32Array; // X·K + b, overwritten in place with the gate activations
    let xArr: Float32Array | undefined;
    if (native) {
      xArr = x.dataSync() as Float32Array;
      const bias = params.get(this.bName);
      act = native(xArr, T * B, this.inputDim, params.get(this.kName), G);
      for (let r = 0; r < T * B; r++) for (let g = 0; g < G; g++) act[r * G + g]! += bias[g]!;
    } else {
      const xw = tf.tidy(() =>
        tf.add(tf.matMul(x, params.tensor(this.kName) as tf.Tensor2D), params.tensor(this.bName)),
      );
      act = xw.dataSync() as Float32Array;
      xw.dispose();
    }
    const hm = new Float32Array(T * B * H);
    const prev = new Float32Array(T * B * H);
    const aux = new Float32Array(T * B * H);
    const seq = new Float32Array(T * B * H);
    const h = new Float32Array(B * H);
    const c = new Float32Array(B * H);
    const hIn = new Float32Array(B * H);
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      const o3 = t * B * H;
      for (let i = 0; i < B * H; i++) hIn[i] = recMask ? h[i]! * recMask[i]! : h[i]!;
      hm.set(hIn, o3);
      if (this.cell === 'lstm') {
        const rec = mmArr(hIn, B, H, params.get(this.uName), G);
        prev.set(c, o3);
        for (let b = 0; b < B; b++) {
          const m = mask[t * B + b]!;
          const za = (t * B + b) * G;
          const ra = b * G;
          for (let j = 0; j < H; j++) {
            const ig = sigmoid(act[za + j]! + rec[ra + j]!);
            const fg = sigmoid(act[za + H + j]! + rec[ra + H + j]!);
            const gg = Math.tanh(act[za + 2 * H + j]! + rec[ra + 2 * H + j]!);
            const og = sigmoid(act[za + 3 * H + j]! + rec[ra + 3 * H + j]!);
            act[za + j] = ig;
            act[za + H + j] = fg;
            act[za + 2 * H + j] = gg;
            act[za + 3 * H + j] = og;
            const k = b * H + j;
            const cn = fg * c[k]! + ig * gg;
            const tc = Math.tanh(cn);
            aux[o3 + k] = tc;
            if (m > 0) {
              c[k] = cn;
              h[k] = og * tc;
            }
          }
        }
      } else {
        prev.set(h, o3);
        const uzr = params.derivedArray(`${this.uName}#zr`, () => columns(params.get(this.uName), H, G, 0, 2 * H));
        const uh = params.derivedArray(`${this.uName}#h`, () => columns(params.get(this.uName), H, G, 2 * H, G));
        const rec = mmArr(hIn, B, H, uzr, 2 * H);
        const rh = new Float32Array(B * H);
        for (let b = 0; b < B; b++) {
          const za = (t * B + b) * G;
          const ra = b * 2 * H;
          for (let j = 0; j < H; j++) {
            const zg = sigmoid(act[za + j]! + rec[ra + j]!);
            const rg = sigmoid(act[za + H + j]! + rec[ra + H + j]!);
            act[za + j] = zg;
            act[za + H + j] = rg;
            rh[b * H + j] = rg * hIn[b * H + j]!;
          }
        }
        aux.set(rh, o3);
        const rec2 = mmArr(rh, B, H, uh, H);
        for (let b = 0; b < B; b++) {
          const m = mask[t * B + b]!;
          const za = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const hh = Math.tanh(act[za + 2 * H + j]! + rec2[k]!);
            act[za + 2 * H + j] = hh;
            if (m > 0) {
              const zg = act[za + j]!;
              h[k] = zg * h[k]! + (1 - zg) * hh;
            }
          }
        }
      }
      seq.set(h, o3);
    }
    return { seq, last: h, cache: { T, B, x, ...(xArr ? { xArr } : {}), mask, recMask, act, hm, prev, aux } };
  }

  /**
   * Backpropagation through time. dSeq: gradient w.r.t. every step's output (or null), dLast: w.r.t.
   * the final state. Returns weight gradients, and dX [T·B, inputDim] when needInputGrad.
   */
  backward(
    params: ParamStore,
    cache: RecurrentCache,
    dSeq: Float32Array | null,
    dLast: Float32Array | null,
    needInputGrad: boolean,
  ): { grads: Map<string, Float32Array>; dx?: Float32Array } {
    const { T, B, mask, recMask, act, hm, prev, aux } = cache;
    const H = this.units;
    const G = this.gates * H;
    const dZ = new Float32Array(T * B * G);
    const dh = dLast ? dLast.slice() : new Float32Array(B * H);
    const dc = new Float32Array(B * H);
    const dzStep = new Float32Array(B * G);
    const U = params.get(this.uName);
    const uT = params.derivedArray(`${this.uName}#T`, () => transposeArr(U, H, G));
    const uzrT =
      this.cell === 'gru'
        ? params.derivedArray(`${this.uName}#zrT`, () => transposeArr(columns(U, H, G, 0, 2 * H), H, 2 * H))
        : null;
    const uhT =
      this.cell === 'gru'
        ? params.derivedArray(`${this.uName}#hT`, () => transposeArr(columns(U, H, G, 2 * H, G), H, H))
        : null;
    const dah = new Float32Array(B * H);
    const dzr = new Float32Array(B * 2 * H);
    const dzg = new Float32Array(B * H);
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      const o3 = t * B * H;
      if (dSeq) for (let i = 0; i < B * H; i++) dh[i]! += dSeq[o3 + i]!;
      if (this.cell === 'lstm') {
        dzStep.fill(0);
        for (let b = 0; b < B; b++) {
          if (!(mask[t * B + b]! > 0)) continue;
          const za = (t * B + b) * G;
          const da = b * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const ig = act[za + j]!;
            const fg = act[za + H + j]!;
            const gg = act[za + 2 * H + j]!;
            const og = act[za + 3 * H + j]!;
            const tc = aux[o3 + k]!;
            const dhv = dh[k]!;
            const dcn = dc[k]! + dhv * og * (1 - tc * tc);
            dzStep[da + j] = dcn * gg * ig * (1 - ig);
            dzStep[da + H + j] = dcn * prev[o3 + k]! * fg * (1 - fg);
            dzStep[da + 2 * H + j] = dcn * ig * (1 - gg * gg);
            dzStep[da + 3 * H + j] = dhv * tc * og * (1 - og);
            dc[k] = dcn * fg;
          }
        }
        dZ.set(dzStep, t * B * G);
        const dhm = mmArr(dzStep, B, G, uT, H);
        for (let b = 0; b < B; b++) {
          if (!(mask[t * B + b]! > 0)) continue;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            dh[k] = recMask ? dhm[k]! * recMask[k]! : dhm[k]!;
          }
        }
      } else {
        dah.fill(0);
        for (let b = 0; b < B; b++) {
          if (!(mask[t * B + b]! > 0)) continue;
          const za = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const zg = act[za + j]!;
            const hh = act[za + 2 * H + j]!;
            const dhv = dh[k]!;
            dzg[k] = dhv * (prev[o3 + k]! - hh) * zg * (1 - zg);
            dah[k] = dhv * (1 - zg) * (1 - hh * hh);
            dh[k] = dhv * zg; // direct path h_{t-1} → h_t
          }
        }
        const drh = mmArr(dah, B, H, uhT!, H);
        dzr.fill(0);
        for (let b = 0; b < B; b++) {
          if (!(mask[t * B + b]! > 0)) continue;
          const za = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const rg = act[za + H + j]!;
            dzr[b * 2 * H + j] = dzg[k]!;
            dzr[b * 2 * H + H + j] = drh[k]! * hm[o3 + k]! * rg * (1 - rg);
            dZ[za + j] = dzg[k]!;
            dZ[za + H + j] = dzr[b * 2 * H + H + j]!;
            dZ[za + 2 * H + j] = dah[k]!;
          }
        }
        const dhm2 = mmArr(dzr, B, 2 * H, uzrT!, H);
        for (let b = 0; b < B; b++) {
          if (!(mask[t * B + b]! > 0)) continue;
          const za = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const dhmv = drh[k]! * act[za + H + j]! + dhm2[k]!;
            dh[k]! += recMask ? dhmv * recMask[k]! : dhmv;
          }
        }
      }
    }
    const N = T * B;
    const grads = new Map<string, Float32Array>();
    const native = nativeGemm();
    if (native && cache.xArr && !needInputGrad) {
      grads.set(this.kName, native(cache.xArr, this.inputDim, N, dZ, G, true));
      if (this.cell === 'lstm') grads.set(this.uName, native(hm, H, N, dZ, G, true));
      else {
        // GRU: U = [Uzr | Uh]; dUzr = hmᵀ·dZ[:, :2H], dUh = (r⊙h)ᵀ·dZ[:, 2H:].
        const p = native(hm, H, N, dZ, G, true);
        const q = native(aux, H, N, dZ, G, true);
        for (let i = 0; i < H; i++) p.set(q.subarray(i * G + 2 * H, (i + 1) * G), i * G + 2 * H);
        grads.set(this.uName, p);
      }
      const db = new Float32Array(G);
      for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) db[g]! += dZ[n * G + g]!;
      grads.set(this.bName, db);
      return { grads };
    }
    const result = tf.tidy((): { dK: tf.Tensor; dU: tf.Tensor; dX?: tf.Tensor } => {
      const dZt = tf.tensor2d(dZ, [N, G]);
      const dK = tf.matMul(tf.transpose(cache.x), dZt);
      let dU: tf.Tensor;
      if (this.cell === 'lstm') {
        dU = tf.matMul(tf.transpose(tf.tensor2d(hm, [N, H])), dZt);
      } else {
        const dUzr = tf.matMul(tf.transpose(tf.tensor2d(hm, [N, H])), tf.slice(dZt, [0, 0], [N, 2 * H]));
        const dUh = tf.matMul(tf.transpose(tf.tensor2d(aux, [N, H])), tf.slice(dZt, [0, 2 * H], [N, H]));
        dU = tf.concat([dUzr, dUh], 1);
      }
      if (!needInputGrad) return { dK, dU };
      const kT = params.derived(`${this.kName}#T`, () => tf.transpose(params.tensor(this.kName)));
      return { dK, dU, dX: tf.matMul(dZt, kT as tf.Tensor2D) };
    });
    grads.set(this.kName, result.dK.dataSync() as Float32Array);
    grads.set(this.uName, result.dU.dataSync() as Float32Array);
    const db = new Float32Array(G);
    for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) db[g]! += dZ[n * G + g]!;
    grads.set(this.bName, db);
    let dx: Float32Array | undefined;
    if (result.dX) {
      dx = result.dX.dataSync() as Float32Array;
      result.dX.dispose();
    }
    result.dK.dispose();
    result.dU.dispose();
    return dx ? { grads, dx } : { grads };
  }
}
