/**
 * The LSTM and GRU cells: one time step for a batch of B sequences, forward and backward. The
 * sequence layer (recurrent.ts) runs these steps over time for training and classification; the
 * captioner's decoder runs the same forward step one token at a time for decoding.
 *
 * Semantics match tf.layers.lstm / tf.layers.gru (recurrentActivation 'sigmoid'):
 *  LSTM gate order i, f, c, o; forget-gate bias initialised to 1 (unitForgetBias).
 *  GRU gate order z, r, h with tfjs's reset-BEFORE formulation (tfjs 4.x rejects resetAfter=true):
 *    h̃ = tanh(x·Kh + (r ⊙ h)·Uh + bh),  h' = z ⊙ h + (1 − z) ⊙ h̃.
 * A row whose mask is 0 (a padded step) carries its state over unchanged (Keras semantics).
 * Per-step gate math is plain loops over Float32Arrays; the recurrent products go through mmArr
 * (the native GEMM where available).
 */
import { columns, mmArr, transposeArr } from './linalg.js';
import type { ParamStore } from './params.js';

export type CellType = 'lstm' | 'gru';

/** Recurrent state of B sequences, [B·H] each (c is the LSTM's cell state; the GRU leaves it alone). */
export interface CellState {
  h: Float32Array;
  c: Float32Array;
}

/** Where a forward step records what backward needs: [T·B·H] arrays and this step's offset t·B·H. */
export interface StepRecord {
  /** LSTM: c_{t-1}; GRU: h_{t-1}. */
  prev: Float32Array;
  /** LSTM: tanh(c_t); GRU: r ⊙ hIn. */
  aux: Float32Array;
  o: number;
}

/** One backward step's inputs and the running gradients, for time step t. */
export interface BackwardStep {
  B: number;
  H: number;
  /** Gate activations of every step [T·B·G]; this step's rows start at ao = t·B·G. */
  act: Float32Array;
  ao: number;
  /** Offset t·B·H into hm / prev / aux, and t·B into mask. */
  o: number;
  mo: number;
  mask: Float32Array;
  recMask: Float32Array | null;
  /** Recurrent-matmul inputs hIn per step [T·B·H]. */
  hm: Float32Array;
  prev: Float32Array;
  aux: Float32Array;
  /** dLoss/dh_t on entry, dLoss/dh_{t-1} on return [B·H]. */
  dh: Float32Array;
  /** LSTM: dLoss/dc, carried the same way [B·H]. */
  dc: Float32Array;
  /** Gate pre-activation gradients [T·B·G]; this step's rows are written. */
  dZ: Float32Array;
}

/** A gradient product aᵀ·b for a [rows, aCols], b [rows, bCols] → [aCols, bCols]. */
export type ProductTN = (a: Float32Array, rows: number, aCols: number, b: Float32Array, bCols: number) => Float32Array;

export interface RecurrentCell {
  readonly type: CellType;
  /** Gate blocks per unit: 4 (LSTM) or 3 (GRU); the layer's width is G = gates·H. */
  readonly gates: number;
  /** The bias [G] a fresh layer starts from. */
  initialBias(H: number): Float32Array;
  /**
   * One step for B sequences. act [B·G] at offset ao holds the input's share of the gate
   * pre-activations (x·K + b) and is overwritten with the gate activations. hIn is h_{t-1} as the
   * recurrent kernel U (parameter `uName`) sees it — after recurrent dropout. Updates `state` in
   * place, except rows whose mask (at mo + b) is 0; mask null = every row is real.
   */
  forwardStep(
    params: ParamStore,
    uName: string,
    B: number,
    H: number,
    act: Float32Array,
    ao: number,
    hIn: Float32Array,
    state: CellState,
    mask: Float32Array | null,
    mo: number,
    record?: StepRecord,
  ): void;
  /** Backpropagates one step (see {@link BackwardStep}). */
  backwardStep(params: ParamStore, uName: string, s: BackwardStep): void;
  /** dU [H, G] from every step's hIn, aux and dZ (N = T·B rows). */
  recurrentKernelGrad(
    hm: Float32Array,
    aux: Float32Array,
    dZ: Float32Array,
    N: number,
    H: number,
    tn: ProductTN,
  ): Float32Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export const LstmCell: RecurrentCell = {
  type: 'lstm',
  gates: 4,

  initialBias(H) {
    return new Float32Array(4 * H).fill(1, H, 2 * H);
  },

  forwardStep(params, uName, B, H, act, ao, hIn, state, mask, mo, record) {
    const G = 4 * H;
    const { h, c } = state;
    const rec = mmArr(hIn, B, H, params.get(uName), G);
    if (record) record.prev.set(c, record.o);
    const aux = record?.aux;
    const o = record?.o ?? 0;
    for (let b = 0; b < B; b++) {
      const m = mask ? mask[mo + b]! : 1;
      const za = ao + b * G;
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
        if (aux) aux[o + k] = tc;
        if (m > 0) {
          c[k] = cn;
          h[k] = og * tc;
        }
      }
    }
  },

