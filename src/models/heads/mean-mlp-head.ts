/**
 * The 'mean-mlp' baseline: masked mean of the frames → dense(relu) → dropout → dense softmax. By
 * construction it cannot see temporal order, which is what it is for: a check whether order
 * matters at all.
 */
import type { Rng } from '../../util/rng.js';
import { activationBackward, addDense, dense, denseBackward, type Grads } from '../layers.js';
import type { ParamStore } from '../params.js';
import { HeadBase, type Batch, type Encoded, type HeadCache, type HeadConfig } from './base.js';

interface MeanState {
  /** Masked mean of the frames [B·inputDim]. */
  mean: Float32Array;
}

export class MeanMlpHead extends HeadBase<MeanState> {
  constructor(config: HeadConfig, params: ParamStore | undefined, seed: number) {
    super(config, params);
    this.initOrCheck(seed);
  }

  protected get pooledWidth(): number {
    return this.config.hidden;
  }

  protected initEncoder(params: ParamStore, rng: Rng): void {
    addDense(params, 'mlp_hidden', this.config.inputDim, this.config.hidden, rng);
  }

  protected encode(batch: Batch): Encoded<MeanState> {
    const { T, B } = batch;
    const D = this.config.inputDim;
    const mean = new Float32Array(B * D);
    const cnt = new Float32Array(B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const m = batch.mask[t * B + b]!;
        if (!(m > 0)) continue;
        cnt[b]! += 1;
        const o = (t * B + b) * D;
        for (let d = 0; d < D; d++) mean[b * D + d]! += batch.x[o + d]!;
      }
    }
    for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) mean[b * D + d]! /= Math.max(1, cnt[b]!);
    const pooled = dense(this.params, 'mlp_hidden', mean, B, D, 'relu');
    return { pooled, state: { mean }, tensors: [] };
  }

  protected encodeBackward(cache: HeadCache<MeanState>, dPooled: Float32Array, grads: Grads): void {
    activationBackward('relu', cache.pooled, dPooled);
    denseBackward(
      this.params,
      'mlp_hidden',
      cache.state.mean,
      cache.batch.B,
      this.config.inputDim,
      dPooled,
      grads,
      false,
    );
  }
}
