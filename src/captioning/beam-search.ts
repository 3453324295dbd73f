/**
 * Caption decoding: greedy (batched) and beam search with the GNMT length penalty
 * lp(len) = ((5 + len) / 6)^α (Wu et al. 2016), score = log P(caption) / lp(len), where len counts the
 * generated tokens including <eos>. <pad> and <bos> are never generated, nor (repetition.ts) a word
 * right after itself or an n-gram a second time; a hypothesis that reaches maxLen without <eos> is
 * kept (finished = false) so there is always an answer.
 */
import { FramewiseError } from '../errors.js';
import type { Batch } from '../models/head.js';
import type { VideoFeatures } from '../training/dataset.js';
import { segmentBatch, type TimeRange } from './batches.js';
import { normalizerOf } from '../training/model-io.js';
import { checkVideoFits, decodeLimit, type TrainedCaptioner } from './captioner-io.js';
import { decodeStep, initialDecoderState, prepareDecoding, replicateContext, selectRows } from './decoding.js';
import type { CaptionModel } from './model.js';
import { blockedNext, repetitionRule, type RepetitionOptions, type RepetitionRule } from './repetition.js';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID, type Vocabulary } from './tokenizer.js';

export interface DecodeOptions extends RepetitionOptions {
  /** Most tokens generated, including <eos> (default 20). */
  maxLen?: number;
  /** Length-penalty exponent α (default 0 for greedy = plain log-probability, 0.6 for beam search). */
  alpha?: number;
}

export interface BeamOptions extends DecodeOptions {
  /** Hypotheses kept per step (default 5; 1 = greedy). */
  beamWidth?: number;
}

export interface DecodedCaption {
  sentence: string;
  /** Word ids, without <bos>/<eos>. */
  tokens: number[];
  /**
   * Sum of the token log-probabilities (including <eos> when finished), each renormalised over the
   * tokens decoding allowed at its step (no <pad>/<bos>, no blocked repetition).
   */
  logProb: number;
  /** logProb / lp(len). */
  score: number;
  /** false when maxLen was reached before <eos>. */
  finished: boolean;
}

export function lengthPenalty(len: number, alpha: number): number {
  return alpha === 0 ? 1 : ((5 + len) / 6) ** alpha;
}

function checkOptions(o: BeamOptions): { maxLen: number; alpha: number; beamWidth: number; rule: RepetitionRule } {
  const maxLen = o.maxLen ?? 20;
  const alpha = o.alpha ?? 0;
  const beamWidth = o.beamWidth ?? 5;
  if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > 1000)
    throw new FramewiseError('BAD_ARGUMENT', `maxLen must be an integer 1–1000 (got ${maxLen})`);
  if (!Number.isFinite(alpha) || alpha < 0)
    throw new FramewiseError('BAD_ARGUMENT', `alpha must be ≥ 0 (got ${alpha})`);
  if (!Number.isInteger(beamWidth) || beamWidth < 1 || beamWidth > 100)
    throw new FramewiseError('BAD_ARGUMENT', `beamWidth must be an integer 1–100 (got ${beamWidth})`);
  return { maxLen, alpha, beamWidth, rule: repetitionRule(o) };
}

/**
 * Tokens never generated at step t: <pad>, <bos> and <unk> (a sentence a person edits should not
 * hold a placeholder; word dropout teaches <unk> only as an input) ever, and <eos> first — an empty caption is
 * never the answer a person wants, yet a weakly trained model can rank it first (its one-token
 * log-probability is not diluted over a sentence) — and the repetitions of `blocked`
 * (repetition.ts).
 */
const banned = (v: number, t: number, blocked: Set<number>): boolean =>
  v === PAD_ID || v === BOS_ID || v === UNK_ID || (t === 0 && v === EOS_ID) || blocked.has(v);

/**
 * log Σ exp(logProbs) over the tokens allowed at step t: scores are renormalised over what may be
 * said, so a hypothesis whose favourite next word is blocked is not punished for the mass of that
 * word — without it, beam search prefers to stop as soon as the model wants to repeat itself.
 */
function allowedLogMass(logProbs: Float32Array, row: number, V: number, t: number, blocked: Set<number>): number {
  let mx = -Infinity;
  for (let v = 0; v < V; v++) if (!banned(v, t, blocked)) mx = Math.max(mx, logProbs[row * V + v]!);
  let s = 0;
  for (let v = 0; v < V; v++) if (!banned(v, t, blocked)) s += Math.exp(logProbs[row * V + v]! - mx);
  return mx + Math.log(s);
}

function result(
  vocab: Vocabulary,
  tokens: number[],
  logProb: number,
  finished: boolean,
  alpha: number,
): DecodedCaption {
  const len = tokens.length + (finished ? 1 : 0);
  return { sentence: vocab.decode(tokens), tokens, logProb, score: logProb / lengthPenalty(len, alpha), finished };
}

