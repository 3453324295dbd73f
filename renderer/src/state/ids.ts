import type { Segment } from '../../../src/store/schema.js';

/** Ids for classes and segments made in the UI (the core accepts any unique non-empty id). */
export function newLocalId(prefix: string): string {
  const rand = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return `${prefix}_${rand.replace(/-/g, '').slice(0, 12)}`;
}

/** Same segments, in any order (histories compare states after a server round trip). */
export function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  if (a.length !== b.length) return false;
  const key = (x: Segment): string => JSON.stringify([x.id, x.start, x.end, x.classId, x.captions, x.source, x.score]);
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.every((k, i) => k === kb[i]);
}
