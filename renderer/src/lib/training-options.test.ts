import { describe, expect, it } from 'vitest';
import { changedCount, DEFAULT_OPTIONS, defaultModelName, optionArgs } from './training-options.js';

describe('training options → training.start arguments', () => {
  it('passes every option, leaving batch size and seed to the core when blank', () => {
    expect(optionArgs(DEFAULT_OPTIONS)).toEqual({
      layers: 1,
      bidirectional: false,
      dropout: 0.2,
      lr: 0.001,
      patience: 5,
      split: 'video',
      valFraction: 0.2,
      classWeights: 'none',
      input: 'auto',
    });
    expect(changedCount(DEFAULT_OPTIONS)).toBe(0);
  });

  it('maps edited options, with no fraction for the official split and no seed that is not a whole number', () => {
    const o = {
      ...DEFAULT_OPTIONS,
      layers: 2,
      bidirectional: true,
      batchSize: 8,
      split: 'official' as const,
      input: 'relative' as const,
      seed: '7',
    };
    expect(optionArgs(o)).toEqual({
      layers: 2,
      bidirectional: true,
      dropout: 0.2,
      lr: 0.001,
      batchSize: 8,
      patience: 5,
      split: 'official',
      classWeights: 'none',
      input: 'relative',
      seed: 7,
    });
    expect(changedCount(o)).toBe(6);
    expect(optionArgs({ ...DEFAULT_OPTIONS, seed: '1.5' })).not.toHaveProperty('seed');
  });

  it('names a run the way the core would (head and time), usable as a model folder name', () => {
    expect(defaultModelName('gru', new Date('2026-12-02T16:40:05.123Z'))).toBe('gru-2026-12-02T16-40-05-123Z');
  });
});
