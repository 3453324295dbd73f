/** Segment edits of the timeline and segment editor, with undo / redo per video. */
import type { Segment } from '../../../src/store/schema.js';
import { History } from '../lib/timeline/history.js';
import { nextSeq } from '../lib/project-undo.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { SavedVideoHistory } from '../lib/undo-store.js';
import { newLocalId, sameSegments } from './ids.js';
import type { Notices } from './notices.svelte.js';
import type { ProjectState } from './project.svelte.js';

export class SegmentHistory {
  /** Undo/redo per video, over that video's segments; bumped to make `canUndo` reactive. */
  // Not a SvelteMap: History objects mutate inside, which no map could track; `tick` says when.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private histories = new Map<string, History<Segment[]>>();
  /**
   * Per video, when each undo / redo step was made (nextSeq), parallel to its History: AppState
   * compares the newest with the project-level steps (deletes) to undo the newest of all.
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private seqs = new Map<string, { undo: number[]; redo: number[] }>();
  tick = $state(0);

  /**
   * @param edits Timeline edits, undo and redo run one after another on it (shared with the
   *   project-level steps): an undo pressed right after a drag, before its save returned, must undo
   *   that drag, not find the history as it was before it.
   */
  constructor(
    private readonly project: ProjectState,
    private readonly notices: Notices,
    private readonly edits: SerialQueue,
  ) {
    project.onProjectChanged(() => this.reset());
  }

  reset(): void {
    this.histories.clear();
    this.seqs.clear();
    this.tick++;
  }

  /** The histories with steps to undo or redo, as plain data (kept across a reload). */
  dump(): Record<string, SavedVideoHistory> {
    const out: Record<string, SavedVideoHistory> = {};
    for (const [id, h] of this.histories) {
      const seq = this.seqs.get(id);
      if (!seq || (h.undoSize === 0 && h.redoSize === 0)) continue;
      out[id] = { history: h.dump(), undo: seq.undo.slice(), redo: seq.redo.slice() };
    }
    return out;
  }

  /** Takes back histories from `dump()` (checked against the project by loadUndo). */
  load(saved: Record<string, SavedVideoHistory>): void {
    for (const [id, s] of Object.entries(saved)) {
      try {
        this.histories.set(id, History.restore(s.history, { equals: sameSegments }));
        this.seqs.set(id, { undo: s.undo.slice(), redo: s.redo.slice() });
      } catch {
        // A damaged copy: that video starts with an empty history.
      }
    }
    this.tick++;
  }

  private historyFor(videoId: string): History<Segment[]> {
    const current = $state.snapshot(this.project.segmentsOf(videoId)) as Segment[];
    let h = this.histories.get(videoId);
    // A job (predictions) or another window changed this video's segments: history restarts there.
    if (!h || !sameSegments(h.present, current)) {
      h = new History<Segment[]>(current, { equals: sameSegments });
      this.histories.set(videoId, h);
      this.seqs.set(videoId, { undo: [], redo: [] });
    }
    return h;
  }

  private saveSegments(label: string, videoId: string, next: Segment[]): Promise<boolean> {
    return this.project.saveProject(label, (p) => {
      p.segments = [...p.segments.filter((x) => x.videoId !== videoId), ...next];
    });
  }

  /** Replaces a video's segments (one timeline gesture) as one undoable step. */
  editSegments(videoId: string, next: Segment[], label: string): Promise<boolean> {
    return this.edits.run(async () => {
      const h = this.historyFor(videoId);
      const ok = await this.saveSegments(label, videoId, next);
      if (ok && h.push(next, { label })) {
        const seq = this.seqs.get(videoId)!;
        seq.undo = [...seq.undo, nextSeq()].slice(-h.undoSize);
        seq.redo = [];
        this.tick++;
      }
      return ok;
    });
  }

  canUndo(videoId: string): boolean {
    void this.tick;
    const h = this.histories.get(videoId);
    return !!h && h.canUndo() && sameSegments(h.present, this.project.segmentsOf(videoId));
  }

  canRedo(videoId: string): boolean {
    void this.tick;
    const h = this.histories.get(videoId);
    return !!h && h.canRedo() && sameSegments(h.present, this.project.segmentsOf(videoId));
  }

  /** When the step undo(videoId) would revert was made, or null when there is none. */
  undoSeq(videoId: string): number | null {
    return this.canUndo(videoId) ? (this.seqs.get(videoId)?.undo.at(-1) ?? null) : null;
  }

  redoSeq(videoId: string): number | null {
    return this.canRedo(videoId) ? (this.seqs.get(videoId)?.redo.at(-1) ?? null) : null;
  }

  /**
   * Undoes or redoes the video's newest step. Not queued itself: AppState calls it from inside the
   * edit queue, where it has just chosen this history over the project-level one.
   */
  async travel(videoId: string, way: 'undo' | 'redo'): Promise<void> {
    if (!(way === 'undo' ? this.canUndo(videoId) : this.canRedo(videoId))) return;
    const h = this.histories.get(videoId)!;
    const label = way === 'undo' ? h.undoLabel() : h.redoLabel();
    const target = way === 'undo' ? h.undo() : h.redo();
    if (!target) return;
    const ok = await this.saveSegments(`${way === 'undo' ? 'Undo' : 'Redo'} ${label ?? ''}`.trim(), videoId, target);
    // The save failed: step back so the history matches what is on disk.
    if (!ok) void (way === 'undo' ? h.redo() : h.undo());
    else {
      const seq = this.seqs.get(videoId)!;
      const [from, to] = way === 'undo' ? [seq.undo, seq.redo] : [seq.redo, seq.undo];
      const moved = from.pop();
      if (moved !== undefined) to.push(moved);
    }
    this.tick++;
  }

  addSegment(videoId: string, start: number, end: number, classId: string): Promise<boolean> {
    if (!(end > start)) {
      this.notices.toast('error', 'The Out point must be after the In point.');
      return Promise.resolve(false);
    }
    const seg: Segment = { id: newLocalId('seg'), videoId, start, end, classId, captions: [], source: 'user' };
    return this.editSegments(videoId, [...this.project.segmentsOf(videoId), seg], 'Add segment');
  }

  deleteSegment(segmentId: string): Promise<boolean> {
    const seg = this.project.segments.find((x) => x.id === segmentId);
    if (!seg) return Promise.resolve(false);
    const rest = this.project.segmentsOf(seg.videoId).filter((x) => x.id !== segmentId);
    return this.editSegments(seg.videoId, rest, 'Delete segment');
  }
}
