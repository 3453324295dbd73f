/**
 * Classification heads over a sequence of per-frame CNN features.
 *
 *  'recurrent': 1–3 stacked LSTM/GRU layers (optionally bidirectional) → final state → dropout →
 *               dense softmax. Dropout between layers, optional recurrent (variational) dropout.
 *  'mean-mlp':  masked mean of the frames → dense(relu) → dropout → dense softmax. A baseline that
 *               by construction cannot see temporal order.
 *
 * Forward and backward are explicit (no tf autodiff tape); see recurrent.ts for why.
 */
import * as tf from '@tensorflow/tfjs';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { mm, mmTN } from './linalg.js';
import { glorotUniform, ParamStore } from './params.js';
import { softmaxRows } from './losses.js';
import { RecurrentLayer, type CellType, type RecurrentForward } from './recurrent.js';

export type HeadKind = 'recurrent' | 'mean-mlp';

export interface HeadConfig {
  kind: HeadKind;
  cell: CellType;
  /** Stacked recurrent layers, 1–3. */
  layers: number;
  /** Units per recurrent layer and direction; also the hidden width of the mean-mlp baseline. */
  hidden: number;
  bidirectional: boolean;
  /** Dropout rate between recurrent layers and on the pooled output. */
  dropout: number;
  /** Variational dropout on the recurrent state (one mask per sequence). */
  recurrentDropout: number;
  inputDim: number;
  numClasses: number;
}

export const DEFAULT_HEAD: Omit<HeadConfig, 'inputDim' | 'numClasses'> = {
  kind: 'recurrent',
  cell: 'lstm',
  layers: 1,
  hidden: 256,
  bidirectional: false,
  dropout: 0.3,
  recurrentDropout: 0,
};

/** A batch of clips, time-major: row t·B + b. x: [T·B·inputDim], mask: [T·B] (1 = real frame). */
export interface Batch {
  T: number;
  B: number;
  x: Float32Array;
  mask: Float32Array;
}

export function validateHeadConfig(c: HeadConfig): HeadConfig {
  const bad = (msg: string): never => {
    throw new FramewiseError('BAD_ARGUMENT', `Model settings: ${msg}`);
  };
  if (c.kind !== 'recurrent' && c.kind !== 'mean-mlp')
    bad(`kind must be "recurrent" or "mean-mlp" (got ${String(c.kind)})`);
  if (c.cell !== 'lstm' && c.cell !== 'gru') bad(`cell must be "lstm" or "gru" (got ${String(c.cell)})`);
  if (!Number.isInteger(c.layers) || c.layers < 1 || c.layers > 3) bad(`layers must be 1, 2 or 3 (got ${c.layers})`);
  if (!Number.isInteger(c.hidden) || c.hidden < 1 || c.hidden > 4096)
    bad(`hidden size must be 1–4096 (got ${c.hidden})`);
  for (const k of ['dropout', 'recurrentDropout'] as const)
    if (!(c[k] >= 0 && c[k] < 1)) bad(`${k} must be in [0, 1) (got ${c[k]})`);
  if (!Number.isInteger(c.inputDim) || c.inputDim < 1) bad(`inputDim must be a positive integer (got ${c.inputDim})`);
  if (!Number.isInteger(c.numClasses) || c.numClasses < 2) bad(`at least 2 classes are needed (got ${c.numClasses})`);
  return c;
}

interface ForwardCache {
  batch: Batch;
  tensors: tf.Tensor[];
  layerOut: RecurrentForward[][];
  interMasks: (Float32Array | null)[];
  pooled: Float32Array;
  pooledDrop: Float32Array;
  outMask: Float32Array | null;
  /** mean-mlp: hidden pre-dropout activations */
  hidden?: Float32Array;
}

function dropoutMask(rng: Rng, n: number, rate: number): Float32Array {
  const m = new Float32Array(n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) m[i] = rng.next() < rate ? 0 : keep;
  return m;
}

export class SequenceHead {
  readonly config: HeadConfig;
  readonly params: ParamStore;
  private readonly rnn: RecurrentLayer[][] = [];

