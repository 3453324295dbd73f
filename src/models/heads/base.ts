/**
 * What every classification head shares: its config, the batch it reads, and the top of the
 * network — dropout on the pooled features, then the dense softmax layer 'output'. A head kind
 * (recurrent-head.ts, mean-mlp-head.ts) supplies the part below: how a batch of clips becomes
 * pooled features [B·P], and that part's backward pass.
 *
 * Forward and backward are explicit (no tf autodiff tape); see recurrent.ts for why.
 */
import type * as tf from '@tensorflow/tfjs';
import { FramewiseError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import type { CellType } from '../cells.js';
import { addDense, dense, denseBackward, dropout, dropoutBackward, type Grads } from '../layers.js';
import { softmaxRows } from '../losses.js';
import { checkShapes, ParamStore } from '../params.js';
import { HEAD_KINDS, type HeadKind } from './registry.js';

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
  if (!(HEAD_KINDS as readonly string[]).includes(c.kind))
    bad(`kind must be ${HEAD_KINDS.map((k) => `"${k}"`).join(' or ')} (got ${String(c.kind)})`);
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

/** What a head kind's encoder returns: pooled features [B·P] and what its backward needs. */
export interface Encoded<S> {
  pooled: Float32Array;
  state: S;
  /** Tensors to free once backward has run (or right away at inference). */
  tensors: tf.Tensor[];
}

/** What a forward pass keeps for backward. */
export interface HeadCache<S = unknown> extends Encoded<S> {
  batch: Batch;
  /** Pooled features after dropout, and the dropout mask. */
  pooledDrop: Float32Array;
  outMask: Float32Array | null;
}

/** The interface every head has; training, inference and the model files use only this. */
export interface Head {
  readonly config: HeadConfig;
  readonly params: ParamStore;
  /** Logits [B·numClasses]. With rng (training), dropout is applied. */
  forward(batch: Batch, rng?: Rng): { logits: Float32Array; cache: HeadCache };
  /** Gradients of the loss w.r.t. every parameter, given dLoss/dLogits. Releases the cache. */
  backward(cache: HeadCache, dLogits: Float32Array): Grads;
  /** Frees the tensors a forward pass kept for backward. */
  release(cache: HeadCache): void;
  /** Class probabilities [B·numClasses] (inference: no dropout). */
  predictProba(batch: Batch): Float32Array;
}

export abstract class HeadBase<S> implements Head {
  readonly config: HeadConfig;
  readonly params: ParamStore;
  private readonly loaded: boolean;

  protected constructor(config: HeadConfig, params: ParamStore | undefined) {
    this.config = validateHeadConfig({ ...config });
    this.params = params ?? new ParamStore();
    this.loaded = params !== undefined;
  }

  /** Width P of the pooled features the output layer reads. */
  protected abstract get pooledWidth(): number;
  /** Adds the encoder's parameters (in a fixed order: same seed → same weights). */
  protected abstract initEncoder(params: ParamStore, rng: Rng): void;
  protected abstract encode(batch: Batch, rng?: Rng): Encoded<S>;
  /** Backward of encode: adds the encoder's gradients, given dLoss/dPooled (which it may modify). */
  protected abstract encodeBackward(cache: HeadCache<S>, dPooled: Float32Array, grads: Grads): void;

  /**
   * Called at the end of a subclass constructor: fresh weights from `seed`, or — around existing
   * weights — the check that they have the names and shapes this config needs.
   */
  protected initOrCheck(seed: number): void {
    const init = (params: ParamStore, rng: Rng): void => {
      this.initEncoder(params, rng);
      addDense(params, 'output', this.pooledWidth, this.config.numClasses, rng);
    };
    if (!this.loaded) return init(this.params, new Rng(seed));
    const want = new ParamStore();
    init(want, new Rng(1));
    checkShapes(this.params, want.shapes, 'Model weights');
  }

  forward(batch: Batch, rng?: Rng): { logits: Float32Array; cache: HeadCache<S> } {
    const c = this.config;
    const { T, B } = batch;
    if (batch.x.length !== T * B * c.inputDim) {
      throw new FramewiseError('BAD_ARGUMENT', `Batch has ${batch.x.length} values, expected ${T}×${B}×${c.inputDim}.`);
    }
    const encoded = this.encode(batch, rng);
    const { y: pooledDrop, mask: outMask } = dropout(encoded.pooled, c.dropout, rng);
    const logits = dense(this.params, 'output', pooledDrop, B, this.pooledWidth);
    return { logits, cache: { ...encoded, batch, pooledDrop, outMask } };
  }

  release(cache: HeadCache): void {
    for (const t of cache.tensors) t.dispose();
    cache.tensors.length = 0;
  }

  backward(cache: HeadCache<S>, dLogits: Float32Array): Grads {
    const grads: Grads = new Map();
    try {
      const { B } = cache.batch;
      const dPooled = denseBackward(
        this.params,
        'output',
        cache.pooledDrop,
        B,
        this.pooledWidth,
        dLogits,
        grads,
        true,
      )!;
      this.encodeBackward(cache, dropoutBackward(dPooled, cache.outMask), grads);
    } finally {
      this.release(cache);
    }
    return grads;
  }

  predictProba(batch: Batch): Float32Array {
    const { logits, cache } = this.forward(batch);
    this.release(cache);
    return softmaxRows(logits, this.config.numClasses);
  }
}
