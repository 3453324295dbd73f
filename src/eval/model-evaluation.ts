/** The evaluation report of a saved model, as kept in its folder (eval.json); types only, shared with the UI. */

/** 'val': the model's own validation videos; 'test': the videos marked as the official test split. */
export type EvalSplit = 'val' | 'test' | 'all';

export interface ModelEvaluation {
  model: string;
  /** When the model was trained (its meta), so a report of an older model of that name is not taken for this one. */
  modelCreatedAt: string;
  evaluatedAt: string;
  split: EvalSplit;
  videos: number;
  segments: number;
  classes: string[];
  top1: number;
  top5: number;
  meanPerClassAccuracy: number | null;
  /** In `classes` order; null where undefined (nothing predicted as the class, or no clip of it). */
  perClass: { precision: number | null; recall: number | null; f1: number | null; support: number }[];
  /** Rows: the true class, columns: the predicted one. */
  confusion: number[][];
  localization: { thresholds: number[]; mAP: (number | null)[]; average: number | null };
  /**
   * A fingerprint of the labels it was scored against (the evaluated videos and their labelled
   * segments); absent in reports written before it existed.
   */
  labels?: string;
  /**
   * Set when read back, never stored: 'model' when the model was trained again since, 'labels' when
   * the labels of its videos (or which videos are in its split) changed; null when it still holds,
   * or cannot be told (an older report without a fingerprint).
   */
  stale?: 'model' | 'labels' | null;
}
