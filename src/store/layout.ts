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
import { join, resolve } from 'node:path';

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
