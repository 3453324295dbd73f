/**
 * The app's state, one slice per domain, composed here: this file only builds the slices, wires
 * the events of the core to them and loads the first state. Components take the slices they use.
 */
import type { ApiEvent, ExportArgs, ProjectSnapshot } from '../../../src/services/contract.js';
import type { Client } from '../api-client.js';
import { downloadBase64 } from '../lib/download.js';
import { redoTarget, seenSeqs, undoTarget } from '../lib/project-undo.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { loadUndo, projectFingerprint, saveUndo } from '../lib/undo-store.js';
import { LocalisationState } from '../localisation.svelte.js';
import { ConnectionState } from './connection.svelte.js';
import { JobsState } from './jobs.svelte.js';
import { MediaState } from './media.svelte.js';
import { Notices } from './notices.svelte.js';
import { ProjectState } from './project.svelte.js';
import { ProjectUndo } from './project-undo.svelte.js';
import { SegmentHistory } from './segments.svelte.js';
import { TrainingState } from './training.svelte.js';

export class AppState {
  readonly notices = new Notices();
  readonly connection: ConnectionState;
  readonly project: ProjectState;
  readonly history: SegmentHistory;
  /** Deleting a video or a class, merging classes: undoable, next to the segment edits. */
  readonly projectUndo: ProjectUndo;
  readonly jobs: JobsState;
  readonly training: TrainingState;
  readonly media: MediaState;
  /** The Predict controls' threshold / smoothing / minimum duration, per project. */
  readonly localisation = new LocalisationState();
  /** Where the undo history is kept across a reload (this window's only, hence session storage). */
  private readonly undoStorage = typeof sessionStorage === 'undefined' ? null : sessionStorage;
  /** Segment edits, project-level steps, undo and redo: one after another, in the order made. */
  private readonly edits = new SerialQueue();

  constructor(readonly client: Client) {
    this.connection = new ConnectionState(client);
    this.project = new ProjectState(client, this.notices);
    this.history = new SegmentHistory(this.project, this.notices, this.edits);
    this.projectUndo = new ProjectUndo(client, this.project, this.notices, this.edits);
    this.jobs = new JobsState(client, this.notices);
    this.training = new TrainingState(client, this.jobs, this.notices, () => this.project.snapshot !== null);
    this.media = new MediaState(client, () => this.project.videos);
    this.project.onProjectChanged((s) => {
      this.projectUndo.reset();
      if (s) this.restoreUndo(s);
      this.training.reset();
      this.media.reset();
    });
    // A video the player cannot play gets its playable copy right after import, as a job (the
    // person can cancel it); the player switches to the copy when it is ready.
    this.project.onVideosAdded((ids) => void this.makeProxies(ids));
  }

  /** Takes back the undo history kept for this project before a reload, where it still applies. */
  private restoreUndo(s: ProjectSnapshot): void {
    const saved = loadUndo(this.undoStorage, s);
    if (!saved) return;
    this.history.load(saved.videos);
    this.projectUndo.reset(saved.project.undo, saved.project.redo);
    seenSeqs([
      ...[...saved.project.undo, ...saved.project.redo].map((x) => x.seq),
      ...Object.values(saved.videos).flatMap((v) => [...v.undo, ...v.redo]),
    ]);
  }

  /** Keeps the undo history of the open project for a reload (App.svelte calls it on every change). */
  persistUndo(): void {
    const s = this.project.snapshot;
    if (!s) return;
    saveUndo(this.undoStorage, {
      v: 1,
      root: s.root,
      revision: s.revision,
      fingerprint: projectFingerprint(s.project),
      project: { undo: $state.snapshot(this.projectUndo.undoStack), redo: $state.snapshot(this.projectUndo.redoStack) },
      videos: this.history.dump(),
    });
  }

  /** Starts the playable copies of the added videos that need one (and have none under way). */
  private async makeProxies(ids: string[]): Promise<void> {
    for (const id of ids) {
      const pb = this.project.snapshot?.playback[id];
      if (pb && !pb.playable && !pb.proxy && !this.jobs.runningJob('proxy', id)) await this.jobs.makeProxy(id);
    }
  }

  /** Subscribes to events and loads the initial state; returns the unsubscribe function. */
  start(): () => void {
    const offEvent = this.client.onEvent((e) => this.handleEvent(e));
    const offConn = this.connection.watch(() => void this.refresh());
    void this.refresh();
    return () => {
      offEvent();
      offConn();
    };
  }

  async refresh(): Promise<void> {
    await Promise.all([this.connection.loadInfo(), this.project.load(), this.project.loadRecent(), this.jobs.load()]);
    this.connection.loaded = true;
  }

  handleEvent(e: ApiEvent): void {
    switch (e.type) {
      case 'job':
        this.jobs.update(e.job);
        break;
      case 'job.result':
        this.jobs.applyResult(e.result);
        break;
      case 'project':
        this.project.setSnapshot(e.snapshot);
        break;
      case 'backend':
        this.connection.setFeatureBackend(e.featureBackend, e.featureFallback);
        break;
      case 'training':
      case 'training.result':
        this.training.handleEvent(e);
        break;
    }
  }

  /**
   * Ctrl+Z: undoes the newest step of all, the selected video's segment edit or a project-level
   * delete / merge. Redo takes the step undone last. Which one is decided in the edit queue, after
   * the edits made before the key press have been saved and recorded.
   */
  undo(): Promise<void> {
    const v = this.project.selectedId;
    return this.edits.run(() => {
      const target = undoTarget(v ? this.history.undoSeq(v) : null, this.projectUndo.undoSeq());
      if (target === 'step') return this.projectUndo.travel('undo');
      return v && target === 'edit' ? this.history.travel(v, 'undo') : undefined;
    });
  }

  redo(): Promise<void> {
    const v = this.project.selectedId;
    return this.edits.run(() => {
      const target = redoTarget(v ? this.history.redoSeq(v) : null, this.projectUndo.redoSeq());
      if (target === 'step') return this.projectUndo.travel('redo');
      return v && target === 'edit' ? this.history.travel(v, 'redo') : undefined;
    });
  }

  canUndo(): boolean {
    const v = this.project.selectedId;
    return this.projectUndo.undoSeq() !== null || (!!v && this.history.canUndo(v));
  }

  canRedo(): boolean {
    const v = this.project.selectedId;
    return this.projectUndo.redoSeq() !== null || (!!v && this.history.canRedo(v));
  }

  /** Switches the backbone, asking first when trained models would need retraining. */
  setBackbone(backboneId: string, ask?: (message: string) => boolean): Promise<boolean> {
    const backboneName = this.connection.info?.backbones.find((b) => b.id === backboneId)?.name ?? backboneId;
    return this.project.setBackbone(backboneId, { backboneName, models: this.training.models.length }, ask);
  }

  /**
   * Exports a file: written to `destPath` when given (Electron's save dialog, or a path typed in
   * serve mode), otherwise downloaded through the browser. Returns what happened, for the dialog.
   */
  async exportFile(args: ExportArgs): Promise<{ fileName: string; path: string | null } | null> {
    const res = await this.notices.run('Exporting…', () => this.client.call('export.file', args));
    if (!res) return null;
    if (res.path) {
      this.notices.toast('info', `Saved ${res.path}`);
      return { fileName: res.fileName, path: res.path };
    }
    downloadBase64(res.fileName, res.mime, res.base64 ?? '');
    return { fileName: res.fileName, path: null };
  }
}
