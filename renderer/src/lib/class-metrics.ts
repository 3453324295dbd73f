/** Per-class precision / recall / F1 from a confusion matrix (rows: true class, columns: predicted). */
export interface ClassMetric {
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export function perClassMetrics(confusion: readonly (readonly number[])[]): ClassMetric[] {
  const n = confusion.length;
  return confusion.map((row, i) => {
    const tp = row[i] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < n; r++) predicted += confusion[r]?.[i] ?? 0;
    const precision = predicted > 0 ? tp / predicted : null;
    const recall = support > 0 ? tp / support : null;
    const f1 =
      precision !== null && recall !== null && precision + recall > 0
        ? (2 * precision * recall) / (precision + recall)
        : null;
    return { support, precision, recall, f1 };
  });
}
