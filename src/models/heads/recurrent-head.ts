/**
 * The 'recurrent' head: 1–3 stacked LSTM/GRU layers (optionally bidirectional) → final state →
 * dropout → dense softmax. Dropout between layers, optional recurrent (variational) dropout.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../util/rng.js';
import { dropout, dropoutMask, type Grads } from '../layers.js';
import type { ParamStore } from '../params.js';
import { RecurrentLayer, type RecurrentForward } from '../recurrent.js';
import { HeadBase, type Batch, type Encoded, type HeadCache, type HeadConfig } from './base.js';

interface RecurrentState {
  /** Per layer, per direction. */
  layerOut: RecurrentForward[][];
  /** Dropout masks on the input of layers 1… (null without dropout). */
  interMasks: (Float32Array | null)[];
}

export class RecurrentHead extends HeadBase<RecurrentState> {
  /** Per layer: the forward direction, then (bidirectional) the backward one. */
  private readonly rnn: RecurrentLayer[][] = [];

  constructor(config: HeadConfig, params: ParamStore | undefined, seed: number) {
    super(config, params);
    const c = this.config;
    let inDim = c.inputDim;
    for (let l = 0; l < c.layers; l++) {
      const row = [new RecurrentLayer(c.cell, inDim, c.hidden, false, `${c.cell}_${l}/fwd`)];
      if (c.bidirectional) row.push(new RecurrentLayer(c.cell, inDim, c.hidden, true, `${c.cell}_${l}/bwd`));
      this.rnn.push(row);
      inDim = c.hidden * this.dirs;
    }
    this.initOrCheck(seed);
  }

  private get dirs(): number {
    return this.config.bidirectional ? 2 : 1;
  }

  protected get pooledWidth(): number {
    return this.config.hidden * this.dirs;
  }

  protected initEncoder(params: ParamStore, rng: Rng): void {
    for (const row of this.rnn) for (const layer of row) layer.init(params, rng);
  }

  protected encode(batch: Batch, rng?: Rng): Encoded<RecurrentState> {
    const c = this.config;
    const { T, B } = batch;
    const H = c.hidden;
    const dirs = this.dirs;
    const tensors: tf.Tensor[] = [];
    const layerOut: RecurrentForward[][] = [];
    const interMasks: (Float32Array | null)[] = [];
    let input = tf.tensor2d(batch.x, [T * B, c.inputDim]);
    tensors.push(input);
    for (let l = 0; l < this.rnn.length; l++) {
      const outs = this.rnn[l]!.map((layer) =>
        layer.forward(
          this.params,
          input,
          batch.mask,
          T,
          B,
          rng && c.recurrentDropout > 0 ? dropoutMask(rng, B * H, c.recurrentDropout) : null,
        ),
      );
      layerOut.push(outs);
      if (l === this.rnn.length - 1) break;
      const next = new Float32Array(T * B * H * dirs);
      for (let n = 0; n < T * B; n++)
        for (let d = 0; d < dirs; d++) next.set(outs[d]!.seq.subarray(n * H, (n + 1) * H), (n * dirs + d) * H);
      const { y, mask } = dropout(next, c.dropout, rng);
      interMasks.push(mask);
      input = tf.tensor2d(y, [T * B, H * dirs]);
      tensors.push(input);
    }
    const P = H * dirs;
    const pooled = new Float32Array(B * P);
    const top = layerOut[layerOut.length - 1]!;
    for (let b = 0; b < B; b++)
      for (let d = 0; d < dirs; d++) pooled.set(top[d]!.last.subarray(b * H, (b + 1) * H), b * P + d * H);
    return { pooled, state: { layerOut, interMasks }, tensors };
  }

  protected encodeBackward(cache: HeadCache<RecurrentState>, dPooled: Float32Array, grads: Grads): void {
    const { T, B } = cache.batch;
    const { layerOut, interMasks } = cache.state;
    const H = this.config.hidden;
    const dirs = this.dirs;
    const P = H * dirs;
    let dSeqs: (Float32Array | null)[] = new Array<Float32Array | null>(dirs).fill(null);
    const dLasts: Float32Array[] = [];
    for (let d = 0; d < dirs; d++) {
      const dl = new Float32Array(B * H);
      for (let b = 0; b < B; b++) dl.set(dPooled.subarray(b * P + d * H, b * P + (d + 1) * H), b * H);
      dLasts.push(dl);
    }
    for (let l = this.rnn.length - 1; l >= 0; l--) {
      const top = l === this.rnn.length - 1;
      const needDx = l > 0;
      let dx: Float32Array | undefined;
      this.rnn[l]!.forEach((layer, d) => {
        const r = layer.backward(
          this.params,
          layerOut[l]![d]!.cache,
          top ? null : dSeqs[d]!,
          top ? dLasts[d]! : null,
          needDx,
        );
        for (const [k, v] of r.grads) grads.set(k, v);
        if (r.dx) {
          if (!dx) dx = r.dx;
          else for (let i = 0; i < dx.length; i++) dx[i]! += r.dx[i]!;
        }
      });
      if (!needDx) break;
      const m = interMasks[l - 1];
      if (m) for (let i = 0; i < dx!.length; i++) dx![i]! *= m[i]!;
      dSeqs = [];
      for (let d = 0; d < dirs; d++) {
        const ds = new Float32Array(T * B * H);
        for (let n = 0; n < T * B; n++) ds.set(dx!.subarray((n * dirs + d) * H, (n * dirs + d + 1) * H), n * H);
        dSeqs.push(ds);
      }
    }
  }
}