  private constructor(config: HeadConfig, params: ParamStore | undefined, seed: number) {
    this.config = validateHeadConfig({ ...config });
    const c = this.config;
    const fresh = !params;
    this.params = params ?? new ParamStore();
    const rng = new Rng(seed);
    const dirs = c.bidirectional ? 2 : 1;
    if (c.kind === 'recurrent') {
      let inDim = c.inputDim;
      for (let l = 0; l < c.layers; l++) {
        const row = [new RecurrentLayer(c.cell, inDim, c.hidden, false, `${c.cell}_${l}/fwd`)];
        if (c.bidirectional) row.push(new RecurrentLayer(c.cell, inDim, c.hidden, true, `${c.cell}_${l}/bwd`));
        if (fresh) for (const layer of row) layer.init(this.params, rng);
        this.rnn.push(row);
        inDim = c.hidden * dirs;
      }
      if (fresh) this.addDense('output', c.hidden * dirs, c.numClasses, rng);
    } else if (fresh) {
      this.addDense('mlp_hidden', c.inputDim, c.hidden, rng);
      this.addDense('output', c.hidden, c.numClasses, rng);
    }
    if (!fresh) this.checkParams();
  }

  /** A freshly initialised head. Same config + seed → identical weights. */
  static create(config: HeadConfig, seed = 1): SequenceHead {
    return new SequenceHead(config, undefined, seed);
  }

  /** A head around existing weights (e.g. loaded from disk). */
  static fromParams(config: HeadConfig, params: ParamStore): SequenceHead {
    return new SequenceHead(config, params, 0);
  }

  private addDense(name: string, nIn: number, nOut: number, rng: Rng): void {
    this.params.add(`${name}/kernel`, [nIn, nOut], glorotUniform(rng, nIn, nOut, nIn * nOut));
    this.params.add(`${name}/bias`, [nOut], new Float32Array(nOut));
  }

  /** Names and shapes this config needs, in a stable order. */
  expectedShapes(): Map<string, number[]> {
    const probe = SequenceHead.create(this.config, 1);
    return probe.params.shapes;
  }

