/**
 * App state with Svelte 5 runes. One object, passed to components as a prop: the app shell is
 * small enough that a store library would only add indirection.
 */
import type { ApiEvent, JobState, ProjectSnapshot, SystemInfo } from '../../src/services/contract.js';
import type { ProjectVideo } from '../../src/store/schema.js';
import type { Client } from './api-client.js';
import { toApiCallError } from './errors.js';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

const INFO_TOAST_MS = 5000;

export class AppState {
  readonly client: Client;
  info = $state<SystemInfo | null>(null);
  infoError = $state<string | null>(null);
  snapshot = $state<ProjectSnapshot | null>(null);
  jobs = $state<Record<string, JobState>>({});
  selectedId = $state<string | null>(null);
  toasts = $state<Toast[]>([]);
  connected = $state(true);
  /** videoId → data: URL, or '' while loading / when it failed. */
  thumbs = $state<Record<string, string>>({});
  /** Label of the action in progress ("Opening project…"), disables the forms meanwhile. */
  busy = $state<string | null>(null);
  /** False until the first state load finished (avoids flashing the "no project" form). */
  loaded = $state(false);

  readonly videos = $derived<ProjectVideo[]>(this.snapshot?.project.videos ?? []);
  readonly selected = $derived<ProjectVideo | null>(this.videos.find((v) => v.id === this.selectedId) ?? null);
  readonly jobList = $derived<JobState[]>(Object.values(this.jobs).reverse());

  private nextToast = 1;

  constructor(client: Client) {
    this.client = client;
  }

  /** Subscribes to events and loads the initial state; returns the unsubscribe function. */
  start(): () => void {
    const offEvent = this.client.onEvent((e) => this.handleEvent(e));
    let wasDown = false;
    const offConn = this.client.onConnection((up) => {
      this.connected = up;
      // Events sent while the stream was down are lost: re-read the state instead.
      if (up && wasDown) void this.refresh();
      wasDown = !up;
    });
    void this.refresh();
    return () => {
      offEvent();
      offConn();
    };
  }

  async refresh(): Promise<void> {
    await Promise.all([
      this.client.call('system.info', {}).then(
        (info) => {
          this.info = info;
          this.infoError = null;
        },
        (e: unknown) => {
          this.infoError = toApiCallError(e).message;
        },
      ),
      this.attempt(async () => this.setSnapshot(await this.client.call('project.current', {}))),
      this.attempt(async () => {
        const list = await this.client.call('jobs.list', {});
        this.jobs = Object.fromEntries(list.map((j) => [j.jobId, j]));
      }),
    ]);
    this.loaded = true;
  }

  handleEvent(e: ApiEvent): void {
    switch (e.type) {
      case 'job':
        this.jobs[e.job.jobId] = e.job;
        if (e.job.status === 'failed' && e.job.error) this.toast('error', `${e.job.label}: ${e.job.error.message}`);
        break;
      case 'project':
        this.setSnapshot(e.snapshot);
        break;
      case 'backend':
        if (this.info) this.info.featureBackend = e.featureBackend;
        break;
    }
  }

  setSnapshot(s: ProjectSnapshot | null): void {
    this.snapshot = s;
    const ids = new Set(s?.project.videos.map((v) => v.id) ?? []);
    if (this.selectedId && !ids.has(this.selectedId)) this.selectedId = null;
    if (!this.selectedId && s && s.project.videos.length > 0) this.selectedId = s.project.videos[0]!.id;
  }

  /**
   * Runs a user action: shows `label` while it runs, turns any failure into a readable toast, and
   * never lets an error escape to leave the UI half-updated.
   */
  async run<T>(label: string, action: () => Promise<T>): Promise<T | undefined> {
    this.busy = label;
    try {
      return await action();
    } catch (e) {
      this.showError(e);
      return undefined;
    } finally {
      this.busy = null;
    }
  }

  private async attempt(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.showError(e);
    }
  }

  showError(e: unknown): void {
    this.toast('error', toApiCallError(e).message);
  }

  toast(kind: Toast['kind'], message: string): void {
    const id = this.nextToast++;
    this.toasts.push({ id, kind, message });
    // Errors stay until dismissed: a person may need time to read a path in them.
    if (kind === 'info') setTimeout(() => this.dismiss(id), INFO_TOAST_MS);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  async createProject(dir: string, name: string): Promise<void> {
    const snap = await this.run('Creating project…', () => this.client.call('project.create', { dir, name }));
    if (snap) this.setSnapshot(snap);
  }

  async openProject(dir: string): Promise<void> {
    const snap = await this.run('Opening project…', () => this.client.call('project.open', { dir }));
    if (snap) this.setSnapshot(snap);
  }

  async addVideos(paths: string[]): Promise<boolean> {
    if (paths.length === 0) return false;
    const res = await this.run('Adding videos…', () => this.client.call('project.addVideos', { paths }));
    if (!res) return false;
    this.setSnapshot(res.snapshot);
    for (const r of res.rejected) this.toast('error', `Not added: ${r.path}: ${r.message}`);
    return res.rejected.length < paths.length;
  }

  async removeVideo(videoId: string): Promise<void> {
    const snap = await this.run('Removing video…', () => this.client.call('project.removeVideo', { videoId }));
    if (snap) this.setSnapshot(snap);
  }

  async extract(videoIds?: string[]): Promise<void> {
    const ref = await this.run('Starting extraction…', () =>
      this.client.call('features.extract', videoIds ? { videoIds } : {}),
    );
    // The job's own events follow; this placeholder only bridges the gap until the first arrives.
    if (ref && !this.jobs[ref.jobId]) {
      this.jobs[ref.jobId] = {
        jobId: ref.jobId,
        kind: 'extract',
        status: 'running',
        label: 'Extracting features',
        done: 0,
        total: 0,
        rate: 0,
        etaSec: null,
      };
    }
  }

  async cancelJob(jobId: string): Promise<void> {
    await this.attempt(async () => void (await this.client.call('jobs.cancel', { jobId })));
  }

  /** Loads a thumbnail once per video; a failure leaves the placeholder (no toast per video). */
  loadThumb(v: ProjectVideo): void {
    if (v.id in this.thumbs) return;
    this.thumbs[v.id] = '';
    const timeSec = Math.min(1, (v.durationSec ?? 0) / 2);
    this.client.call('video.thumbnail', { videoId: v.id, timeSec, width: 160 }).then(
      (t) => {
        this.thumbs[v.id] = `data:${t.mime};base64,${t.base64}`;
      },
      () => undefined,
    );
  }
}
