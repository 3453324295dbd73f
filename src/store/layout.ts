/**
 * The on-disk layout of a project folder, in one place: every module that reads or writes a
 * project's files takes the names from here (usually through `store.paths`).
 *
 *   <root>/project.json             the project
 *   <root>/backups/                 earlier versions of project.json (store/backups.ts)
 *   <root>/<name>.framewise         link file that opens the project with a double click (project-link.ts)
 *   <root>/features/                cached frame features, keyed by the video's content hash
 *   <root>/models/<name>/           trained action models (training/model-io.ts)
 *   <root>/captioners/<name>/       trained captioners (captioning/captioner-io.ts)
 *   <root>/captions/<videoId>.json  generated captions of a video
 *   <root>/proxies/                 playable proxies of videos the player cannot play as they are
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export const PROJECT_FILE = 'project.json';

/** The folders beside project.json, by what they hold. */
export const PROJECT_FOLDERS = {
  features: 'features',
  models: 'models',
  captioners: 'captioners',
  captions: 'captions',
  proxies: 'proxies',
  backups: 'backups',
} as const;

/** Absolute paths of a project's files and folders. */
export interface ProjectPaths {
  root: string;
  file: string;
  /** Earlier versions of project.json (store/backups.ts). */
  backups: string;
  features: string;
  models: string;
  captioners: string;
  captions: string;
  proxies: string;
}

export function projectPaths(root: string): ProjectPaths {
  const abs = resolve(root);
  const file = join(abs, PROJECT_FILE);
  return {
    root: abs,
    file,
    backups: join(abs, PROJECT_FOLDERS.backups),
    features: join(abs, PROJECT_FOLDERS.features),
    models: join(abs, PROJECT_FOLDERS.models),
    captioners: join(abs, PROJECT_FOLDERS.captioners),
    captions: join(abs, PROJECT_FOLDERS.captions),
    proxies: join(abs, PROJECT_FOLDERS.proxies),
  };
}

/**
 * How a video path is kept in project.json: relative (with "/") when the file is inside the
 * project folder, so a moved or copied project folder keeps finding its videos; else as given.
 */
export function storedVideoPath(paths: ProjectPaths, p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(paths.root, p);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return p;
  return rel.split(sep).join('/');
}