  backwardStep(params, uName, s) {
    const { B, H, act, ao, o, mo, mask, recMask, prev, aux, dh, dc, dZ } = s;
    const G = 4 * H;
    const uT = params.derivedArray(`${uName}#T`, () => transposeArr(params.get(uName), H, G));
    const dz = new Float32Array(B * G);
    for (let b = 0; b < B; b++) {
      if (!(mask[mo + b]! > 0)) continue;
      const za = ao + b * G;
      const da = b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const ig = act[za + j]!;
        const fg = act[za + H + j]!;
        const gg = act[za + 2 * H + j]!;
        const og = act[za + 3 * H + j]!;
        const tc = aux[o + k]!;
        const dhv = dh[k]!;
        const dcn = dc[k]! + dhv * og * (1 - tc * tc);
        dz[da + j] = dcn * gg * ig * (1 - ig);
        dz[da + H + j] = dcn * prev[o + k]! * fg * (1 - fg);
        dz[da + 2 * H + j] = dcn * ig * (1 - gg * gg);
        dz[da + 3 * H + j] = dhv * tc * og * (1 - og);
        dc[k] = dcn * fg;
      }
    }
    dZ.set(dz, ao);
    const dhm = mmArr(dz, B, G, uT, H);
    for (let b = 0; b < B; b++) {
      if (!(mask[mo + b]! > 0)) continue;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        dh[k] = recMask ? dhm[k]! * recMask[k]! : dhm[k]!;
      }
    }
  },

  recurrentKernelGrad(hm, _aux, dZ, N, H, tn) {
    return tn(hm, N, H, dZ, 4 * H);
  },
};

export const GruCell: RecurrentCell = {
  type: 'gru',
  gates: 3,

  initialBias(H) {
    return new Float32Array(3 * H);
  },

  forwardStep(params, uName, B, H, act, ao, hIn, state, mask, mo, record) {
    const G = 3 * H;
    const { h } = state;
    if (record) record.prev.set(h, record.o);
    const U = params.get(uName);
    const uzr = params.derivedArray(`${uName}#zr`, () => columns(U, H, G, 0, 2 * H));
    const uh = params.derivedArray(`${uName}#h`, () => columns(U, H, G, 2 * H, G));
    const rec = mmArr(hIn, B, H, uzr, 2 * H);
    const rh = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const za = ao + b * G;
      const ra = b * 2 * H;
      for (let j = 0; j < H; j++) {
        const zg = sigmoid(act[za + j]! + rec[ra + j]!);
        const rg = sigmoid(act[za + H + j]! + rec[ra + H + j]!);
        act[za + j] = zg;
        act[za + H + j] = rg;
        rh[b * H + j] = rg * hIn[b * H + j]!;
      }
    }
    if (record) record.aux.set(rh, record.o);
    const rec2 = mmArr(rh, B, H, uh, H);
    for (let b = 0; b < B; b++) {
      const m = mask ? mask[mo + b]! : 1;
      const za = ao + b * G;
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
  },

  backwardStep(params, uName, s) {
    const { B, H, act, ao, o, mo, mask, recMask, hm, prev, dh, dZ } = s;
    const G = 3 * H;
    const U = params.get(uName);
    const uzrT = params.derivedArray(`${uName}#zrT`, () => transposeArr(columns(U, H, G, 0, 2 * H), H, 2 * H));
    const uhT = params.derivedArray(`${uName}#hT`, () => transposeArr(columns(U, H, G, 2 * H, G), H, H));
    const dah = new Float32Array(B * H);
    const dzg = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      if (!(mask[mo + b]! > 0)) continue;
      const za = ao + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const zg = act[za + j]!;
        const hh = act[za + 2 * H + j]!;
        const dhv = dh[k]!;
        dzg[k] = dhv * (prev[o + k]! - hh) * zg * (1 - zg);
        dah[k] = dhv * (1 - zg) * (1 - hh * hh);
        dh[k] = dhv * zg; // direct path h_{t-1} → h_t
      }
    }
    const drh = mmArr(dah, B, H, uhT, H);
    const dzr = new Float32Array(B * 2 * H);
    for (let b = 0; b < B; b++) {
      if (!(mask[mo + b]! > 0)) continue;
      const za = ao + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const rg = act[za + H + j]!;
        dzr[b * 2 * H + j] = dzg[k]!;
        dzr[b * 2 * H + H + j] = drh[k]! * hm[o + k]! * rg * (1 - rg);
        dZ[za + j] = dzg[k]!;
        dZ[za + H + j] = dzr[b * 2 * H + H + j]!;
        dZ[za + 2 * H + j] = dah[k]!;
      }
    }
    const dhm = mmArr(dzr, B, 2 * H, uzrT, H);
    for (let b = 0; b < B; b++) {
      if (!(mask[mo + b]! > 0)) continue;
      const za = ao + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const dhmv = drh[k]! * act[za + H + j]! + dhm[k]!;
        dh[k]! += recMask ? dhmv * recMask[k]! : dhmv;
      }
    }
  },

  /** U = [Uzr | Uh]: dUzr = hmᵀ·dZ[:, :2H], dUh = (r ⊙ h)ᵀ·dZ[:, 2H:]. */
  recurrentKernelGrad(hm, aux, dZ, N, H, tn) {
    const G = 3 * H;
    const p = tn(hm, N, H, dZ, G);
    const q = tn(aux, N, H, dZ, G);
    for (let i = 0; i < H; i++) p.set(q.subarray(i * G + 2 * H, (i + 1) * G), i * G + 2 * H);
    return p;
  },
};

export const CELLS: Record<CellType, RecurrentCell> = { lstm: LstmCell, gru: GruCell };
