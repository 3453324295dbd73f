/**
 * What the timeline shows while an edit is on its way: the drag in progress (`preview`) and the
 * last edit sent to the parent (`committed`), until the parent passes segments that include it, or
 * for at most COMMIT_HOLD_MS (a failed save must not leave a ghost on screen).
 */
import type { Segment } from '../../../../src/store/schema.js';

const COMMIT_HOLD_MS = 2000;

export class PendingEdits {
  preview = $state.raw<Segment[] | null>(null);
  private committed = $state.raw<Segment[] | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What edits start from. */
  readonly base: Segment[];
  /** What the lanes draw. */
  readonly shown: Segment[];

  constructor(
    segments: () => Segment[],
    private readonly dragging: () => boolean,
  ) {
    this.base = $derived(this.committed ?? segments());
    this.shown = $derived(this.preview ?? this.base);
  }

  /** Holds `next` on screen; false when nothing changed (nothing to send). */
  hold(next: Segment[]): boolean {
    this.preview = null;
    if (next === this.base) return false;
    this.committed = next;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.dragging()) this.committed = null;
    }, COMMIT_HOLD_MS);
    return true;
  }

  /** The parent passed new segments: they include (or replace) what was sent. */
  arrived(): void {
    this.committed = null;
    clearTimeout(this.timer);
  }

  clear(): void {
    this.preview = null;
    this.arrived();
  }
}
