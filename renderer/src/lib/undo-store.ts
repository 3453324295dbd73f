/**
 * The undo history of a project kept across a reload (in sessionStorage: one window's history,
 * not shared with another window on the same project). Stored with the project revision it
 * belongs to; when the project was saved by someone else since, only what still matches the
 * project is taken back, and the rest is dropped. Pure, over any Storage-like object.
 */
import type { ProjectSnapshot } from '../../../src/services/contract.js';
import type { Project, Segment } from '../../../src/store/schema.js';
import { sameSegments } from '../state/ids.js';
import type { ProjectStep } from './project-undo.js';
import type { HistoryDump } from './timeline/history.js';

export interface SavedVideoHistory {
  history: HistoryDump<Segment[]>;
  /** When each undo / redo step was made (SegmentHistory's seqs). */
  undo: number[];
  redo: number[];
}

export interface SavedUndo {
  v: 1;
  root: string;
  /** The project revision the history was written at. */
  revision: number;
  /** The videos and classes then: project-level steps are only meaningful on the same ones. */
  fingerprint: string;
  project: { undo: ProjectStep[]; redo: ProjectStep[] };
  videos: Record<string, SavedVideoHistory>;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** At most this many characters per project (sessionStorage holds about 5 MB in all). */
export const UNDO_STORE_CAP = 1_000_000;

export const undoStoreKey = (root: string): string => `framewise.undo:${root}`;

export function projectFingerprint(p: Project): string {
  return JSON.stringify([p.videos.map((v) => v.id), p.classes.map((c) => [c.id, c.name])]);
}

/** The newest step of a saved video history (for deciding which to drop first). */
function newest(h: SavedVideoHistory): number {
  return Math.max(h.undo.at(-1) ?? 0, h.redo.at(-1) ?? 0);
}

/**
 * Writes the history, dropping whole video histories, least recently edited first, until it fits
 * in `cap`; the project-level steps go last. Returns what was written (null: nothing fitted).
 */
export function saveUndo(storage: StorageLike | null, saved: SavedUndo, cap = UNDO_STORE_CAP): string | null {
  if (!storage) return null;
  const key = undoStoreKey(saved.root);
  const videos = Object.entries(saved.videos).sort(([, a], [, b]) => newest(b) - newest(a));
  const fit = (t: string): string | null => (t.length <= cap ? t : null);
  let text: string | null = null;
  for (let keep = videos.length; keep >= 0 && text === null; keep--)
    text = fit(JSON.stringify({ ...saved, videos: Object.fromEntries(videos.slice(0, keep)) }));
  const steps = saved.project.undo;
  for (let keep = steps.length; keep >= 0 && text === null; keep--)
    text = fit(JSON.stringify({ ...saved, videos: {}, project: { undo: steps.slice(steps.length - keep), redo: [] } }));
  try {
    if (text === null) storage.removeItem(key);
    else storage.setItem(key, text);
  } catch {
    // Storage full or disabled: undo still works until the next reload, it is just not kept.
    return null;
  }
  return text;
}

/**
 * Reads back what still applies to the project as it is now: everything at the same revision;
 * after someone else saved, a video's history only if its segments are still the ones the history
 * ends at, and the project-level steps only on the same videos and classes. Anything else is
 * dropped (and so is the stored copy when nothing is left). Null when there is nothing to restore.
 */
export function loadUndo(storage: StorageLike | null, snap: ProjectSnapshot): SavedUndo | null {
  if (!storage) return null;
  const key = undoStoreKey(snap.root);
  let saved: SavedUndo;
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    saved = JSON.parse(raw) as SavedUndo;
    if (saved?.v !== 1 || saved.root !== snap.root || typeof saved.videos !== 'object' || !saved.project)
      throw new TypeError('not an undo history');
  } catch {
    storage.removeItem(key);
    return null;
  }
  const p = snap.project;
  // Nobody saved since: every history is as it was (one of a removed video, or of a video whose
  // segments a project step changed, applies again once that step is undone).
  const unchanged = saved.revision === snap.revision;
  const videos: Record<string, SavedVideoHistory> = {};
  for (const [id, h] of Object.entries(saved.videos)) {
    const current = p.segments.filter((s) => s.videoId === id);
    const present = h?.history?.current?.state;
    if (!Array.isArray(present)) continue;
    if (unchanged || (p.videos.some((v) => v.id === id) && sameSegments(present, current))) videos[id] = h;
  }
  const sameProject = unchanged || saved.fingerprint === projectFingerprint(p);
  const project = sameProject ? saved.project : { undo: [], redo: [] };
  if (Object.keys(videos).length === 0 && project.undo.length === 0 && project.redo.length === 0) {
    storage.removeItem(key);
    return null;
  }
  return { ...saved, project, videos };
}
