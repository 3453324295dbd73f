/** The validation headline's honesty check: which trained classes the validation videos lack, and the words for it. */
import { describe, expect, it } from 'vitest';
import { classesMissingFrom, notMeasuredLine } from '../../src/eval/validation-status.js';

describe('classesMissingFrom', () => {
  it('names the classes with no validation sample, in model order', () => {
    expect(classesMissingFrom(['up', 'down', 'no action'], [1, 1, 0])).toEqual(['no action']);
    expect(classesMissingFrom(['up', 'down', 'grow'], [2, 2])).toEqual(['up', 'down']);
    expect(classesMissingFrom(['up', 'down'], [0, 1, 1])).toEqual([]);
  });

  it('with no samples every class is missing', () => {
    expect(classesMissingFrom(['a', 'b'], [])).toEqual(['a', 'b']);
  });
});

describe('notMeasuredLine', () => {
  it('quotes each missing class', () => {
    expect(notMeasuredLine(['down', 'no action'])).toBe('Not measured: the validation videos lack “down”, “no action”');
  });
});
