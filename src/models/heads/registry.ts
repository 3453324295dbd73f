/**
 * The head registry: every kind of classification head, and the names a person picks one by (the
 * CLI's --head, the training panel, the contract's `training.start`). The CLI, the services and
 * the transport's argument checks all read these; the implementations are listed by kind in
 * models/head.ts. No imports: the renderer type-checks this file through the contract.
 */

/** The architectures (HeadConfig.kind, as saved in model.json). */
export const HEAD_KINDS = ['recurrent', 'mean-mlp'] as const;
export type HeadKind = (typeof HEAD_KINDS)[number];

interface HeadChoice {
  kind: HeadKind;
  /** The recurrent cell, for recurrent kinds. */
  cell?: 'lstm' | 'gru';
  /** Words for a job label ("Training GRU (30 epochs)"). */
  label: string;
}

/** The heads by the name a person picks, each with the settings the name stands for. */
export const HEAD_CHOICES = {
  lstm: { kind: 'recurrent', cell: 'lstm', label: 'LSTM' },
  gru: { kind: 'recurrent', cell: 'gru', label: 'GRU' },
  mean: { kind: 'mean-mlp', label: 'baseline' },
} as const satisfies Record<string, HeadChoice>;

export type HeadName = keyof typeof HEAD_CHOICES;
export const HEAD_NAMES = Object.keys(HEAD_CHOICES) as HeadName[];

export function isHeadName(name: string): name is HeadName {
  return Object.hasOwn(HEAD_CHOICES, name);
}

/** The head settings a name stands for (training fills in the rest from DEFAULT_HEAD). */
export function headSettings(name: HeadName): { kind: HeadKind; cell?: 'lstm' | 'gru' } {
  const { kind, cell } = HEAD_CHOICES[name] as HeadChoice;
  return cell ? { kind, cell } : { kind };
}

/** The fields of a saved head config a model list shows (read from model.json, so all optional). */
export interface HeadSummaryFields {
  kind?: string;
  cell?: string;
  hidden?: number;
  bidirectional?: boolean;
}

const SUMMARIES: Record<HeadKind, (c: HeadSummaryFields) => string> = {
  recurrent: (c) => `${(c.cell ?? '?').toUpperCase()}${c.bidirectional ? ' bi' : ''} ${c.hidden ?? ''}`.trim(),
  'mean-mlp': () => 'Baseline',
};

/** One line for a model list, e.g. "LSTM bi 256" or "Baseline". */
export function describeHead(c: HeadSummaryFields): string {
  const kind = (HEAD_KINDS as readonly string[]).includes(c.kind ?? '') ? (c.kind as HeadKind) : 'recurrent';
  return SUMMARIES[kind](c);
}
