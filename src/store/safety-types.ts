/**
 * Types of kept versions and relinking that the contract (and so the renderer, which has no Node
 * types) needs; the code that makes them is in backups.ts and relink.ts.
 */

export interface ProjectVersion {
  /** Stable name of the version (its file name without `project-` and `.json`). */
  id: string;
  /** When this version was saved (the project's updatedAt). */
  savedAt: string;
  revision: number;
  bytes: number;
  videos: number;
  classes: number;
  segments: number;
}

export interface RelinkResult {
  relinked: { videoId: string; from: string; to: string }[];
  /** Still missing: not found in the folder (or without a content hash to recognise it by). */
  missing: { videoId: string; path: string; reason: 'not found' | 'no content hash' }[];
  /** Video files checked in the folder. */
  scanned: number;
}
