import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import { decoderBatch } from '../../src/captioning/batches.js';
import { decodeStep, initialDecoderState, prepareDecoding } from '../../src/captioning/decoding.js';
import { CaptionModel, type CaptionModelConfig } from '../../src/captioning/model.js';
import { sequenceCrossEntropy } from '../../src/models/losses.js';
import { BOS_ID, EOS_ID } from '../../src/captioning/tokenizer.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const tiny = (cell: 'lstm' | 'gru'): CaptionModelConfig => ({
  cell,
  inputDim: 5,
  vocabSize: 7,
  embedDim: 3,
  encoderHidden: 4,
  decoderHidden: 5,
  dropout: 0,
});

function fixture(config: CaptionModelConfig) {
  const rng = new Rng(3);
  const T = 4;
  const B = 3;
  const x = new Float32Array(T * B * config.inputDim).map(() => rng.normal());
  const mask = new Float32Array(T * B).fill(1);
  mask[3 * B + 1] = 0; // segment 1 is one step shorter
  mask[2 * B + 1] = 0;
  // captions of different lengths: padding in the decoder batch too
  const dec = decoderBatch([
    [BOS_ID, 4, 5, 6, EOS_ID],
    [BOS_ID, 6, EOS_ID],
    [BOS_ID, 5, 4, EOS_ID],
  ]);
  return { enc: { T, B, x, mask }, dec, rng };
}

function gradcheck(config: CaptionModelConfig): void {
  const model = CaptionModel.create(config, 5);
  const { enc, dec, rng } = fixture(config);
  const lossAt = (): number => model.evaluate(enc, dec).loss;
  const { grads } = model.lossAndGrads(enc, dec);
  expect([...grads.keys()].sort()).toEqual(model.params.names().sort());
  for (const name of model.params.names()) {
    const w = model.params.get(name);
    const g = grads.get(name)!;
    for (let k = 0; k < 4; k++) {
      let i = rng.int(w.length);
      // embedding: check rows that are actually used
      if (name === 'embedding/embeddings') i = [BOS_ID, 4, 5, 6][k]! * config.embedDim + rng.int(config.embedDim);
      const orig = w[i]!;
      const eps = 1e-2;
      w[i] = orig + eps;
      model.params.invalidate();
      const up = lossAt();
      w[i] = orig - eps;
      model.params.invalidate();
      const down = lossAt();
      w[i] = orig;
      model.params.invalidate();
      const num = (up - down) / (2 * eps);
      expect(Math.abs(num - g[i]!), `${name}[${i}] numeric ${num} analytic ${g[i]}`).toBeLessThan(
        2e-3 + 0.05 * Math.abs(num),
      );
    }
  }
}

