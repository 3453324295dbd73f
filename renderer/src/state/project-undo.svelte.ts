/**
 * Undo / redo of the project-level deletes: a video (asked first), a class, a merge of two classes.
 * Segment edits keep their per-video history (segments.svelte.ts); AppState undoes whichever of
 * the two is newer.
 */
import type { Client } from '../api-client.js';
import { basename } from '../format.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import {
  applyClassStep,
  canApply,
  canRevert,
  deleteClassStep,
  deleteVideoStep,
  mergeClassStep,
  nextSeq,
  revertClassStep,
  type ProjectStep,
} from '../lib/project-undo.js';
import type { Notices } from './notices.svelte.js';
import type { ProjectState } from './project.svelte.js';

/** Steps kept; a delete older than this many project-level steps can no longer be undone. */
export const PROJECT_UNDO_CAPACITY = 50;

export class ProjectUndo {
  undoStack = $state<ProjectStep[]>([]);
  redoStack = $state<ProjectStep[]>([]);
  /** @param edits The edit queue shared with the segment edits (see SegmentHistory). */
  constructor(
    private readonly client: Client,
    private readonly project: ProjectState,
    private readonly notices: Notices,
    private readonly edits: SerialQueue,
  ) {}

  reset(undo: ProjectStep[] = [], redo: ProjectStep[] = []): void {
    this.undoStack = undo;
    this.redoStack = redo;
  }

  /** The seq of the step undo() would revert, or null. */
  undoSeq(): number | null {
    return this.undoStack.at(-1)?.seq ?? null;
  }

  redoSeq(): number | null {
    return this.redoStack.at(-1)?.seq ?? null;
  }

  private record(step: ProjectStep): void {
    this.undoStack = [...this.undoStack, step].slice(-PROJECT_UNDO_CAPACITY);
    this.redoStack = [];
  }

  /** Removes a video from the project (the file stays) after asking; undoable. */
  deleteVideo(videoId: string, ask: (message: string) => boolean = (m) => confirm(m)): Promise<boolean> {
    return this.edits.run(async () => {
      const p = this.project.snapshot?.project;
      const step = p ? deleteVideoStep($state.snapshot(p), videoId, nextSeq()) : null;
      if (!step || step.kind !== 'delete-video') return false;
      const n = step.segments.length;
      const name = basename(step.video.path);
      const segs = n > 0 ? ` and its ${n} segment${n === 1 ? '' : 's'}` : '';
      if (!ask(`Remove ${name}${segs} from the project? The file is kept, and Ctrl+Z brings it back.`)) return false;
      if (!(await this.removeVideo(videoId))) return false;
      this.record(step);
      return true;
    });
  }

  deleteClass(classId: string): Promise<boolean> {
    return this.edits.run(async () => {
      const p = this.project.snapshot?.project;
      const step = p ? deleteClassStep($state.snapshot(p), classId, nextSeq()) : null;
      if (!step) return false;
      const ok = await this.project.saveProject('Deleting class…', (draft) => applyClassStep(draft, step));
      if (ok) this.record(step);
      return ok;
    });
  }

  mergeClass(fromId: string, intoId: string): Promise<boolean> {
    return this.edits.run(async () => {
      const p = this.project.snapshot?.project;
      const step = p ? mergeClassStep($state.snapshot(p), fromId, intoId, nextSeq()) : null;
      if (!step) return false;
      const ok = await this.project.saveProject('Merging classes…', (draft) => applyClassStep(draft, step));
      if (ok) this.record(step);
      return ok;
    });
  }

  /** Undoes or redoes the newest step; like SegmentHistory.travel, called inside the edit queue. */
  async travel(way: 'undo' | 'redo'): Promise<void> {
    const from = way === 'undo' ? this.undoStack : this.redoStack;
    const step = from.at(-1);
    const p = this.project.snapshot?.project;
    if (!step || !p) return;
    const rest = from.slice(0, -1);
    if (way === 'undo') this.undoStack = rest;
    else this.redoStack = rest;
    const title = `${way === 'undo' ? 'Undo' : 'Redo'} ${step.label}`;
    const still = way === 'undo' ? canRevert($state.snapshot(p), step) : canApply($state.snapshot(p), step);
    if (!still) {
      this.notices.toast('info', `${title}: the project changed since, so this step was dropped.`);
      return;
    }
    const ok = way === 'undo' ? await this.revert(step, title) : await this.apply(step, title);
    // A failed step is dropped (its toast says why): kept, it would block every step before it.
    if (!ok) return;
    if (way === 'undo') this.redoStack = [...this.redoStack, step];
    else this.undoStack = [...this.undoStack, step];
  }

  private async revert(step: ProjectStep, title: string): Promise<boolean> {
    if (step.kind !== 'delete-video')
      return this.project.saveProject(`${title}…`, (draft) => revertClassStep(draft, step));
    const { video, segments, index } = step;
    const snap = await this.notices.run(`${title}…`, () =>
      this.client.call('project.restoreVideo', { video, segments, index }),
    );
    if (!snap) return false;
    this.project.setSnapshot(snap);
    this.project.selectedId = video.id;
    return true;
  }

  private async apply(step: ProjectStep, title: string): Promise<boolean> {
    if (step.kind === 'delete-video') return this.removeVideo(step.video.id, `${title}…`);
    return this.project.saveProject(`${title}…`, (draft) => applyClassStep(draft, step));
  }

  private async removeVideo(videoId: string, label = 'Removing video…'): Promise<boolean> {
    const snap = await this.notices.run(label, () => this.client.call('project.removeVideo', { videoId }));
    if (snap) this.project.setSnapshot(snap);
    return snap !== undefined;
  }
}
