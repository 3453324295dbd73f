/**
 * Adam on plain Float32Arrays, with global-norm gradient clipping and a learning-rate schedule.
 * Its state (step count and moments) goes into each checkpoint (adam-state.ts), so a resumed run
 * continues exactly as an uninterrupted one would.
 */
import type { ParamStore } from '../models/params.js';

export type LrSchedule = 'constant' | 'cosine' | 'step';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Clip gradients so their global L2 norm is at most this (0 = off). */
  clipNorm?: number;
}

export interface AdamState {
  t: number;
  moments: { name: string; m: Float32Array; v: Float32Array }[];
}

export class Adam {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;
  lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly clipNorm: number;

  constructor(opts: AdamOptions) {
    this.lr = opts.lr;
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-7;
    this.clipNorm = opts.clipNorm ?? 0;
  }

  /** The step count and moments, by parameter name (copies). */
  exportState(): AdamState {
    return {
      t: this.t,
      moments: [...this.m].map(([name, m]) => ({ name, m: m.slice(), v: this.v.get(name)!.slice() })),
    };
  }

  /** Continues from an exported state. */
  importState(state: AdamState): void {
    this.t = state.t;
    this.m.clear();
    this.v.clear();
    for (const { name, m, v } of state.moments) {
      this.m.set(name, m.slice());
      this.v.set(name, v.slice());
    }
  }

  /** Applies one update; returns the gradient global norm before clipping. */
  step(params: ParamStore, grads: Map<string, Float32Array>): number {
    let sq = 0;
    for (const g of grads.values()) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
    const norm = Math.sqrt(sq);
    const scale = this.clipNorm > 0 && norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.t++;
    const { b1, b2, eps } = this;
    const lrT = (this.lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    for (const [name, g] of grads) {
      const w = params.get(name);
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || !v) {
        m = new Float32Array(w.length);
        v = new Float32Array(w.length);
        this.m.set(name, m);
        this.v.set(name, v);
      }
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]! * scale;
        const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
        w[i]! -= (lrT * mi) / (Math.sqrt(vi) + eps);
      }
    }
    params.invalidate();
    return norm;
  }
}

/** Learning rate at a (fractional) epoch: linear warm-up over the first epoch, then the schedule. */
export function scheduledLr(
  base: number,
  schedule: LrSchedule,
  epoch: number,
  totalEpochs: number,
  opts: { warmupEpochs?: number; stepEvery?: number; stepGamma?: number; minFactor?: number } = {},
): number {
  const warm = opts.warmupEpochs ?? 0;
  if (warm > 0 && epoch < warm) return base * Math.max(0.05, (epoch + 1e-9) / warm);
  const minF = opts.minFactor ?? 0.05;
  switch (schedule) {
    case 'constant':
      return base;
    case 'step':
      return base * (opts.stepGamma ?? 0.5) ** Math.floor(epoch / (opts.stepEvery ?? 10));
    case 'cosine': {
      const p = Math.min(1, Math.max(0, (epoch - warm) / Math.max(1e-9, totalEpochs - warm)));
      return base * (minF + (1 - minF) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
  }
}
