/**
 * A recurrent layer: an LSTM or GRU cell (cells.ts) run over a time-major sequence, with
 * hand-written backpropagation through time.
 *
 * Speed comes from three choices (see docs/sequence-models.md):
 *  1. The input projection of ALL time steps is one GEMM, X[T·B, D] × K[D, G·H], hoisted out of the
 *     time loop; its weight gradient is one GEMM too, Xᵀ·dZ. Only [B,H]×[H,G·H] remains per step.
 *  2. Per-step gate math is plain loops over Float32Arrays (no per-op dispatch / tape overhead).
 *  3. Transposes are explicit (wasm's transposed matMul is very slow) and the input gradient dX is
 *     only computed when a layer below needs it (never for the frozen CNN features).
 *
 * Data layout is time-major: row t·B + b. `step` runs the same cell step one token at a time, for
 * decoding.
 */
import * as tf from '@tensorflow/tfjs';
import { mm, mmTN } from './linalg.js';
import { nativeGemm } from './native-gemm.js';
import { blockOrthogonal, glorotUniform, type ParamStore } from './params.js';
import { CELLS, type CellState, type CellType, type ProductTN, type RecurrentCell } from './cells.js';
import type { Rng } from '../util/rng.js';

export type { CellState, CellType } from './cells.js';

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

export class RecurrentLayer {
  readonly gates: number;
  readonly kName: string;
  readonly uName: string;
  readonly bName: string;
  private readonly impl: RecurrentCell;

  constructor(
    readonly cell: CellType,
    readonly inputDim: number,
    readonly units: number,
    readonly reverse: boolean,
    readonly prefix: string,
  ) {
    this.impl = CELLS[cell];
    this.gates = this.impl.gates;
    this.kName = `${prefix}/kernel`;
    this.uName = `${prefix}/recurrent_kernel`;
    this.bName = `${prefix}/bias`;
  }

  init(params: ParamStore, rng: Rng): void {
    const H = this.units;
    const G = this.gates * H;
    params.add(this.kName, [this.inputDim, G], glorotUniform(rng, this.inputDim, G, this.inputDim * G));
    params.add(this.uName, [H, G], blockOrthogonal(rng, H, this.gates));
    params.add(this.bName, [G], this.impl.initialBias(H));
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
    const state: CellState = { h: new Float32Array(B * H), c: new Float32Array(B * H) };
    const hIn = new Float32Array(B * H);
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      const o = t * B * H;
      for (let i = 0; i < B * H; i++) hIn[i] = recMask ? state.h[i]! * recMask[i]! : state.h[i]!;
      hm.set(hIn, o);
      this.impl.forwardStep(params, this.uName, B, H, act, t * B * G, hIn, state, mask, t * B, { prev, aux, o });
      seq.set(state.h, o);
    }
    const cache = { T, B, x, ...(xArr ? { xArr } : {}), mask, recMask, act, hm, prev, aux };
    return { seq, last: state.h, cache };
  }

  /**
   * One decoding step of B sequences: act [B·G] is the input's share of the gate pre-activations
   * (x·K + b) and is used up. Returns the next state; `state` is left as it is.
   */
  step(params: ParamStore, act: Float32Array, state: CellState): CellState {
    const H = this.units;
    const next = { h: state.h.slice(), c: state.c.slice() };
    this.impl.forwardStep(params, this.uName, state.h.length / H, H, act, 0, state.h, next, null, 0);
    return next;
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
    const N = T * B;
    const dZ = new Float32Array(N * G);
    const step = {
      B,
      H,
      act,
      ao: 0,
      o: 0,
      mo: 0,
      mask,
      recMask,
      hm,
      prev,
      aux,
      dh: dLast ? dLast.slice() : new Float32Array(B * H),
      dc: new Float32Array(B * H),
      dZ,
    };
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      step.ao = t * B * G;
      step.o = t * B * H;
      step.mo = t * B;
      if (dSeq) for (let i = 0; i < B * H; i++) step.dh[i]! += dSeq[step.o + i]!;
      this.impl.backwardStep(params, this.uName, step);
    }
    // Weight gradients: the native GEMM when the input gradient is not needed, else tfjs.
    const native = nativeGemm();
    const fast = native && cache.xArr && !needInputGrad ? native : null;
    const tn: ProductTN = fast
      ? (a, rows, aCols, b, bCols) => fast(a, aCols, rows, b, bCols, true)
      : (a, rows, aCols, b, bCols) => mmTN(a, rows, aCols, b, bCols);
    const grads = new Map<string, Float32Array>();
    grads.set(
      this.kName,
      fast ? fast(cache.xArr!, this.inputDim, N, dZ, G, true) : mmTN(cache.x, N, this.inputDim, dZ, G),
    );
    grads.set(this.uName, this.impl.recurrentKernelGrad(hm, aux, dZ, N, H, tn));
    const db = new Float32Array(G);
    for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) db[g]! += dZ[n * G + g]!;
    grads.set(this.bName, db);
    if (!needInputGrad) return { grads };
    const kT = params.derived(`${this.kName}#T`, () => tf.transpose(params.tensor(this.kName)));
    return { grads, dx: mm(dZ, N, G, kT) };
  }
}
