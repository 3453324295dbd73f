import { describe, expect, it } from 'vitest';
import type { FramewiseError } from '../../src/errors.js';
import { checkFeatureFit } from '../../src/models/feature-fit.js';

const words = { offered: 'video v1', expected: 'this model was trained on' };

function error(fn: () => void): FramewiseError {
  try {
    fn();
  } catch (e) {
    return e as FramewiseError;
  }
  throw new Error('did not throw');
}

describe('checkFeatureFit', () => {
  it('passes features of the same backbone and size, and ignores fields one side leaves out', () => {
    expect(() =>
      checkFeatureFit({ backboneId: 'a', featureDim: 8 }, { backboneId: 'a', featureDim: 8 }, words),
    ).not.toThrow();
    expect(() => checkFeatureFit({ featureDim: 8 }, { backboneId: 'b', featureDim: 8 }, words)).not.toThrow();
    expect(() => checkFeatureFit({ backboneId: 'a', featureDim: 8 }, {}, words)).not.toThrow();
  });

  it('refuses another backbone or size with MODEL_MISMATCH, naming both kinds', () => {
    const e = error(() =>
      checkFeatureFit({ backboneId: 'a', featureDim: 8 }, { backboneId: 'b', featureDim: 8 }, words),
    );
    expect(e.code).toBe('MODEL_MISMATCH');
    expect(e.message).toBe('Video v1 has "b" 8-d features; this model was trained on "a" 8-d.');
    const d = error(() =>
      checkFeatureFit({ featureDim: 1280 }, { featureDim: 12 }, { ...words, hint: 'Re-extract features.' }),
    );
    expect(d.message).toBe('Video v1 has 12-d features; this model was trained on 1280-d. Re-extract features.');
    expect(d.details).toEqual({ expected: { featureDim: 1280 }, offered: { featureDim: 12 } });
  });
});
