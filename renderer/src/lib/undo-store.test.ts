import { describe, expect, it } from 'vitest';
import type { ProjectSnapshot } from '../../../src/services/contract.js';
import type { Project, Segment } from '../../../src/store/schema.js';
import { deleteClassStep } from './project-undo.js';
import { History } from './timeline/history.js';
import {
  loadUndo,
  projectFingerprint,
  saveUndo,
  undoStoreKey,
  type SavedUndo,
  type SavedVideoHistory,
} from './undo-store.js';

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const seg = (id: string, videoId: string, start: number): Segment => ({
  id,
  videoId,
  start,
  end: start + 1,
  classId: 'c1',
  captions: [],
  source: 'user',
});

function snapshot(segments: Segment[], revision = 7, classes = [{ id: 'c1', name: 'wave', color: '#f00' }]) {
  const project: Project = {
    format: 'framewise-project',
    version: 1,
    name: 'p',
    createdAt: '',
    updatedAt: '',
    videos: [
      { id: 'v1', path: 'a.mp4', addedAt: '' },
      { id: 'v2', path: 'b.mp4', addedAt: '' },
    ],
    classes,
    segments,
    settings: { backboneId: 'b', fps: 4, clipLength: 16 },
  };
  return { root: '/projects/p', project, revision, features: {}, playback: {} } satisfies ProjectSnapshot;
}

/** A video history that went from no segments to `after`, one step, made at `seq`. */
function videoHistory(after: Segment[], seq: number): SavedVideoHistory {
  const h = new History<Segment[]>([]);
  h.push(after, { label: 'Add segment' });
  return { history: h.dump(), undo: [seq], redo: [] };
}

function saved(snap: ReturnType<typeof snapshot>, videos: Record<string, SavedVideoHistory>): SavedUndo {
  const step = deleteClassStep(
    { ...snap.project, classes: [...snap.project.classes, { id: 'c9', name: 'x', color: '#000' }] },
    'c9',
    5,
  )!;
  return {
    v: 1,
    root: snap.root,
    revision: snap.revision,
    fingerprint: projectFingerprint(snap.project),
    project: { undo: [step], redo: [] },
    videos,
  };
}

describe('undo history across a reload', () => {
  const a = [seg('s1', 'v1', 0)];
  const b = [seg('s2', 'v2', 0)];

  it('comes back whole at the same revision', () => {
    const storage = new MemoryStorage();
    const snap = snapshot([...a, ...b]);
    const data = saved(snap, { v1: videoHistory(a, 1), v2: videoHistory(b, 2) });
    saveUndo(storage, data);
    expect(loadUndo(storage, snap)).toEqual(data);
    // At the same revision, also the history of a video whose segments a project step removed.
    expect(Object.keys(loadUndo(storage, snapshot([...b]))!.videos).sort()).toEqual(['v1', 'v2']);
    // Another project's history is its own.
    expect(loadUndo(storage, { ...snap, root: '/projects/other' })).toBeNull();
  });

  it('after a save by someone else, keeps only what still matches the project', () => {
    const storage = new MemoryStorage();
    const snap = snapshot([...a, ...b]);
    saveUndo(storage, saved(snap, { v1: videoHistory(a, 1), v2: videoHistory(b, 2) }));
    // Another program moved v2's segment and renamed the class: v2's history and the class step
    // would undo to states that never were; v1's history still ends where v1 is.
    const changed = snapshot([...a, { ...b[0]!, start: 0.5 }], 9, [{ id: 'c1', name: 'waving', color: '#f00' }]);
    const back = loadUndo(storage, changed)!;
    expect(Object.keys(back.videos)).toEqual(['v1']);
    expect(back.project.undo).toEqual([]);
    // Same videos and classes, only segments elsewhere changed: the class step still applies.
    saveUndo(storage, saved(snap, { v1: videoHistory(a, 1) }));
    expect(loadUndo(storage, snapshot([...a], 10))!.project.undo).toHaveLength(1);
  });

  it('drops the stored copy when nothing applies or it is damaged', () => {
    const storage = new MemoryStorage();
    const snap = snapshot([...a, ...b]);
    const data = saved(snap, { v1: videoHistory(a, 1) });
    saveUndo(storage, { ...data, project: { undo: [], redo: [] } });
    expect(loadUndo(storage, snapshot([], 8))).toBeNull();
    expect(storage.items.has(undoStoreKey(snap.root))).toBe(false);
    storage.setItem(undoStoreKey(snap.root), '{"v":1,"root":');
    expect(loadUndo(storage, snap)).toBeNull();
    expect(storage.items.has(undoStoreKey(snap.root))).toBe(false);
  });

  it('stays under the size cap by dropping the least recently edited videos first', () => {
    const storage = new MemoryStorage();
    const many = (videoId: string, n: number) =>
      Array.from({ length: n }, (_, i) => seg(`${videoId}-${i}`, videoId, i));
    const snap = snapshot([]);
    const data = saved(snap, { v1: videoHistory(many('v1', 200), 10), v2: videoHistory(many('v2', 200), 20) });
    const full = JSON.stringify(data).length;
    const text = saveUndo(storage, data, Math.floor(full * 0.75))!;
    expect(text.length).toBeLessThanOrEqual(full * 0.75);
    expect(Object.keys((JSON.parse(text) as SavedUndo).videos)).toEqual(['v2']);
    // Not even the project steps fit: nothing is stored rather than a cut-off copy.
    expect(saveUndo(storage, data, 50)).toBeNull();
    expect(storage.items.size).toBe(0);
  });
});
