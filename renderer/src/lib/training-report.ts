/**
 * What the Training panel headlines after a run. A validation top-1 is the model's accuracy only
 * when the validation videos hold every trained class; otherwise it covers some classes and is
 * shown as partial, under a "Not measured" line naming what is missing (the CLI's words).
 */
import type { TrainingSummary } from '../../../src/services/contract.js';
import { notMeasuredLine } from '../../../src/eval/validation-status.js';

export type ValidationHeadline =
  | { kind: 'no-split' }
  | { kind: 'measured'; top1: number }
  | { kind: 'not-measured'; text: string; partialTop1: number };

export function validationHeadline(summary: Pick<TrainingSummary, 'classes' | 'validation'>): ValidationHeadline {
  const v = summary.validation;
  if (!v) return { kind: 'no-split' };
  const present = summary.classes.length - v.missingClasses.length;
  if (v.missingClasses.length > 0)
    return { kind: 'not-measured', text: notMeasuredLine(v.missingClasses), partialTop1: v.top1 };
  if (present < 2)
    return {
      kind: 'not-measured',
      text: 'Not measured: the validation videos hold fewer than 2 classes',
      partialTop1: v.top1,
    };
  return { kind: 'measured', top1: v.top1 };
}

/** Row and column names of the report: the background class reads "no action", whatever its stored name. */
export function reportClassNames(classes: TrainingSummary['classes']): string[] {
  return classes.map((c) => (c.background ? 'no action' : c.name));
}
