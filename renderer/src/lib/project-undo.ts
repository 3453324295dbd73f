/**
 * Project-level undo steps: deleting a video, deleting a class, merging two classes. Each step
 * records what is needed to put things back exactly (ids, places in the lists, the segments), as
 * plain data, so the steps can be kept across a reload. Pure: the state slice saves the results.
 */
import type { Project, ProjectClass, ProjectVideo, Segment } from '../../../src/store/schema.js';

interface StepBase {
  /** Orders this step against the per-video segment steps: Ctrl+Z undoes the newest of all. */
  seq: number;
  /** "Delete video clip.mp4", for "Undo Delete video clip.mp4". */
  label: string;
}

export type ProjectStep =
  | (StepBase & { kind: 'delete-video'; video: ProjectVideo; index: number; segments: Segment[] })
  | (StepBase & { kind: 'delete-class'; cls: ProjectClass; index: number; segments: Segment[] })
  | (StepBase & { kind: 'merge-class'; from: ProjectClass; index: number; intoId: string; segmentIds: string[] });

let lastSeq = 0;

/** Increasing numbers, also across reloads (they start from the clock), for ordering steps. */
export function nextSeq(now = Date.now()): number {
  lastSeq = Math.max(now, lastSeq + 1);
  return lastSeq;
}

/**
 * Which history Ctrl+Z undoes: the newer of the selected video's segment edit and the project-level
 * step (their seqs, null when there is none).
 */
export function undoTarget(edit: number | null, step: number | null): 'edit' | 'step' | null {
  if (step !== null && (edit === null || step > edit)) return 'step';
  return edit !== null ? 'edit' : null;
}

/** Which history redo takes: the step undone last, which is the older of the two. */
export function redoTarget(edit: number | null, step: number | null): 'edit' | 'step' | null {
  if (step !== null && (edit === null || step < edit)) return 'step';
  return edit !== null ? 'edit' : null;
}

/** Steps read back after a reload: later steps must still come after them. */
export function seenSeqs(seqs: readonly number[]): void {
  for (const s of seqs) if (Number.isFinite(s)) lastSeq = Math.max(lastSeq, s);
}

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

export function deleteVideoStep(p: Project, videoId: string, seq: number): ProjectStep | null {
  const index = p.videos.findIndex((v) => v.id === videoId);
  if (index < 0) return null;
  const video = p.videos[index]!;
  const segments = p.segments.filter((s) => s.videoId === videoId);
  return { kind: 'delete-video', seq, label: `Delete video ${fileName(video.path)}`, video, index, segments };
}

export function deleteClassStep(p: Project, classId: string, seq: number): ProjectStep | null {
  const index = p.classes.findIndex((c) => c.id === classId);
  if (index < 0) return null;
  const cls = p.classes[index]!;
  const segments = p.segments.filter((s) => s.classId === classId);
  return { kind: 'delete-class', seq, label: `Delete class ${cls.name}`, cls, index, segments };
}

export function mergeClassStep(p: Project, fromId: string, intoId: string, seq: number): ProjectStep | null {
  const index = p.classes.findIndex((c) => c.id === fromId);
  const into = p.classes.find((c) => c.id === intoId);
  if (index < 0 || !into || fromId === intoId) return null;
  const from = p.classes[index]!;
  const segmentIds = p.segments.filter((s) => s.classId === fromId).map((s) => s.id);
  return { kind: 'merge-class', seq, label: `Merge ${from.name} into ${into.name}`, from, index, intoId, segmentIds };
}

const hasVideo = (p: Project, id: string): boolean => p.videos.some((v) => v.id === id);
const hasClass = (p: Project, id: string): boolean => p.classes.some((c) => c.id === id);

/**
 * Whether undoing the step still means what it meant: the project may have changed since (another
 * window, the CLI, a restored version), and then the step is dropped instead of applied.
 */
export function canRevert(p: Project, step: ProjectStep): boolean {
  switch (step.kind) {
    case 'delete-video':
      return !hasVideo(p, step.video.id);
    case 'delete-class':
      return !hasClass(p, step.cls.id);
    case 'merge-class':
      return !hasClass(p, step.from.id) && hasClass(p, step.intoId);
  }
}

/** Whether redoing the step still can be done. */
export function canApply(p: Project, step: ProjectStep): boolean {
  switch (step.kind) {
    case 'delete-video':
      return hasVideo(p, step.video.id);
    case 'delete-class':
      return hasClass(p, step.cls.id);
    case 'merge-class':
      return hasClass(p, step.from.id) && hasClass(p, step.intoId);
  }
}

/** Deletes a class and its segments. */
export function applyDeleteClass(p: Project, classId: string): void {
  p.segments = p.segments.filter((seg) => seg.classId !== classId);
  p.classes = p.classes.filter((c) => c.id !== classId);
}

/** Moves every segment of `fromId` to `intoId` and removes `fromId`. */
export function applyMergeClass(p: Project, fromId: string, intoId: string): void {
  for (const seg of p.segments) if (seg.classId === fromId) seg.classId = intoId;
  p.classes = p.classes.filter((c) => c.id !== fromId);
}

/** Redoes a class step on the project being saved (video steps go through the core). */
export function applyClassStep(p: Project, step: ProjectStep): void {
  if (step.kind === 'delete-class') applyDeleteClass(p, step.cls.id);
  else if (step.kind === 'merge-class') applyMergeClass(p, step.from.id, step.intoId);
}

/** Undoes a class step on the project being saved: the class back in its place, its segments back. */
export function revertClassStep(p: Project, step: ProjectStep): void {
  if (step.kind === 'delete-video') return;
  const cls = step.kind === 'delete-class' ? step.cls : step.from;
  p.classes.splice(Math.min(step.index, p.classes.length), 0, { ...cls });
  if (step.kind === 'delete-class') {
    const ids = new Set(p.segments.map((s) => s.id));
    // Segments of a video deleted meanwhile stay gone with it (undoing that delete brings them back).
    p.segments.push(...step.segments.filter((s) => !ids.has(s.id) && hasVideo(p, s.videoId)).map((s) => ({ ...s })));
  } else {
    const moved = new Set(step.segmentIds);
    for (const seg of p.segments) if (moved.has(seg.id) && seg.classId === step.intoId) seg.classId = step.from.id;
  }
}
