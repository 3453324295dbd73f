/**
 * Luong et al. (2015) 'general' global attention, forward and backward: for a query row h (e.g. a
 * decoder state), scores h·W_a·m_j over the unmasked memory rows m_j (e.g. encoder outputs),
 * weights α = softmax(scores), context c = Σ α_j m_j, output h̃ = tanh([h ; c]·W_c + b_c).
 *
 * Parameters under `name`: `<name>/kernel` W_a [Hq, Hm] and the dense layer `<name>/combine`
 * [Hq + Hm → Hq]. Memory is time-major [Te·B·Hm] with a mask [Te·B]; query row n belongs to
 * sequence n mod B, so N = T·B decoder rows (training) and N = B (one decoding step) both work.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { activationBackward, addDense, dense, denseBackward, type Grads } from './layers.js';
import { mm, mmTN } from './linalg.js';
import { glorotUniform, type ParamStore } from './params.js';

export interface AttentionCache {
  /** h·W_a [N·Hm]. */
  q: Float32Array;
  /** Attention weights [N·Te] (0 at masked memory steps). */
  alpha: Float32Array;
  /** [h ; c] [N·(Hq+Hm)]. */
  u: Float32Array;
  /** The output h̃ = tanh(u·W_c + b_c) [N·Hq]. */
  a: Float32Array;
}

/** The memory attended over: [Te·B·Hm] time-major, mask [Te·B]. */
export interface AttentionMemory {
  Te: number;
  B: number;
  seq: Float32Array;
  mask: Float32Array;
}

export function addAttention(params: ParamStore, name: string, Hq: number, Hm: number, rng: Rng): void {
  params.add(`${name}/kernel`, [Hq, Hm], glorotUniform(rng, Hq, Hm, Hq * Hm));
  addDense(params, `${name}/combine`, Hq + Hm, Hq, rng);
}

function dims(params: ParamStore, name: string): { Hq: number; Hm: number } {
  const [Hq, Hm] = params.shapes.get(`${name}/kernel`)! as [number, number];
  return { Hq, Hm };
}

/** Attention for N query rows h [N·Hq]. */
export function attend(
  params: ParamStore,
  name: string,
  h: Float32Array,
  N: number,
  mem: AttentionMemory,
): AttentionCache {
  const { Hq, Hm } = dims(params, name);
  const { Te, B, seq, mask } = mem;
  const U = Hq + Hm;
  const q = mm(h, N, Hq, params.tensor(`${name}/kernel`));
  const alpha = new Float32Array(N * Te);
  const u = new Float32Array(N * U);
  for (let n = 0; n < N; n++) {
    const b = n % B;
    const qo = n * Hm;
    let mx = -Infinity;
    for (let j = 0; j < Te; j++) {
      if (!(mask[j * B + b]! > 0)) continue;
      const eo = (j * B + b) * Hm;
      let sc = 0;
      for (let k = 0; k < Hm; k++) sc += q[qo + k]! * seq[eo + k]!;
      alpha[n * Te + j] = sc;
      mx = Math.max(mx, sc);
    }
    let sum = 0;
    for (let j = 0; j < Te; j++) {
      if (!(mask[j * B + b]! > 0)) continue;
      sum += alpha[n * Te + j] = Math.exp(alpha[n * Te + j]! - mx);
    }
    u.set(h.subarray(n * Hq, (n + 1) * Hq), n * U);
    if (!(sum > 0)) continue;
    for (let j = 0; j < Te; j++) {
      const w = (alpha[n * Te + j]! /= sum);
      if (w === 0) continue;
      const eo = (j * B + b) * Hm;
      for (let k = 0; k < Hm; k++) u[n * U + Hq + k]! += w * seq[eo + k]!;
    }
  }
  const a = dense(params, `${name}/combine`, u, N, U, 'tanh');
  return { q, alpha, u, a };
}

/**
 * Backward of {@link attend}: given dLoss/dh̃ (used up), adds the parameter gradients and returns
 * dLoss/dh [N·Hq] and dLoss/dmemory [Te·B·Hm].
 */
export function attendBackward(
  params: ParamStore,
  name: string,
  cache: AttentionCache,
  dA: Float32Array,
  h: Float32Array,
  N: number,
  mem: AttentionMemory,
  grads: Grads,
): { dh: Float32Array; dMemory: Float32Array } {
  const { Hq, Hm } = dims(params, name);
  const { Te, B, seq } = mem;
  const U = Hq + Hm;
  const { q, alpha, u, a } = cache;
  const dU = denseBackward(params, `${name}/combine`, u, N, U, activationBackward('tanh', a, dA), grads, true)!;
  const dh = new Float32Array(N * Hq);
  const dq = new Float32Array(N * Hm);
  const dMemory = new Float32Array(Te * B * Hm);
  const dAlpha = new Float64Array(Te);
  for (let n = 0; n < N; n++) {
    const b = n % B;
    dh.set(dU.subarray(n * U, n * U + Hq), n * Hq);
    const dco = n * U + Hq;
    let s = 0;
    for (let j = 0; j < Te; j++) {
      const w = alpha[n * Te + j]!;
      if (w === 0) {
        dAlpha[j] = 0;
        continue;
      }
      const eo = (j * B + b) * Hm;
      let d = 0;
      for (let k = 0; k < Hm; k++) {
        d += dU[dco + k]! * seq[eo + k]!;
        dMemory[eo + k]! += w * dU[dco + k]!;
      }
      dAlpha[j] = d;
      s += w * d;
    }
    for (let j = 0; j < Te; j++) {
      const w = alpha[n * Te + j]!;
      if (w === 0) continue;
      const ds = w * (dAlpha[j]! - s);
      const eo = (j * B + b) * Hm;
      for (let k = 0; k < Hm; k++) {
        dq[n * Hm + k]! += ds * seq[eo + k]!;
        dMemory[eo + k]! += ds * q[n * Hm + k]!;
      }
    }
  }
  grads.set(`${name}/kernel`, mmTN(h, N, Hq, dq, Hm));
  const kT = params.derived(`${name}/kernel#T`, () => tf.transpose(params.tensor(`${name}/kernel`)));
  const dh2 = mm(dq, N, Hm, kT);
  for (let i = 0; i < dh.length; i++) dh[i]! += dh2[i]!;
  return { dh, dMemory };
}
