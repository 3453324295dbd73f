/**
 * App state with Svelte 5 runes. One object, passed to components as a prop: the app shell is
 * small enough that a store library would only add indirection.
 */
import type {
  ApiEvent,
  JobState,
  PredictionResult,
  ProjectSnapshot,
  SystemInfo,
  TrainingArgs,
  TrainingEpoch,
  TrainingSummary,
} from '../../src/services/contract.js';
import type { Project, ProjectClass, ProjectVideo, Segment } from '../../src/store/schema.js';
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

  /** The <video> element of the player (the segment editor reads its current time). */
  player = $state.raw<HTMLVideoElement | null>(null);
  /** The training job shown in the Training view, its per-epoch curve and final summary. */
  trainingJobId = $state<string | null>(null);
  trainingEpochs = $state<Record<string, TrainingEpoch[]>>({});
  trainingResults = $state<Record<string, TrainingSummary>>({});
  /** videoId → the last prediction made in this session. */
  predictions = $state<Record<string, PredictionResult>>({});

  readonly videos = $derived<ProjectVideo[]>(this.snapshot?.project.videos ?? []);
  readonly classes = $derived<ProjectClass[]>(this.snapshot?.project.classes ?? []);
  readonly segments = $derived<Segment[]>(this.snapshot?.project.segments ?? []);
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
      case 'training': {
        const list = this.trainingEpochs[e.jobId] ?? [];
        if (!list.some((x) => x.epoch === e.epoch.epoch)) this.trainingEpochs[e.jobId] = [...list, e.epoch];
        break;
      }
      case 'training.result':
        this.trainingResults[e.result.jobId] = e.result;
        this.trainingEpochs[e.result.jobId] = e.result.history;
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

  /** Applies `change` to a copy of the project and saves it through project.save. */
  async saveProject(label: string, change: (p: Project) => void): Promise<boolean> {
    const current = this.snapshot?.project;
    if (!current) return false;
    const next = $state.snapshot(current) as Project;
    change(next);
    const snap = await this.run(label, () => this.client.call('project.save', { project: next }));
    if (snap) this.setSnapshot(snap);
    return snap !== undefined;
  }

  addClass(name: string, color: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.toast('error', 'Give the class a name.');
      return Promise.resolve(false);
    }
    if (this.classes.some((c) => c.name === trimmed)) {
      this.toast('error', `There is already a class "${trimmed}".`);
      return Promise.resolve(false);
    }
    return this.saveProject('Adding class…', (p) => p.classes.push({ id: newLocalId('cls'), name: trimmed, color }));
  }

  addSegment(videoId: string, start: number, end: number, classId: string): Promise<boolean> {
    if (!(end > start)) {
      this.toast('error', 'The Out point must be after the In point.');
      return Promise.resolve(false);
    }
    return this.saveProject('Saving segment…', (p) =>
      p.segments.push({ id: newLocalId('seg'), videoId, start, end, classId, captions: [], source: 'user' }),
    );
  }

  deleteSegment(segmentId: string): Promise<boolean> {
    return this.saveProject('Deleting segment…', (p) => {
      p.segments = p.segments.filter((x) => x.id !== segmentId);
    });
  }

  async startTraining(args: TrainingArgs): Promise<void> {
    const ref = await this.run('Starting training…', () => this.client.call('training.start', args));
    if (!ref) return;
    this.trainingJobId = ref.jobId;
    this.trainingEpochs[ref.jobId] ??= [];
    if (!this.jobs[ref.jobId]) {
      this.jobs[ref.jobId] = {
        jobId: ref.jobId,
        kind: 'train',
        status: 'running',
        label: 'Training',
        done: 0,
        total: args.epochs ?? 0,
        rate: 0,
        etaSec: null,
      };
    }
  }

  /** Fetches the summary in case its event was missed (e.g. the event stream reconnected). */
  async loadTrainingResult(jobId: string): Promise<void> {
    if (this.trainingResults[jobId]) return;
    await this.attempt(async () => {
      const r = await this.client.call('training.result', { jobId });
      if (r) {
        this.trainingResults[jobId] = r;
        this.trainingEpochs[jobId] = r.history;
      }
    });
  }

  async predict(videoId: string): Promise<void> {
    const res = await this.run('Predicting…', () => this.client.call('predict.run', { videoId }));
    if (res) this.predictions[videoId] = res;
  }

  /** The video's predictions CSV as a download (Blob URL); null on failure. */
  async predictionsCsv(videoId: string): Promise<{ fileName: string; url: string } | null> {
    const res = await this.run('Exporting CSV…', () => this.client.call('export.predictionsCsv', { videoId }));
    if (!res) return null;
    return { fileName: res.fileName, url: URL.createObjectURL(new Blob([res.csv], { type: 'text/csv' })) };
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

/** Ids for classes and segments made in the UI (the core accepts any unique non-empty id). */
export function newLocalId(prefix: string): string {
  const rand = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return `${prefix}_${rand.replace(/-/g, '').slice(0, 12)}`;
}
