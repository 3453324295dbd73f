import { describe, expect, it } from 'vitest';
import { perClassMetrics } from './class-metrics.js';

describe('perClassMetrics', () => {
  it('computes precision (column), recall (row) and F1', () => {
    // true a: 8 right, 2 called b; true b: 1 called a, 4 right; c: never seen, never predicted.
    const m = perClassMetrics([
      [8, 2, 0],
      [1, 4, 0],
      [0, 0, 0],
    ]);
    expect(m[0]).toEqual({ support: 10, precision: 8 / 9, recall: 0.8, f1: (2 * (8 / 9) * 0.8) / (8 / 9 + 0.8) });
    expect(m[1]!.precision).toBeCloseTo(4 / 6, 12);
    expect(m[1]!.recall).toBeCloseTo(0.8, 12);
    expect(m[2]).toEqual({ support: 0, precision: null, recall: null, f1: null });
  });

  it('a class predicted but always wrong has precision 0 and no F1', () => {
    const m = perClassMetrics([
      [0, 3],
      [0, 0],
    ]);
    expect(m[1]).toEqual({ support: 0, precision: 0, recall: null, f1: null });
    expect(m[0]).toEqual({ support: 3, precision: null, recall: 0, f1: null });
  });
});
