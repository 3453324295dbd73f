import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { DEFAULT_HEAD, SequenceHead, type HeadConfig } from '../../src/models/head.js';
import {
  describeHead,
  HEAD_CHOICES,
  HEAD_KINDS,
  HEAD_NAMES,
  headSettings,
  isHeadName,
} from '../../src/models/heads/registry.js';
import { checkArgs } from '../../src/transport/dispatch.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const config = (over: Partial<HeadConfig>): HeadConfig => ({
  ...DEFAULT_HEAD,
  hidden: 4,
  inputDim: 3,
  numClasses: 2,
  ...over,
});

describe('head registry', () => {
  it('names the heads a person picks and what each stands for', () => {
    expect(HEAD_NAMES).toEqual(['lstm', 'gru', 'mean']);
    expect(headSettings('gru')).toEqual({ kind: 'recurrent', cell: 'gru' });
    expect(headSettings('mean')).toEqual({ kind: 'mean-mlp' });
    expect(isHeadName('lstm')).toBe(true);
    expect(isHeadName('toString')).toBe(false);
    for (const name of HEAD_NAMES) expect(HEAD_KINDS).toContain(HEAD_CHOICES[name].kind);
  });

  it('every kind builds a head, and the argument check accepts exactly the registered names', () => {
    for (const kind of HEAD_KINDS) {
      const head = SequenceHead.create(config({ kind }), 2);
      const probs = head.predictProba({ T: 2, B: 1, x: new Float32Array(6).fill(0.5), mask: Float32Array.of(1, 1) });
      expect(probs).toHaveLength(2);
      expect(SequenceHead.fromParams(head.config, head.params).config.kind).toBe(kind);
    }
    for (const head of HEAD_NAMES) expect(checkArgs('training.start', { head })).toBeNull();
    expect(checkArgs('training.start', { head: 'transformer' })).toMatch(/"head" must be one of lstm, gru, mean/);
    expect(() => SequenceHead.create(config({ kind: 'transformer' as HeadConfig['kind'] }))).toThrow(
      /kind must be "recurrent" or "mean-mlp"/,
    );
  });

  it('describes a saved head config for model lists', () => {
    expect(describeHead({ kind: 'recurrent', cell: 'lstm', hidden: 256, bidirectional: true })).toBe('LSTM bi 256');
    expect(describeHead({ kind: 'mean-mlp', hidden: 64 })).toBe('Baseline');
    expect(describeHead({})).toBe('?');
  });
});
