/**
 * Pointer events of the timeline turned into gestures: seek on the ruler, move / resize a segment,
 * draw a new one on a lane. The steps are pure (lib/timeline/gestures.ts); this class keeps the
 * drag in progress and applies the outcome through the shell's callbacks.
 */
import type { Segment } from '../../../../src/store/schema.js';
import { dragEnd, dragMove, PREVIEW_ID, type Drag, type GestureContext } from '../../lib/timeline/gestures.js';
import { snapTime } from '../../lib/timeline/snap.js';
import type { PendingEdits } from './pending.svelte.js';

export interface PointerHost {
  /** Seconds under the pointer, clamped to the video by `clamp`. */
  timeAt: (e: { clientX: number }) => number;
  clamp: (t: number) => number;
  gesture: () => GestureContext;
  pending: PendingEdits;
  selectedId: () => string | null;
  /** Sets the selection without leaving the caption editor (a drawn segment is not a "leave"). */
  setSelectedId: (id: string | null) => void;
  select: (id: string | null) => void;
  seek: (t: number) => void;
  focusRoot: () => void;
  focusSegment: (id: string) => void;
  commit: (next: Segment[], label: string) => void;
  newId: () => string;
}

export class TimelinePointer {
  drag = $state.raw<Drag | null>(null);

  constructor(private readonly host: PointerHost) {}

  /** A drag that moves segments (for the grabbing cursor); a seek on the ruler is not one. */
  get editing(): boolean {
    return this.drag !== null && this.drag.kind !== 'seek';
  }

  rulerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.drag = { kind: 'seek', pointerId: e.pointerId };
    this.host.seek(this.host.clamp(this.host.timeAt(e)));
  }

  segmentDown(e: PointerEvent, s: Segment): void {
    if (e.button !== 0) return;
    e.stopPropagation();
    this.host.select(s.id);
    if (s.source !== 'user') return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    const edge = (e.target as HTMLElement).closest<HTMLElement>('[data-edge]')?.dataset['edge'];
    const p = { pointerId: e.pointerId, id: s.id, x0: e.clientX, active: false };
    this.drag =
      edge === 'start' || edge === 'end'
        ? { kind: 'resize', ...p, edge }
        : { kind: 'move', ...p, origin: s, grabT: this.host.timeAt(e) };
  }

  laneDown(e: PointerEvent, classId: string | null): void {
    if (e.button !== 0 || e.target !== e.currentTarget) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.host.focusRoot();
    const snap = this.host.gesture().snap(e.shiftKey, []);
    const anchor = this.host.clamp(snapTime(this.host.timeAt(e), snap).time);
    this.drag = { kind: 'create', pointerId: e.pointerId, classId, anchor, x0: e.clientX, active: false };
  }

  predictionLaneDown(e: PointerEvent): void {
    if (e.button !== 0 || e.target !== e.currentTarget) return;
    this.host.focusRoot();
    this.host.select(null);
    this.host.seek(this.host.clamp(this.host.timeAt(e)));
  }

  move(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    if (d.kind === 'seek') return this.host.seek(this.host.clamp(this.host.timeAt(e)));
    const step = dragMove(d, { t: this.host.timeAt(e), clientX: e.clientX, shift: e.shiftKey }, this.host.gesture());
    if (!step) return;
    this.drag = step.drag;
    this.host.pending.preview = step.preview;
    if (d.kind === 'create') this.host.setSelectedId(PREVIEW_ID);
  }

  up(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    this.drag = null;
    const { pending } = this.host;
    const out = dragEnd(d, pending.preview, this.host.gesture().base as Segment[], this.host.newId);
    if (out.type === 'click') {
      pending.preview = null;
      this.host.select(null);
      this.host.seek(this.host.clamp(this.host.timeAt(e)));
    } else if (out.type === 'commit') {
      if (out.select) this.host.setSelectedId(out.select);
      this.host.commit(out.next, out.label);
      if (out.select) this.host.focusSegment(out.select);
    } else {
      pending.preview = null;
    }
  }

  cancel(): void {
    if (this.drag?.kind === 'create' && this.host.selectedId() === PREVIEW_ID) this.host.setSelectedId(null);
    this.drag = null;
    this.host.pending.preview = null;
  }
}