  private checkParams(): void {
    const want = this.expectedShapes();
    for (const [name, shape] of want) {
      const got = this.params.shapes.get(name);
      if (!got || got.join('x') !== shape.join('x')) {
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `Model weights do not fit the architecture: ${name} should be [${shape}] but is ${got ? `[${got}]` : 'missing'}.`,
        );
      }
    }
  }

  private dense(x: Float32Array, n: number, nIn: number, name: string): Float32Array {
    const y = mm(x, n, nIn, this.params.tensor(`${name}/kernel`));
    const b = this.params.get(`${name}/bias`);
    const nOut = b.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) y[i * nOut + j]! += b[j]!;
    return y;
  }

  private denseBackward(
    x: Float32Array,
    n: number,
    nIn: number,
    dy: Float32Array,
    name: string,
    grads: Map<string, Float32Array>,
    needDx: boolean,
  ): Float32Array | undefined {
    const nOut = this.params.get(`${name}/bias`).length;
    grads.set(`${name}/kernel`, mmTN(x, n, nIn, dy, nOut));
    const db = new Float32Array(nOut);
    for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) db[j]! += dy[i * nOut + j]!;
    grads.set(`${name}/bias`, db);
    if (!needDx) return undefined;
    const wT = this.params.derived(`${name}/kernel#T`, () => tf.transpose(this.params.tensor(`${name}/kernel`)));
    return mm(dy, n, nOut, wT);
  }

  /** Logits [B·numClasses]. With rng (training), dropout is applied. */
  forward(batch: Batch, rng?: Rng): { logits: Float32Array; cache: ForwardCache } {
    const c = this.config;
    const { T, B } = batch;
    if (batch.x.length !== T * B * c.inputDim) {
      throw new FramewiseError('BAD_ARGUMENT', `Batch has ${batch.x.length} values, expected ${T}×${B}×${c.inputDim}.`);
    }
    const training = rng !== undefined && c.dropout + c.recurrentDropout > 0;
    const cache: ForwardCache = {
      batch,
      tensors: [],
      layerOut: [],
      interMasks: [],
      pooled: new Float32Array(0),
      pooledDrop: new Float32Array(0),
      outMask: null,
    };
    let pooled: Float32Array;
    let P: number;
    if (c.kind === 'recurrent') {
      const H = c.hidden;
      const dirs = c.bidirectional ? 2 : 1;
      let input = tf.tensor2d(batch.x, [T * B, c.inputDim]);
      cache.tensors.push(input);
      for (let l = 0; l < this.rnn.length; l++) {
        const outs = this.rnn[l]!.map((layer) =>
          layer.forward(
            this.params,
            input,
            batch.mask,
            T,
            B,
            training && c.recurrentDropout > 0 ? dropoutMask(rng!, B * H, c.recurrentDropout) : null,
          ),
        );
        cache.layerOut.push(outs);
        if (l === this.rnn.length - 1) break;
        const next = new Float32Array(T * B * H * dirs);
        for (let n = 0; n < T * B; n++)
          for (let d = 0; d < dirs; d++) next.set(outs[d]!.seq.subarray(n * H, (n + 1) * H), (n * dirs + d) * H);
        const m = training && c.dropout > 0 ? dropoutMask(rng!, next.length, c.dropout) : null;
        if (m) for (let i = 0; i < next.length; i++) next[i]! *= m[i]!;
        cache.interMasks.push(m);
        input = tf.tensor2d(next, [T * B, H * dirs]);
        cache.tensors.push(input);
      }
      P = H * dirs;
      pooled = new Float32Array(B * P);
      const top = cache.layerOut[cache.layerOut.length - 1]!;
      for (let b = 0; b < B; b++)
        for (let d = 0; d < dirs; d++) pooled.set(top[d]!.last.subarray(b * H, (b + 1) * H), b * P + d * H);
    } else {
      const D = c.inputDim;
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
      cache.pooled = mean;
      const hidden = this.dense(mean, B, D, 'mlp_hidden');
      for (let i = 0; i < hidden.length; i++) if (hidden[i]! < 0) hidden[i] = 0;
      cache.hidden = hidden;
      pooled = hidden;
      P = c.hidden;
    }
    if (c.kind === 'recurrent') cache.pooled = pooled;
    const outMask = training && c.dropout > 0 ? dropoutMask(rng!, pooled.length, c.dropout) : null;
    const pooledDrop = outMask ? pooled.map((v, i) => v * outMask[i]!) : pooled;
    cache.outMask = outMask;
    cache.pooledDrop = pooledDrop;
    const logits = this.dense(pooledDrop, B, P, 'output');
    return { logits, cache };
  }

  /** Frees the tensors a forward pass kept for backward. */
  release(cache: ForwardCache): void {
    for (const t of cache.tensors) t.dispose();
    cache.tensors.length = 0;
  }

  /** Gradients of the loss w.r.t. every parameter, given dLoss/dLogits. Releases the cache. */
  backward(cache: ForwardCache, dLogits: Float32Array): Map<string, Float32Array> {
    const c = this.config;
    const { T, B } = cache.batch;
    const grads = new Map<string, Float32Array>();
    try {
      if (c.kind === 'recurrent') {
        const H = c.hidden;
        const dirs = c.bidirectional ? 2 : 1;
        const P = H * dirs;
        const dPooled = this.denseBackward(cache.pooledDrop, B, P, dLogits, 'output', grads, true)!;
        if (cache.outMask) for (let i = 0; i < dPooled.length; i++) dPooled[i]! *= cache.outMask[i]!;
        let dSeqs: (Float32Array | null)[] = new Array<Float32Array | null>(dirs).fill(null);
        const dLasts: (Float32Array | null)[] = [];
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
              cache.layerOut[l]![d]!.cache,
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
          const m = cache.interMasks[l - 1];
          if (m) for (let i = 0; i < dx!.length; i++) dx![i]! *= m[i]!;
          dSeqs = [];
          for (let d = 0; d < dirs; d++) {
            const ds = new Float32Array(T * B * H);
            for (let n = 0; n < T * B; n++) ds.set(dx!.subarray((n * dirs + d) * H, (n * dirs + d + 1) * H), n * H);
            dSeqs.push(ds);
          }
        }
      } else {
        const dHidden = this.denseBackward(cache.pooledDrop, B, c.hidden, dLogits, 'output', grads, true)!;
        for (let i = 0; i < dHidden.length; i++) {
          dHidden[i]! *= cache.outMask ? cache.outMask[i]! : 1;
          if (!(cache.hidden![i]! > 0)) dHidden[i] = 0;
        }
        this.denseBackward(cache.pooled, B, c.inputDim, dHidden, 'mlp_hidden', grads, false);
      }
    } finally {
      this.release(cache);
    }
    return grads;
  }

  /** Class probabilities [B·numClasses] (inference: no dropout). */
  predictProba(batch: Batch): Float32Array {
    const { logits, cache } = this.forward(batch);
    this.release(cache);
    return softmaxRows(logits, this.config.numClasses);
  }
}
