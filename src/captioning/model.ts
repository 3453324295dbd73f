/**
 * S2VT-style encoder–decoder captioner over per-frame CNN features (docs/captioning-model.md).
 *
 *  encoder: one LSTM/GRU over the segment's normalised features, resampled / padded to `steps`
 *           frames (padded steps masked; the final state is carried over them).
 *  context: the encoder's final hidden state ctx [B, He].
 *  decoder: one LSTM/GRU language model. Its input at every step is [embedding(w_{t-1}) ; ctx]
 *           (the context is concatenated at each step rather than copied into the initial state, so
 *           the existing RecurrentLayer — which starts from a zero state — is reused unchanged for
 *           training, and the decoder never "forgets" the video on long sentences).
 *  output:  dense Hd → V, softmax cross-entropy over the non-<pad> targets (teacher forcing).
 *
 * Forward/backward are explicit like models/head.ts: the two recurrent layers come from
 * models/recurrent.ts (input projection as one GEMM, per-step loops); the embedding, concatenation
 * and output projection are written here. For decoding there is a step API (`prepare` + `step`) in
 * plain loops: the embedding's share of the decoder input projection is precomputed per vocabulary
 * entry and the context's share once per sequence, so a step costs one [B,Hd]×[Hd,G] product plus
 * the output projection.
 */
import * as tf from '@tensorflow/tfjs';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import type { Batch } from '../models/head.js';
import { mm, mmTN } from '../models/linalg.js';
import { sequenceCrossEntropy } from '../models/losses.js';
import { glorotUniform, ParamStore } from '../models/params.js';
import { RecurrentLayer, type CellType, type RecurrentForward } from '../models/recurrent.js';
import { frameAt, type Normalizer, type VideoFeatures } from '../training/dataset.js';
import { PAD_ID, type Vocabulary } from './tokenizer.js';

export interface CaptionModelConfig {
  cell: CellType;
  /** Feature size of the CNN backbone. */
  inputDim: number;
  vocabSize: number;
  embedDim: number;
  encoderHidden: number;
  decoderHidden: number;
  /** Dropout on the decoder outputs before the vocabulary projection (training only). */
  dropout: number;
  /**
   * 'none': the vocabulary projection reads the decoder state h_t. 'general': Luong et al. (2015)
   * global attention on top of the decoder, α_tj = softmax_j(h_t·W_a·e_j) over the (unmasked)
   * encoder outputs e_j, c_t = Σ α_tj e_j, h̃_t = tanh([h_t ; c_t]·W_c + b_c) → vocabulary.
   */
  attention?: 'none' | 'general';
}

export const DEFAULT_CAPTION_MODEL: Omit<CaptionModelConfig, 'inputDim' | 'vocabSize'> = {
  cell: 'lstm',
  embedDim: 64,
  encoderHidden: 128,
  decoderHidden: 128,
  dropout: 0,
  attention: 'none',
};

