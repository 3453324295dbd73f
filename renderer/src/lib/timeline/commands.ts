/** Edits of the selected segment from buttons and keys, as pure steps: the next segments and a label. */
import type { Segment } from '../../../../src/store/schema.js';
import {
  acceptPrediction,
  deleteSegment,
  nudgeSegment,
  rejectPrediction,
  setSegmentClass,
  splitSegment,
  type EditLimits,
  type SegmentEdge,
} from './edits.js';

export type SegmentCommand =
  | { type: 'delete' }
  | { type: 'nudge'; frames: number; edge?: SegmentEdge }
  | { type: 'accept' }
  | { type: 'reject' }
  | { type: 'split' }
  | { type: 'set-class'; classId: string | null };

export interface CommandContext {
  limits: EditLimits;
  playhead: number;
  /** An id for the second half of a split. */
  newId: () => string;
}

/** The edit a command makes to `selected` within `base`, or null when it does not apply. */
export function segmentEdit(
  base: readonly Segment[],
  selected: Segment,
  c: SegmentCommand,
  ctx: CommandContext,
): { next: Segment[]; label: string } | null {
  const pred = selected.source === 'prediction';
  switch (c.type) {
    case 'delete':
      return pred
        ? { next: rejectPrediction(base, selected.id), label: 'Reject prediction' }
        : { next: deleteSegment(base, selected.id), label: 'Delete segment' };
    case 'reject':
      return pred ? { next: rejectPrediction(base, selected.id), label: 'Reject prediction' } : null;
    case 'accept':
      return pred ? { next: acceptPrediction(base, selected.id), label: 'Accept prediction' } : null;
    case 'nudge':
      return {
        next: nudgeSegment(base, selected.id, c.frames, ctx.limits, c.edge),
        label: c.edge ? 'Resize segment' : 'Nudge segment',
      };
    case 'split':
      return { next: splitSegment(base, selected.id, ctx.playhead, ctx.newId(), ctx.limits), label: 'Split segment' };
    case 'set-class':
      return { next: setSegmentClass(base, selected.id, c.classId), label: 'Set class' };
  }
}
