import { describe, expect, it } from 'vitest';
import type { Project, Segment } from '../../../src/store/schema.js';
import {
  applyClassStep,
  canApply,
  canRevert,
  deleteClassStep,
  deleteVideoStep,
  mergeClassStep,
  nextSeq,
  redoTarget,
  revertClassStep,
  undoTarget,
} from './project-undo.js';

const seg = (id: string, videoId: string, classId: string): Segment => ({
  id,
  videoId,
  start: Number(id.slice(1)),
  end: Number(id.slice(1)) + 1,
  classId,
  captions: [`caption ${id}`],
  source: 'user',
});

function project(): Project {
  return {
    format: 'framewise-project',
    version: 1,
    name: 'p',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    videos: [
      { id: 'v1', path: '/footage/a.mp4', addedAt: '2026-01-01T00:00:00.000Z' },
      { id: 'v2', path: '/footage/b.mp4', addedAt: '2026-01-01T00:00:00.000Z' },
    ],
    classes: [
      { id: 'c1', name: 'wave', color: '#ff0000' },
      { id: 'c2', name: 'jump', color: '#00ff00' },
      { id: 'c3', name: 'sit', color: '#0000ff' },
    ],
    segments: [seg('s1', 'v1', 'c1'), seg('s2', 'v1', 'c2'), seg('s3', 'v2', 'c2'), seg('s4', 'v2', 'c3')],
    settings: { backboneId: 'b', fps: 4, clipLength: 16 },
  };
}

const byId = (p: Project): Segment[] => [...p.segments].sort((a, b) => a.id.localeCompare(b.id));

describe('project undo steps', () => {
  it('undoing a class delete brings the class back in its place with its segments', () => {
    const p = project();
    const step = deleteClassStep(p, 'c2', 1)!;
    expect(step.label).toBe('Delete class jump');
    applyClassStep(p, step);
    expect(p.classes.map((c) => c.id)).toEqual(['c1', 'c3']);
    expect(p.segments.map((s) => s.id)).toEqual(['s1', 's4']);
    expect(canRevert(p, step)).toBe(true);
    revertClassStep(p, step);
    expect(p.classes).toEqual(project().classes);
    expect(byId(p)).toEqual(project().segments);
    expect(canRevert(p, step)).toBe(false);
    expect(canApply(p, step)).toBe(true);
  });

  it('undoing a merge moves back only the segments that were merged', () => {
    const p = project();
    const step = mergeClassStep(p, 'c3', 'c2', 2)!;
    expect(step.label).toBe('Merge sit into jump');
    applyClassStep(p, step);
    expect(p.segments.map((s) => s.classId)).toEqual(['c1', 'c2', 'c2', 'c2']);
    // A segment labelled jump after the merge stays jump.
    p.segments.push(seg('s5', 'v1', 'c2'));
    revertClassStep(p, step);
    expect(p.classes).toEqual(project().classes);
    expect(p.segments.map((s) => s.classId)).toEqual(['c1', 'c2', 'c2', 'c3', 'c2']);
  });

  it('a step is dropped when the project changed so that it no longer applies', () => {
    const p = project();
    const merge = mergeClassStep(p, 'c3', 'c2', 3)!;
    applyClassStep(p, merge);
    // The class merged into was deleted meanwhile (say in another window): undo cannot mean anything.
    p.classes = p.classes.filter((c) => c.id !== 'c2');
    expect(canRevert(p, merge)).toBe(false);
    const del = deleteVideoStep(project(), 'v2', 4)!;
    expect(del).toMatchObject({ label: 'Delete video b.mp4', index: 1 });
    expect(del.kind === 'delete-video' && del.segments.map((s) => s.id)).toEqual(['s3', 's4']);
    // The video is still there: nothing to undo; redoing its delete can be done.
    expect(canRevert(project(), del)).toBe(false);
    expect(canApply(project(), del)).toBe(true);
  });

  it('does not bring back segments of a video deleted since', () => {
    const p = project();
    const step = deleteClassStep(p, 'c2', 5)!;
    applyClassStep(p, step);
    p.videos = p.videos.filter((v) => v.id !== 'v2');
    p.segments = p.segments.filter((s) => s.videoId !== 'v2');
    revertClassStep(p, step);
    expect(byId(p).map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('undoes the newest step of all, and redoes the one undone last', () => {
    // Edit (seq 1), then a class delete (seq 2): Ctrl+Z takes the delete first, then the edit.
    expect(undoTarget(1, 2)).toBe('step');
    expect(undoTarget(1, null)).toBe('edit');
    expect(undoTarget(3, 2)).toBe('edit');
    expect(undoTarget(null, null)).toBe(null);
    // Both undone: the edit (seq 1) was undone last, so redo takes it first.
    expect(redoTarget(1, 2)).toBe('edit');
    expect(redoTarget(null, 2)).toBe('step');
    expect(redoTarget(3, 2)).toBe('step');
    expect(redoTarget(null, null)).toBe(null);
  });

  it('orders steps even when made within one millisecond', () => {
    const a = nextSeq(1000);
    const b = nextSeq(1000);
    expect(b).toBeGreaterThan(a);
    expect(nextSeq(5)).toBeGreaterThan(b);
  });
});