describe('captioning model', () => {
  it('LSTM encoder–decoder gradients match finite differences', () => gradcheck(tiny('lstm')));
  it('GRU encoder–decoder gradients match finite differences', () => gradcheck(tiny('gru')));
  it('LSTM + attention gradients match finite differences', () => gradcheck({ ...tiny('lstm'), attention: 'general' }));
  it('GRU + attention gradients match finite differences', () => gradcheck({ ...tiny('gru'), attention: 'general' }));
  it('LSTM + mean summary gradients match finite differences', () => gradcheck({ ...tiny('lstm'), summary: 'mean' }));
  it('GRU + attention + mean summary gradients match finite differences', () =>
    gradcheck({ ...tiny('gru'), attention: 'general', summary: 'mean' }));
  it('LSTM on relative input + mean summary gradients match finite differences', () =>
    gradcheck({ ...tiny('lstm'), summary: 'mean', input: 'relative' }));

  it('on relative input the encoder sees how a segment changes, not its level; the summary sees the level', () => {
    const { enc } = fixture(tiny('gru'));
    // Each segment's real frames shifted by a constant of its own (padding untouched).
    const shifted = { ...enc, x: Float32Array.from(enc.x) };
    for (let n = 0; n < enc.T * enc.B; n++)
      if (enc.mask[n]! > 0) for (let d = 0; d < 5; d++) shifted.x[n * 5 + d]! += 1 + (n % enc.B) + d;
    const ctxOf = (config: CaptionModelConfig, batch: typeof enc): Float32Array => {
      const tensors: Parameters<CaptionModel['context']>[1] = [];
      const { ctx } = CaptionModel.create(config, 2).context(batch, tensors);
      for (const t of tensors) t.dispose();
      return ctx;
    };
    const relative = { ...tiny('gru'), input: 'relative' as const };
    const a = ctxOf(relative, enc);
    const b = ctxOf(relative, shifted);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    expect(ctxOf(tiny('gru'), shifted)).not.toEqual(ctxOf(tiny('gru'), enc));
    expect(ctxOf({ ...relative, summary: 'mean' }, shifted)).not.toEqual(ctxOf({ ...relative, summary: 'mean' }, enc));
  });

  for (const [cell, attention, summary] of [
    ['lstm', 'none', 'none'],
    ['gru', 'none', 'none'],
    ['lstm', 'general', 'none'],
    ['gru', 'general', 'none'],
    ['lstm', 'none', 'mean'],
    ['gru', 'general', 'mean'],
  ] as const) {
    it(`${cell}/${attention}/${summary}: the step API reproduces the teacher-forced forward pass`, () => {
      const config = { ...tiny(cell), attention, summary };
      const model = CaptionModel.create(config, 8);
      const { enc, dec } = fixture(config);
      const { logits, cache } = model.forward(enc, dec);
      model.release(cache);
      const V = config.vocabSize;
      const dc = prepareDecoding(model, enc);
      let state = initialDecoderState(model, enc.B);
      for (let t = 0; t < dec.T; t++) {
        const r = decodeStep(model, dc, state, dec.inputs.subarray(t * enc.B, (t + 1) * enc.B));
        state = r.state;
        for (let b = 0; b < enc.B; b++) {
          if (dec.targets[t * enc.B + b] === 0) continue; // padded step
          const row = logits.subarray((t * enc.B + b) * V, (t * enc.B + b + 1) * V);
          let mx = -Infinity;
          for (const v of row) mx = Math.max(mx, v);
          let s = 0;
          for (const v of row) s += Math.exp(v - mx);
          for (let v = 0; v < V; v++)
            expect(Math.abs(r.logProbs[b * V + v]! - (row[v]! - mx - Math.log(s)))).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('cross-entropy ignores <pad> targets', () => {
    const logits = Float32Array.from([1, 2, 3, 0, 5, 5, 5, 5]);
    const r = sequenceCrossEntropy(logits, Int32Array.from([2, 0]), 4);
    expect(r.tokens).toBe(1);
    expect([...r.dLogits.subarray(4)]).toEqual([0, 0, 0, 0]);
  });

  it('label smoothing: hand-computed loss, gradient matches finite differences, pad rows ignored', () => {
    const logits = Float32Array.from([1, 2, 3, 0, 5, 5, 5, 5, 0, 1, 0, -1]);
    const targets = Int32Array.from([2, 0, 1]);
    const eps = 0.1;
    const r = sequenceCrossEntropy(logits, targets, 4, 0, eps);
    // Per counted row: (1 − ε)·(−log p_y) + ε·(−mean_j log p_j), averaged over the 2 rows.
    const rowLoss = (row: number[], y: number): number => {
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      const logp = row.map((v) => v - lse);
      return (1 - eps) * -logp[y]! + eps * -(logp.reduce((a, v) => a + v, 0) / 4);
    };
    const want = (rowLoss([1, 2, 3, 0], 2) + rowLoss([0, 1, 0, -1], 1)) / 2;
    expect(r.loss).toBeCloseTo(want, 5);
    expect(r.tokens).toBe(2);
    expect([...r.dLogits.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    const h = 1e-3;
    for (const i of [0, 2, 3, 8, 9]) {
      const up = Float32Array.from(logits);
      const down = Float32Array.from(logits);
      up[i]! += h;
      down[i]! -= h;
      const fd =
        (sequenceCrossEntropy(up, targets, 4, 0, eps).loss - sequenceCrossEntropy(down, targets, 4, 0, eps).loss) /
        (2 * h);
      expect(r.dLogits[i]!).toBeCloseTo(fd, 3);
    }
  });

  it('same seed → same weights; fromParams checks shapes', () => {
    const a = CaptionModel.create(tiny('lstm'), 3);
    const b = CaptionModel.create(tiny('lstm'), 3);
    for (const n of a.params.names()) expect(a.params.get(n)).toEqual(b.params.get(n));
    const other = CaptionModel.create({ ...tiny('lstm'), vocabSize: 9 }, 3);
    expect(() => CaptionModel.fromParams(tiny('lstm'), other.params)).toThrow(/do not fit/);
  });
});
