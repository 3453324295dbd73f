import { describe, expect, it } from 'vitest';
import { reportClassNames, validationHeadline } from './training-report.js';

const classes = [
  { id: 'up', name: 'up' },
  { id: 'down', name: 'down' },
];

describe('validationHeadline', () => {
  it('headlines top-1 only when the validation videos hold every trained class', () => {
    const validation = {
      top1: 0.75,
      confusion: [
        [3, 1],
        [0, 4],
      ],
      missingClasses: [],
    };
    expect(validationHeadline({ classes, validation })).toEqual({ kind: 'measured', top1: 0.75 });
  });

  it('says what is missing instead, keeping the partial score for below', () => {
    const validation = {
      top1: 1,
      confusion: [
        [4, 0],
        [0, 0],
      ],
      missingClasses: ['down'],
    };
    expect(validationHeadline({ classes, validation })).toEqual({
      kind: 'not-measured',
      text: 'Not measured: the validation videos lack “down”',
      partialTop1: 1,
    });
  });

  it('counts a missing "no action" class too', () => {
    const validation = {
      top1: 0.9,
      confusion: [
        [5, 0, 0],
        [1, 4, 0],
        [0, 0, 0],
      ],
      missingClasses: ['no action'],
    };
    const withBackground = [...classes, { id: '__background__', name: 'no action', background: true }];
    const h = validationHeadline({ classes: withBackground, validation });
    expect(h.kind).toBe('not-measured');
    expect(h.kind === 'not-measured' && h.text).toBe('Not measured: the validation videos lack “no action”');
  });

  it('never headlines a score over fewer than 2 classes', () => {
    const validation = { top1: 1, confusion: [[2]], missingClasses: [] };
    expect(validationHeadline({ classes: classes.slice(0, 1), validation }).kind).toBe('not-measured');
  });

  it('without a validation split there is nothing to headline', () => {
    expect(validationHeadline({ classes, validation: null })).toEqual({ kind: 'no-split' });
  });
});

describe('reportClassNames', () => {
  it('names the background class "no action"', () => {
    expect(reportClassNames([...classes, { id: '__background__', name: 'x', background: true }])).toEqual([
      'up',
      'down',
      'no action',
    ]);
  });
});