export function validateCaptionModelConfig(c: CaptionModelConfig): CaptionModelConfig {
  const bad = (msg: string): never => {
    throw new FramewiseError('BAD_ARGUMENT', `Captioning model settings: ${msg}`);
  };
  if (c.cell !== 'lstm' && c.cell !== 'gru') bad(`cell must be "lstm" or "gru" (got ${String(c.cell)})`);
  for (const k of ['inputDim', 'embedDim', 'encoderHidden', 'decoderHidden'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1 || c[k] > 8192) bad(`${k} must be an integer 1–8192 (got ${c[k]})`);
  if (!Number.isInteger(c.vocabSize) || c.vocabSize < 5)
    bad(`the vocabulary needs at least one word besides the 4 special tokens (size ${c.vocabSize})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) bad(`dropout must be in [0, 1) (got ${c.dropout})`);
  if (c.attention !== undefined && c.attention !== 'none' && c.attention !== 'general')
    bad(`attention must be "none" or "general" (got ${String(c.attention)})`);
  return c;
}

/** Teacher-forced decoder batch, time-major (row t·B + b). targets PAD_ID = ignored. */
export interface DecoderBatch {
  T: number;
  B: number;
  /** Input token ids [T·B]: <bos> w1 … wk (then <pad>). */
  inputs: Int32Array;
  /** Target ids [T·B]: w1 … wk <eos> (then <pad>). */
  targets: Int32Array;
}

export interface CaptionForwardCache {
  enc: Batch;
  dec: DecoderBatch;
  tensors: tf.Tensor[];
  encOut: RecurrentForward;
  decOut: RecurrentForward;
  ctx: Float32Array;
  /** Decoder outputs after dropout [T·B·Hd]. */
  hDrop: Float32Array;
  dropMask: Float32Array | null;
  att: AttentionCache | null;
}

interface AttentionCache {
  /** h·W_a [N·He]. */
  q: Float32Array;
  /** Attention weights [N·Te] (0 at masked encoder steps). */
  alpha: Float32Array;
  /** [h ; c] [N·(Hd+He)]. */
  u: Float32Array;
  /** tanh(u·W_c + b_c) [N·Hd] (before dropout). */
  a: Float32Array;
}

/** Decoder recurrent state for B sequences (c unused for GRU). */
export interface DecoderState {
  h: Float32Array;
  c: Float32Array;
}

/** Per-sequence constants for stepping: the context's share of the decoder input projection. */
export interface DecoderContext {
  B: number;
  /** ctx·K_ctx + bias [B·G]. */
  ctxProj: Float32Array;
  /** Attention memory: encoder outputs batch-major [B·Te·He] and their mask [B·Te] (Te = 0 without attention). */
  Te: number;
  memory: Float32Array;
  memMask: Float32Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export class CaptionModel {
  readonly config: CaptionModelConfig;
  readonly params: ParamStore;
  readonly encoder: RecurrentLayer;
  readonly decoder: RecurrentLayer;
  /** Cached for the step API (invalidated when the weights change). */
  private stepCache: { key: tf.Tensor; embProj: Float32Array } | null = null;

  private constructor(config: CaptionModelConfig, params: ParamStore | undefined, seed: number) {
    this.config = validateCaptionModelConfig({ ...config });
    const c = this.config;
    this.encoder = new RecurrentLayer(c.cell, c.inputDim, c.encoderHidden, false, `encoder/${c.cell}`);
    this.decoder = new RecurrentLayer(
      c.cell,
      c.embedDim + c.encoderHidden,
      c.decoderHidden,
      false,
      `decoder/${c.cell}`,
    );
    if (params) {
      this.params = params;
      this.checkParams();
      return;
    }
    this.params = new ParamStore();
    const rng = new Rng(seed);
    this.encoder.init(this.params, rng);
    this.decoder.init(this.params, rng);
    const emb = new Float32Array(c.vocabSize * c.embedDim);
    for (let i = 0; i < emb.length; i++) emb[i] = (rng.next() * 2 - 1) * 0.1;
    emb.fill(0, 0, c.embedDim); // <pad> row
    this.params.add('embedding/embeddings', [c.vocabSize, c.embedDim], emb);
    if (c.attention === 'general') {
      const He = c.encoderHidden;
      const Hd = c.decoderHidden;
      this.params.add('attention/kernel', [Hd, He], glorotUniform(rng, Hd, He, Hd * He));
      this.params.add('attention/combine/kernel', [Hd + He, Hd], glorotUniform(rng, Hd + He, Hd, (Hd + He) * Hd));
      this.params.add('attention/combine/bias', [Hd], new Float32Array(Hd));
    }
    this.params.add(
      'output/kernel',
      [c.decoderHidden, c.vocabSize],
      glorotUniform(rng, c.decoderHidden, c.vocabSize, c.decoderHidden * c.vocabSize),
    );
    this.params.add('output/bias', [c.vocabSize], new Float32Array(c.vocabSize));
  }

  /** Freshly initialised model; same config + seed → identical weights. */
  static create(config: CaptionModelConfig, seed = 1): CaptionModel {
    return new CaptionModel(config, undefined, seed);
  }

  /** A model around existing weights (e.g. loaded from disk); shapes are checked. */
  static fromParams(config: CaptionModelConfig, params: ParamStore): CaptionModel {
    return new CaptionModel(config, params, 0);
  }

  private checkParams(): void {
    const want = CaptionModel.create(this.config, 1).params.shapes;
    for (const [name, shape] of want) {
      const got = this.params.shapes.get(name);
      if (!got || got.join('x') !== shape.join('x')) {
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `Captioning weights do not fit the architecture: ${name} should be [${shape}] but is ${got ? `[${got}]` : 'missing'}.`,
        );
      }
    }
  }

  // ------------------------------------------------------------------------------------ training

  /** Logits [T·B·V] of a teacher-forced batch. With rng (training), dropout is applied. */
  forward(enc: Batch, dec: DecoderBatch, rng?: Rng): { logits: Float32Array; cache: CaptionForwardCache } {
    const c = this.config;
    if (enc.B !== dec.B) throw new FramewiseError('BAD_ARGUMENT', 'encoder and decoder batches differ in size');
    if (enc.x.length !== enc.T * enc.B * c.inputDim)
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `feature batch has ${enc.x.length} values, expected ${enc.T}×${enc.B}×${c.inputDim}`,
      );
    const { B } = enc;
    const He = c.encoderHidden;
    const E = c.embedDim;
    const Hd = c.decoderHidden;
    const Din = E + He;
    const tensors: tf.Tensor[] = [];
    const xEnc = tf.tensor2d(enc.x, [enc.T * B, c.inputDim]);
    tensors.push(xEnc);
    const encOut = this.encoder.forward(this.params, xEnc, enc.mask, enc.T, B, null);
    const ctx = encOut.last.slice();
    const T = dec.T;
    const emb = this.params.get('embedding/embeddings');
    const xDec = new Float32Array(T * B * Din);
    const decMask = new Float32Array(T * B);
    for (let n = 0; n < T * B; n++) {
      const b = n % B;
      const tok = dec.inputs[n]!;
      xDec.set(emb.subarray(tok * E, (tok + 1) * E), n * Din);
      xDec.set(ctx.subarray(b * He, (b + 1) * He), n * Din + E);
      decMask[n] = dec.targets[n] !== PAD_ID ? 1 : 0;
    }
    const xDecT = tf.tensor2d(xDec, [T * B, Din]);
    tensors.push(xDecT);
    const decOut = this.decoder.forward(this.params, xDecT, decMask, T, B, null);
    let att: AttentionCache | null = null;
    let hDrop = decOut.seq;
    if (c.attention === 'general') {
      att = this.attend(decOut.seq, T * B, B, encOut.seq, enc.mask, enc.T);
      hDrop = att.a;
    }
    let dropMask: Float32Array | null = null;
    if (rng && c.dropout > 0) {
      dropMask = new Float32Array(hDrop.length);
      const keep = 1 / (1 - c.dropout);
      for (let i = 0; i < dropMask.length; i++) dropMask[i] = rng.next() < c.dropout ? 0 : keep;
      hDrop = hDrop.map((v, i) => v * dropMask![i]!);
    }
    const logits = mm(hDrop, T * B, Hd, this.params.tensor('output/kernel'));
    const bias = this.params.get('output/bias');
    const V = c.vocabSize;
    for (let n = 0; n < T * B; n++) for (let v = 0; v < V; v++) logits[n * V + v]! += bias[v]!;
    return { logits, cache: { enc, dec, tensors, encOut, decOut, ctx, hDrop, dropMask, att } };
  }

  release(cache: CaptionForwardCache): void {
    for (const t of cache.tensors) t.dispose();
    cache.tensors.length = 0;
  }

  /** Gradients of the loss w.r.t. every parameter, given dLoss/dLogits. Releases the cache. */
  backward(cache: CaptionForwardCache, dLogits: Float32Array): Map<string, Float32Array> {
    const c = this.config;
    const { dec } = cache;
    const { T, B } = dec;
    const V = c.vocabSize;
    const Hd = c.decoderHidden;
    const He = c.encoderHidden;
    const E = c.embedDim;
    const Din = E + He;
    const grads = new Map<string, Float32Array>();
    try {
      const N = T * B;
      grads.set('output/kernel', mmTN(cache.hDrop, N, Hd, dLogits, V));
      const db = new Float32Array(V);
      for (let n = 0; n < N; n++) for (let v = 0; v < V; v++) db[v]! += dLogits[n * V + v]!;
      grads.set('output/bias', db);
      const wT = this.params.derived('output/kernel#T', () => tf.transpose(this.params.tensor('output/kernel')));
      const dH = mm(dLogits, N, V, wT);
      if (cache.dropMask) for (let i = 0; i < dH.length; i++) dH[i]! *= cache.dropMask[i]!;
      let dEncSeq: Float32Array | null = null;
      let dDec = dH;
      if (cache.att) {
        const r = this.attendBackward(cache.att, dH, cache.decOut.seq, N, B, cache.encOut.seq, cache.enc.T, grads);
        dDec = r.dh;
        dEncSeq = r.dEnc;
      }
      const d = this.decoder.backward(this.params, cache.decOut.cache, dDec, null, true);
      for (const [k, v] of d.grads) grads.set(k, v);
      const dx = d.dx!;
      const dEmb = new Float32Array(V * E);
      const dCtx = new Float32Array(B * He);
      for (let n = 0; n < N; n++) {
        const tok = dec.inputs[n]!;
        const b = n % B;
        const o = n * Din;
        for (let e = 0; e < E; e++) dEmb[tok * E + e]! += dx[o + e]!;
        for (let h = 0; h < He; h++) dCtx[b * He + h]! += dx[o + E + h]!;
      }
      grads.set('embedding/embeddings', dEmb);
      const r = this.encoder.backward(this.params, cache.encOut.cache, dEncSeq, dCtx, false);
      for (const [k, v] of r.grads) grads.set(k, v);
    } finally {
      this.release(cache);
    }
    return grads;
  }

  /** Mean token loss and gradients of one teacher-forced batch. */
  lossAndGrads(
    enc: Batch,
    dec: DecoderBatch,
    rng?: Rng,
  ): { loss: number; tokens: number; grads: Map<string, Float32Array> } {
    const { logits, cache } = this.forward(enc, dec, rng);
    const r = sequenceCrossEntropy(logits, dec.targets, this.config.vocabSize, PAD_ID);
    const grads = this.backward(cache, r.dLogits);
    return { loss: r.loss, tokens: r.tokens, grads };
  }

  /** Mean token loss of a batch (no dropout, no gradients). */
  evaluate(enc: Batch, dec: DecoderBatch): { loss: number; tokens: number } {
    const { logits, cache } = this.forward(enc, dec);
    this.release(cache);
    const r = sequenceCrossEntropy(logits, dec.targets, this.config.vocabSize, PAD_ID);
    return { loss: r.loss, tokens: r.tokens };
  }

  // ----------------------------------------------------------------------------------- attention

  private transposedParam(name: string): tf.Tensor {
    return this.params.derived(`${name}#T`, () => tf.transpose(this.params.tensor(name)));
  }

  /** Luong 'general' attention for N decoder rows (row n belongs to segment n mod B). */
  private attend(
    h: Float32Array,
    N: number,
    B: number,
    encSeq: Float32Array,
    encMask: Float32Array,
    Te: number,
  ): AttentionCache {
    const Hd = this.config.decoderHidden;
    const He = this.config.encoderHidden;
    const U = Hd + He;
    const q = mm(h, N, Hd, this.params.tensor('attention/kernel'));
    const alpha = new Float32Array(N * Te);
    const u = new Float32Array(N * U);
    for (let n = 0; n < N; n++) {
      const b = n % B;
      const qo = n * He;
      let mx = -Infinity;
      for (let j = 0; j < Te; j++) {
        if (!(encMask[j * B + b]! > 0)) continue;
        const eo = (j * B + b) * He;
        let sc = 0;
        for (let k = 0; k < He; k++) sc += q[qo + k]! * encSeq[eo + k]!;
        alpha[n * Te + j] = sc;
        mx = Math.max(mx, sc);
      }
      let sum = 0;
      for (let j = 0; j < Te; j++) {
        if (!(encMask[j * B + b]! > 0)) continue;
        sum += alpha[n * Te + j] = Math.exp(alpha[n * Te + j]! - mx);
      }
      u.set(h.subarray(n * Hd, (n + 1) * Hd), n * U);
      if (!(sum > 0)) continue;
      for (let j = 0; j < Te; j++) {
        const w = (alpha[n * Te + j]! /= sum);
        if (w === 0) continue;
        const eo = (j * B + b) * He;
        for (let k = 0; k < He; k++) u[n * U + Hd + k]! += w * encSeq[eo + k]!;
      }
    }
    const a = mm(u, N, U, this.params.tensor('attention/combine/kernel'));
    const bc = this.params.get('attention/combine/bias');
    for (let n = 0; n < N; n++) for (let k = 0; k < Hd; k++) a[n * Hd + k] = Math.tanh(a[n * Hd + k]! + bc[k]!);
    return { q, alpha, u, a };
  }

  private attendBackward(
    att: AttentionCache,
    dA: Float32Array,
    h: Float32Array,
    N: number,
    B: number,
    encSeq: Float32Array,
    Te: number,
    grads: Map<string, Float32Array>,
  ): { dh: Float32Array; dEnc: Float32Array } {
    const Hd = this.config.decoderHidden;
    const He = this.config.encoderHidden;
    const U = Hd + He;
    const { q, alpha, u, a } = att;
    const dPre = new Float32Array(N * Hd);
    for (let i = 0; i < dPre.length; i++) dPre[i] = dA[i]! * (1 - a[i]! * a[i]!);
    grads.set('attention/combine/kernel', mmTN(u, N, U, dPre, Hd));
    const dbc = new Float32Array(Hd);
    for (let n = 0; n < N; n++) for (let k = 0; k < Hd; k++) dbc[k]! += dPre[n * Hd + k]!;
    grads.set('attention/combine/bias', dbc);
    const dU = mm(dPre, N, Hd, this.transposedParam('attention/combine/kernel'));
    const dh = new Float32Array(N * Hd);
    const dq = new Float32Array(N * He);
    const dEnc = new Float32Array(Te * B * He);
    const dAlpha = new Float64Array(Te);
    for (let n = 0; n < N; n++) {
      const b = n % B;
      dh.set(dU.subarray(n * U, n * U + Hd), n * Hd);
      const dco = n * U + Hd;
      let s = 0;
      for (let j = 0; j < Te; j++) {
        const w = alpha[n * Te + j]!;
        if (w === 0) {
          dAlpha[j] = 0;
          continue;
        }
        const eo = (j * B + b) * He;
        let d = 0;
        for (let k = 0; k < He; k++) {
          d += dU[dco + k]! * encSeq[eo + k]!;
          dEnc[eo + k]! += w * dU[dco + k]!;
        }
        dAlpha[j] = d;
        s += w * d;
      }
      for (let j = 0; j < Te; j++) {
        const w = alpha[n * Te + j]!;
        if (w === 0) continue;
        const ds = w * (dAlpha[j]! - s);
        const eo = (j * B + b) * He;
        for (let k = 0; k < He; k++) {
          dq[n * He + k]! += ds * encSeq[eo + k]!;
          dEnc[eo + k]! += ds * q[n * He + k]!;
        }
      }
    }
    grads.set('attention/kernel', mmTN(h, N, Hd, dq, He));
    const dh2 = mm(dq, N, He, this.transposedParam('attention/kernel'));
    for (let i = 0; i < dh.length; i++) dh[i]! += dh2[i]!;
    return { dh, dEnc };
  }

  // ------------------------------------------------------------------------------------ decoding

  /** Runs the encoder over a feature batch and returns what decoding needs (see {@link step}). */
  prepare(enc: Batch): DecoderContext {
    const c = this.config;
    if (enc.x.length !== enc.T * enc.B * c.inputDim)
      throw new FramewiseError('BAD_ARGUMENT', `feature batch does not match the model's feature size ${c.inputDim}`);
    const { T: Te, B } = enc;
    const He = c.encoderHidden;
    const x = tf.tensor2d(enc.x, [Te * B, c.inputDim]);
    let out: RecurrentForward;
    try {
      out = this.encoder.forward(this.params, x, enc.mask, Te, B, null);
    } finally {
      x.dispose();
    }
    const G = this.decoder.gates * c.decoderHidden;
    const k = this.params.get(this.decoder.kName);
    const kCtx = tf.tensor2d(k.subarray(c.embedDim * G), [He, G]);
    const ctxProj = mm(out.last, B, He, kCtx);
    kCtx.dispose();
    const bias = this.params.get(this.decoder.bName);
    for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) ctxProj[b * G + g]! += bias[g]!;
    if (c.attention !== 'general')
      return { B, ctxProj, Te: 0, memory: new Float32Array(0), memMask: new Float32Array(0) };
    const memory = new Float32Array(B * Te * He);
    const memMask = new Float32Array(B * Te);
    for (let t = 0; t < Te; t++)
      for (let b = 0; b < B; b++) {
        memory.set(out.seq.subarray((t * B + b) * He, (t * B + b + 1) * He), (b * Te + t) * He);
        memMask[b * Te + t] = enc.mask[t * B + b]!;
      }
    return { B, ctxProj, Te, memory, memMask };
  }

  /** A context of `copies` rows, all equal to row `item` of dc (a beam of one segment). */
  replicate(dc: DecoderContext, item: number, copies: number): DecoderContext {
    const G = dc.ctxProj.length / dc.B;
    const M = dc.Te * this.config.encoderHidden;
    const rows = new Array<number>(copies).fill(item);
    return {
      B: copies,
      ctxProj: CaptionModel.selectRows(dc.ctxProj, G, rows),
      Te: dc.Te,
      memory: CaptionModel.selectRows(dc.memory, M, rows),
      memMask: CaptionModel.selectRows(dc.memMask, dc.Te, rows),
    };
  }

  /** emb·K_emb for every vocabulary entry [V·G], recomputed after ParamStore.invalidate(). */
  private embeddingProjection(): Float32Array {
    const c = this.config;
    const G = this.decoder.gates * c.decoderHidden;
    const t = this.params.derived('caption#embProj', () =>
      tf.matMul(
        this.params.tensor('embedding/embeddings') as tf.Tensor2D,
        tf.slice(this.params.tensor(this.decoder.kName), [0, 0], [c.embedDim, G]) as tf.Tensor2D,
      ),
    );
    if (this.stepCache?.key !== t) this.stepCache = { key: t, embProj: t.dataSync() as Float32Array };
    return this.stepCache.embProj;
  }

  initialState(B: number): DecoderState {
    const H = this.config.decoderHidden;
    return { h: new Float32Array(B * H), c: new Float32Array(B * H) };
  }

  /** Gathers rows of a context / state (beam search reorders hypotheses). */
  static selectRows(a: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
    const out = new Float32Array(rows.length * width);
    for (let i = 0; i < rows.length; i++) out.set(a.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
    return out;
  }

  /**
   * One decoder step for B sequences: previous tokens [B] + state → log-probabilities [B·V] of the
   * next token and the new state. Matches {@link forward} (up to float rounding).
   */
  step(
    dc: DecoderContext,
    state: DecoderState,
    tokens: ArrayLike<number>,
  ): { logProbs: Float32Array; state: DecoderState } {
    const c = this.config;
    const H = c.decoderHidden;
    const V = c.vocabSize;
    const B = dc.B;
    const G = this.decoder.gates * H;
    const embProj = this.embeddingProjection();
    const U = this.params.get(this.decoder.uName);
    const z = new Float64Array(G);
    const h2 = new Float32Array(B * H);
    const c2 = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const tok = tokens[b]!;
      for (let g = 0; g < G; g++) z[g] = dc.ctxProj[b * G + g]! + embProj[tok * G + g]!;
      const hb = b * H;
      if (c.cell === 'lstm') {
        for (let i = 0; i < H; i++) {
          const hv = state.h[hb + i]!;
          if (hv === 0) continue;
          const row = i * G;
          for (let g = 0; g < G; g++) z[g]! += hv * U[row + g]!;
        }
        for (let j = 0; j < H; j++) {
          const ig = sigmoid(z[j]!);
          const fg = sigmoid(z[H + j]!);
          const gg = Math.tanh(z[2 * H + j]!);
          const og = sigmoid(z[3 * H + j]!);
          const cn = fg * state.c[hb + j]! + ig * gg;
          c2[hb + j] = cn;
          h2[hb + j] = og * Math.tanh(cn);
        }
      } else {
        // tfjs reset-before GRU: z, r from h; h̃ from (r ⊙ h)·U_h.
        for (let i = 0; i < H; i++) {
          const hv = state.h[hb + i]!;
          if (hv === 0) continue;
          const row = i * G;
          for (let g = 0; g < 2 * H; g++) z[g]! += hv * U[row + g]!;
        }
        const rh = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          z[j] = sigmoid(z[j]!);
          rh[j] = sigmoid(z[H + j]!) * state.h[hb + j]!;
        }
        for (let i = 0; i < H; i++) {
          const v = rh[i]!;
          if (v === 0) continue;
          const row = i * G + 2 * H;
          for (let j = 0; j < H; j++) z[2 * H + j]! += v * U[row + j]!;
        }
        for (let j = 0; j < H; j++) {
          const hh = Math.tanh(z[2 * H + j]!);
          const zg = z[j]!;
          h2[hb + j] = zg * state.h[hb + j]! + (1 - zg) * hh;
        }
      }
    }
    const top = c.attention === 'general' ? this.attendStep(dc, h2) : h2;
    const W = this.params.get('output/kernel');
    const bias = this.params.get('output/bias');
    const logProbs = new Float32Array(B * V);
    const row = new Float64Array(V);
    for (let b = 0; b < B; b++) {
      for (let v = 0; v < V; v++) row[v] = bias[v]!;
      for (let i = 0; i < H; i++) {
        const hv = top[b * H + i]!;
        const o = i * V;
        for (let v = 0; v < V; v++) row[v]! += hv * W[o + v]!;
      }
      let mx = -Infinity;
      for (let v = 0; v < V; v++) mx = Math.max(mx, row[v]!);
      let s = 0;
      for (let v = 0; v < V; v++) s += Math.exp(row[v]! - mx);
      const lse = mx + Math.log(s);
      for (let v = 0; v < V; v++) logProbs[b * V + v] = row[v]! - lse;
    }
    return { logProbs, state: { h: h2, c: c2 } };
  }

  /** Attention for one decoder step: h [B·Hd] → h̃ [B·Hd] (plain loops, matches attend()). */
  private attendStep(dc: DecoderContext, h: Float32Array): Float32Array {
    const Hd = this.config.decoderHidden;
    const He = this.config.encoderHidden;
    const { B, Te, memory, memMask } = dc;
    const Wa = this.params.get('attention/kernel');
    const Wc = this.params.get('attention/combine/kernel');
    const bc = this.params.get('attention/combine/bias');
    const out = new Float32Array(B * Hd);
    const q = new Float64Array(He);
    const u = new Float64Array(Hd + He);
    const sc = new Float64Array(Te);
    const z = new Float64Array(Hd);
    for (let b = 0; b < B; b++) {
      q.fill(0);
      for (let i = 0; i < Hd; i++) {
        const hv = h[b * Hd + i]!;
        for (let k = 0; k < He; k++) q[k]! += hv * Wa[i * He + k]!;
      }
      let mx = -Infinity;
      for (let j = 0; j < Te; j++) {
        if (!(memMask[b * Te + j]! > 0)) continue;
        const eo = (b * Te + j) * He;
        let s = 0;
        for (let k = 0; k < He; k++) s += q[k]! * memory[eo + k]!;
        sc[j] = s;
        mx = Math.max(mx, s);
      }
      let sum = 0;
      for (let j = 0; j < Te; j++) sum += sc[j] = memMask[b * Te + j]! > 0 ? Math.exp(sc[j]! - mx) : 0;
      u.fill(0);
      for (let i = 0; i < Hd; i++) u[i] = h[b * Hd + i]!;
      for (let j = 0; j < Te; j++) {
        if (sc[j] === 0) continue;
        const w = sc[j]! / sum;
        const eo = (b * Te + j) * He;
        for (let k = 0; k < He; k++) u[Hd + k]! += w * memory[eo + k]!;
      }
      for (let k = 0; k < Hd; k++) z[k] = bc[k]!;
      for (let i = 0; i < Hd + He; i++) {
        const uv = u[i]!;
        if (uv === 0) continue;
        for (let k = 0; k < Hd; k++) z[k]! += uv * Wc[i * Hd + k]!;
      }
      for (let k = 0; k < Hd; k++) out[b * Hd + k] = Math.tanh(z[k]!);
    }
    return out;
  }
}

