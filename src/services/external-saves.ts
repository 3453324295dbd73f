/**
 * Tells the UI when another program (the CLI, a second app) saved the open project: the store
 * notices it when it saves (and then refuses or merges, project-store.ts), and a stat watch on
 * project.json notices it between saves, so the UI shows the new version before the next edit.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { ProjectStore } from '../store/project-store.js';
import type { ApiEvent } from './contract.js';

/** How often project.json's mtime is looked at; a stat is cheap, and a person needs no faster. */
const POLL_MS = 2000;

/** Starts watching `store`; returns the function that stops it. */
export function watchForOtherSaves(store: ProjectStore, emit: (e: ApiEvent) => void, publish: () => void): () => void {
  const off = store.onExternalChange((c) => {
    emit({
      type: 'project.external',
      revision: c.to,
      previous: c.from,
      refused: c.refused,
      message: c.refused
        ? 'This project was saved by another program (the CLI or another window); your last change was not saved. The newer version is shown: please repeat the change.'
        : 'This project was saved by another program (the CLI or another window); the newer version is shown.',
    });
    publish();
  });
  const onStat = (): void => void store.refresh().catch(() => undefined);
  const watcher = watchFile(store.paths.file, { interval: POLL_MS, persistent: false }, onStat);
  watcher.unref?.();
  return () => {
    off();
    unwatchFile(store.paths.file, onStat);
  };
}
