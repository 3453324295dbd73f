import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import { SequenceHead, type HeadConfig } from '../../src/models/head.js';
import { softmaxCrossEntropy } from '../../src/models/losses.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Finite-difference check of the whole head (stacked, bidirectional, masked) — covers the glue code. */
function gradcheck(config: HeadConfig): void {
  const head = SequenceHead.create(config, 4);
  const rng = new Rng(9);
  const T = 4;
  const B = 3;
  const x = new Float32Array(T * B * config.inputDim).map(() => rng.normal());
  const mask = new Float32Array(T * B).fill(1);
  mask[3 * B + 2] = 0; // sample 2 is one step shorter
  const labels = Int32Array.from([0, 1, 2]);
  const batch = { T, B, x, mask };
  const lossAt = (): number => {
    const { logits, cache } = head.forward(batch);
    head.release(cache);
    return softmaxCrossEntropy(logits, labels, config.numClasses).loss;
  };
  const { logits, cache } = head.forward(batch);
  const grads = head.backward(cache, softmaxCrossEntropy(logits, labels, config.numClasses).dLogits);
  for (const name of head.params.names()) {
    const w = head.params.get(name);
    const g = grads.get(name)!;
    for (let k = 0; k < 3; k++) {
      const i = rng.int(w.length);
      const orig = w[i]!;
      const eps = 1e-2;
      w[i] = orig + eps;
      head.params.invalidate();
      const up = lossAt();
      w[i] = orig - eps;
      head.params.invalidate();
      const down = lossAt();
      w[i] = orig;
      head.params.invalidate();
      const num = (up - down) / (2 * eps);
      expect(Math.abs(num - g[i]!), `${name}[${i}] numeric ${num} analytic ${g[i]}`).toBeLessThan(
        2e-3 + 0.05 * Math.abs(num),
      );
    }
  }
}

describe('full-head gradients match finite differences', () => {
  const base = {
    kind: 'recurrent' as const,
    layers: 2,
    hidden: 5,
    bidirectional: true,
    dropout: 0,
    recurrentDropout: 0,
    inputDim: 6,
    numClasses: 3,
  };
  it('2-layer bidirectional LSTM', () => gradcheck({ ...base, cell: 'lstm' }));
  it('2-layer bidirectional GRU', () => gradcheck({ ...base, cell: 'gru' }));
  it('mean-mlp baseline', () => gradcheck({ ...base, kind: 'mean-mlp', cell: 'lstm' }));
});