// ------------------------------------------------------------------------------ segment features

/** A time range [start, end) of a video, in seconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * Frame indices for a segment resampled to at most `steps` frames: every frame when the segment has
 * ≤ steps frames (the batch pads and masks the rest), otherwise `steps` frames spread uniformly
 * (centre of each of `steps` equal bins, or a random position inside each bin with rng — training
 * jitter). A segment shorter than one frame uses the frame nearest its start.
 */
export function segmentFrameIndices(video: VideoFeatures, seg: TimeRange, steps: number, rng?: Rng): number[] {
  const count = video.times.length;
  if (count === 0) throw new FramewiseError('BAD_ARGUMENT', `Video ${video.videoId} has no feature frames.`);
  let f0 = frameAt(video.times, seg.start);
  let f1 = frameAt(video.times, seg.end);
  if (f1 <= f0) {
    f0 = Math.min(f0, count - 1);
    f1 = f0 + 1;
  }
  const n = f1 - f0;
  if (n <= steps) return Array.from({ length: n }, (_, i) => f0 + i);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const u = rng ? rng.next() : 0.5;
    out.push(f0 + Math.min(n - 1, Math.floor(((i + u) * n) / steps)));
  }
  return out;
}

/** Time-major, normalised, masked encoder batch of segments (each resampled to ≤ steps frames). */
export function segmentBatch(
  entries: { video: VideoFeatures; segment: TimeRange }[],
  steps: number,
  norm: Normalizer,
  rng?: Rng,
): Batch {
  const B = entries.length;
  const D = norm.mean.length;
  const x = new Float32Array(steps * B * D);
  const mask = new Float32Array(steps * B);
  entries.forEach(({ video, segment }, b) => {
    if (video.featureDim !== D)
      throw new FramewiseError(
        'MODEL_MISMATCH',
        `Video ${video.videoId} has ${video.featureDim}-d features; the captioning model expects ${D}-d.`,
      );
    const idx = segmentFrameIndices(video, segment, steps, rng);
    idx.forEach((f, t) => {
      const src = f * D;
      const dst = (t * B + b) * D;
      for (let d = 0; d < D; d++) x[dst + d] = (video.features[src + d]! - norm.mean[d]!) / norm.std[d]!;
      mask[t * B + b] = 1;
    });
  });
  return { T: steps, B, x, mask };
}

