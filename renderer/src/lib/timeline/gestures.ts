/**
 * Pointer gestures on the timeline as pure steps: what a drag shows while it moves and what it
 * commits when it ends. The component only turns pointer events into times and applies the result.
 */
import type { Segment } from '../../../../src/store/schema.js';
import { createSegment, moveSegment, resizeSegment, type EditLimits, type SegmentEdge } from './edits.js';
import { snapRange, snapTime, type SnapContext } from './snap.js';

/** A pointer must travel this far before a press becomes a drag (below it, it is a click). */
export const DRAG_THRESHOLD_PX = 3;
/** The id of the segment being drawn, until it is committed under a real id. */
export const PREVIEW_ID = '__timeline-new__';

export type Drag =
  | { kind: 'seek'; pointerId: number }
  | { kind: 'move'; pointerId: number; id: string; origin: Segment; grabT: number; x0: number; active: boolean }
  | { kind: 'resize'; pointerId: number; id: string; edge: SegmentEdge; x0: number; active: boolean }
  | { kind: 'create'; pointerId: number; classId: string | null; anchor: number; x0: number; active: boolean };

export interface GestureContext {
  /** The segments edits start from. */
  base: readonly Segment[];
  limits: EditLimits;
  videoId: string;
  /** Snapping for this move: Shift turns it off, the dragged segment is not its own target. */
  snap: (shift: boolean, excludeIds: string[]) => SnapContext;
}

export interface PointerSample {
  /** Seconds under the pointer. */
  t: number;
  clientX: number;
  shift: boolean;
}

/**
 * One pointer move of a drag: the drag (now active once past the threshold) and the segments to
 * show, or null while the pointer has not left the threshold (or for a seek, which shows nothing).
 */
export function dragMove(d: Drag, p: PointerSample, ctx: GestureContext): { drag: Drag; preview: Segment[] } | null {
  if (d.kind === 'seek') return null;
  if (!d.active && Math.abs(p.clientX - d.x0) < DRAG_THRESHOLD_PX) return null;
  const drag = d.active ? d : { ...d, active: true };
  if (drag.kind === 'move') {
    const len = drag.origin.end - drag.origin.start;
    const start = drag.origin.start + (p.t - drag.grabT);
    const snapped = snapRange(start, start + len, ctx.snap(p.shift, [drag.id])).time;
    return { drag, preview: moveSegment(ctx.base, drag.id, snapped, ctx.limits) };
  }
  if (drag.kind === 'resize') {
    const t = snapTime(p.t, ctx.snap(p.shift, [drag.id])).time;
    return { drag, preview: resizeSegment(ctx.base, drag.id, drag.edge, t, ctx.limits) };
  }
  const end = snapTime(p.t, ctx.snap(p.shift, [])).time;
  const seg = { id: PREVIEW_ID, videoId: ctx.videoId, start: drag.anchor, end, classId: drag.classId };
  return { drag, preview: createSegment(ctx.base, seg, ctx.limits) };
}

export type DragOutcome =
  | { type: 'none' }
  /** A press on an empty spot of a lane that never moved: deselect and seek there. */
  | { type: 'click' }
  | { type: 'commit'; next: Segment[]; label: string; select?: string };

/** What releasing the pointer does; `newId` names a drawn segment. */
export function dragEnd(d: Drag, preview: Segment[] | null, base: Segment[], newId: () => string): DragOutcome {
  if (d.kind === 'seek') return { type: 'none' };
  if (!d.active) return d.kind === 'create' ? { type: 'click' } : { type: 'none' };
  const next = preview ?? base;
  if (d.kind === 'create') {
    const id = newId();
    return {
      type: 'commit',
      next: next.map((s) => (s.id === PREVIEW_ID ? { ...s, id } : s)),
      label: 'Create segment',
      select: id,
    };
  }
  return { type: 'commit', next, label: d.kind === 'move' ? 'Move segment' : 'Resize segment' };
}