/** Greedy decoding of every segment of an encoder batch. */
export function greedyDecode(
  model: CaptionModel,
  vocab: Vocabulary,
  enc: Batch,
  options: DecodeOptions = {},
): DecodedCaption[] {
  const { maxLen, alpha, rule } = checkOptions({ ...options, beamWidth: 1 });
  const V = model.config.vocabSize;
  const B = enc.B;
  const dc = prepareDecoding(model, enc);
  let state = initialDecoderState(model, B);
  const prev = new Int32Array(B).fill(BOS_ID);
  const tokens: number[][] = Array.from({ length: B }, () => []);
  const logProb = new Float64Array(B);
  const done = new Uint8Array(B);
  for (let t = 0; t < maxLen; t++) {
    const r = decodeStep(model, dc, state, prev);
    state = r.state;
    let open = 0;
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const blocked = blockedNext(tokens[b]!, rule);
      let best = -1;
      for (let v = 0; v < V; v++)
        if (!banned(v, t, blocked) && (best < 0 || r.logProbs[b * V + v]! > r.logProbs[b * V + best]!)) best = v;
      logProb[b]! += r.logProbs[b * V + best]! - allowedLogMass(r.logProbs, b, V, t, blocked);
      prev[b] = best;
      if (best === EOS_ID) done[b] = 1;
      else {
        tokens[b]!.push(best);
        open++;
      }
    }
    if (open === 0) break;
  }
  return tokens.map((tk, b) => result(vocab, tk, logProb[b]!, done[b] === 1, alpha));
}

interface Hyp {
  tokens: number[];
  logProb: number;
}

/** Beam search, one segment at a time (the beam is the batch). Returns the best caption per segment. */
export function beamSearch(
  model: CaptionModel,
  vocab: Vocabulary,
  enc: Batch,
  options: BeamOptions = {},
): DecodedCaption[] {
  const { maxLen, alpha, beamWidth: W, rule } = checkOptions({ ...options, alpha: options.alpha ?? 0.6 });
  const V = model.config.vocabSize;
  const H = model.config.decoderHidden;
  const ctxAll = prepareDecoding(model, enc);
  const out: DecodedCaption[] = [];
  for (let item = 0; item < enc.B; item++) {
    let alive: Hyp[] = [{ tokens: [], logProb: 0 }];
    let state = initialDecoderState(model, 1);
    const finished: DecodedCaption[] = [];
    for (let t = 0; t < maxLen; t++) {
      const K = alive.length;
      const prev = alive.map((h) => (h.tokens.length ? h.tokens[h.tokens.length - 1]! : BOS_ID));
      const r = decodeStep(model, replicateContext(ctxAll, item, K), state, prev);
      // Top 2W continuations over all beams (enough to refill W alive beams after <eos> ones).
      const cands: { k: number; v: number; lp: number }[] = [];
      const keep = 2 * W;
      for (let k = 0; k < K; k++) {
        const blocked = blockedNext(alive[k]!.tokens, rule);
        const base = alive[k]!.logProb - allowedLogMass(r.logProbs, k, V, t, blocked);
        for (let v = 0; v < V; v++) {
          if (banned(v, t, blocked)) continue;
          const lp = base + r.logProbs[k * V + v]!;
          if (cands.length < keep || lp > cands[cands.length - 1]!.lp) {
            let i = cands.length < keep ? cands.length : keep - 1;
            if (cands.length < keep) cands.push({ k, v, lp });
            while (i > 0 && cands[i - 1]!.lp < lp) {
              cands[i] = cands[i - 1]!;
              i--;
            }
            cands[i] = { k, v, lp };
          }
        }
      }
      const next: Hyp[] = [];
      const parents: number[] = [];
      cands.forEach((c, rank) => {
        if (c.v === EOS_ID) {
          if (rank < W) finished.push(result(vocab, alive[c.k]!.tokens, c.lp, true, alpha));
        } else if (next.length < W) {
          next.push({ tokens: [...alive[c.k]!.tokens, c.v], logProb: c.lp });
          parents.push(c.k);
        }
      });
      alive = next;
      state = {
        h: selectRows(r.state.h, H, parents),
        c: selectRows(r.state.c, H, parents),
      };
      if (alive.length === 0) break;
      // Stop once no open hypothesis can beat the best finished one (log P only decreases; with
      // α ≥ 0 the best it can reach is its current log P over lp(maxLen)).
      if (finished.length >= W) {
        const bestDone = Math.max(...finished.map((f) => f.score));
        const bestOpen = Math.max(...alive.map((h) => h.logProb / lengthPenalty(maxLen, alpha)));
        if (bestDone >= bestOpen) break;
      }
      if (t === maxLen - 1) for (const h of alive) finished.push(result(vocab, h.tokens, h.logProb, false, alpha));
    }
    finished.sort((a, b) => b.score - a.score);
    out.push(finished[0]!);
  }
  return out;
}

export interface CaptionOptions extends BeamOptions {
  /** Segments encoded per batch (default 64). */
  batchSize?: number;
}

/**
 * Captions for time ranges of one video: beamWidth 1 → greedy, otherwise beam search (default 5).
 * MODEL_MISMATCH when the video's features are not the model's backbone / feature size.
 */
export function captionSegments(
  captioner: TrainedCaptioner,
  video: VideoFeatures,
  segments: readonly TimeRange[],
  options: CaptionOptions = {},
): DecodedCaption[] {
  checkVideoFits(captioner.meta, video);
  const norm = normalizerOf(captioner.meta);
  const bs = options.batchSize ?? 64;
  const beamWidth = options.beamWidth ?? 5;
  const maxLen = options.maxLen ?? decodeLimit(captioner.meta);
  const out: DecodedCaption[] = [];
  for (let i = 0; i < segments.length; i += bs) {
    const chunk = segments.slice(i, i + bs).map((segment) => ({ video, segment }));
    const enc = segmentBatch(chunk, captioner.meta.steps, norm);
    out.push(
      ...(beamWidth === 1
        ? greedyDecode(captioner.model, captioner.vocab, enc, { ...options, maxLen, alpha: options.alpha ?? 0 })
        : beamSearch(captioner.model, captioner.vocab, enc, { ...options, maxLen, beamWidth })),
    );
  }
  return out;
}