/** Teacher-forcing batch from encoded captions ([<bos> … <eos>] id lists, any length ≥ 2). */
export function decoderBatch(captions: number[][]): DecoderBatch {
  const B = captions.length;
  const T = Math.max(1, ...captions.map((c) => c.length - 1));
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  captions.forEach((ids, b) => {
    for (let t = 0; t < ids.length - 1; t++) {
      inputs[t * B + b] = ids[t]!;
      targets[t * B + b] = ids[t + 1]!;
    }
  });
  return { T, B, inputs, targets };
}

// ------------------------------------------------------------------------------ trained bundle

/** What is saved next to the weights (meta.json). */
export interface CaptionerMeta {
  backboneId: string;
  featureDim: number;
  fps: number;
  /** Encoder steps a segment is resampled / padded to. */
  steps: number;
  /** Longest generated caption, in tokens including <eos>. */
  maxLen: number;
  normalization: { mean: number[]; std: number[] };
  metrics: Record<string, number>;
  createdAt: string;
  trainVideos?: string[];
  valVideos?: string[];
}

/** A trained captioner: model + vocabulary + how its inputs were prepared. */
export interface TrainedCaptioner {
  model: CaptionModel;
  vocab: Vocabulary;
  meta: CaptionerMeta;
}

export function captionerNormalizer(meta: CaptionerMeta): Normalizer {
  return { mean: Float32Array.from(meta.normalization.mean), std: Float32Array.from(meta.normalization.std) };
}

/** MODEL_MISMATCH unless the video's features are the kind the captioner was trained on. */
export function checkVideoFits(meta: CaptionerMeta, video: VideoFeatures): void {
  if (video.backboneId !== meta.backboneId)
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This captioning model was trained on "${meta.backboneId}" features but video ${video.videoId} has "${video.backboneId}" features.`,
      { details: { modelBackbone: meta.backboneId, videoBackbone: video.backboneId } },
    );
  if (video.featureDim !== meta.featureDim)
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `This captioning model expects ${meta.featureDim}-dimensional features but video ${video.videoId} has ${video.featureDim}.`,
      { details: { modelFeatureDim: meta.featureDim, videoFeatureDim: video.featureDim } },
    );
}
