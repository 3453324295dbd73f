/**
 * Whether a validation score measures the model it is reported for. Held-out sets are whole
 * videos, so with few videos a class can be missing from them entirely; a top-1 over the classes
 * that are there then says nothing about the others, and must not be read as the model's accuracy.
 * Pure: the CLI, the services and the app's Training panel share these words.
 */

/** The names of the classes (in model order) with no validation sample; `labels` are class indices. */
export function classesMissingFrom(classNames: readonly string[], labels: Iterable<number>): string[] {
  const seen = new Set(labels);
  return classNames.filter((_, i) => !seen.has(i));
}

/** What is said instead of a validation headline when classes are missing from the validation videos. */
export function notMeasuredLine(missing: readonly string[]): string {
  return `Not measured: the validation videos lack ${missing.map((n) => `“${n}”`).join(', ')}`;
}
