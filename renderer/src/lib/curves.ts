/** The two series every per-epoch chart shows: training and validation of one metric. */
import type { TrainingEpoch } from '../../../src/services/contract.js';

export const TRAIN_COLOR = 'var(--accent)';
export const VALIDATION_COLOR = '#e67e22';

export function trainValSeries(
  history: readonly TrainingEpoch[],
  metric: 'loss' | 'acc',
): { label: string; values: (number | null)[]; color: string }[] {
  return [
    { label: 'train', values: history.map((h) => h[metric]), color: TRAIN_COLOR },
    {
      label: 'validation',
      values: history.map((h) => (metric === 'loss' ? h.valLoss : h.valAcc)),
      color: VALIDATION_COLOR,
    },
  ];
}
