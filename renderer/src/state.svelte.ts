/**
 * App state with Svelte 5 runes. One object, passed to components as a prop: the app shell is
 * small enough that a store library would only add indirection.
 */
import type {
  ApiEvent,
  CaptionerSummary,
  CaptionerTrainArgs,
  CaptionResult,
  ExportArgs,
  JobKind,
  JobResult,
  JobState,
  LocalizationArgs,
  ModelInfo,
  PredictionResult,
  RecentProject,
  ProjectSnapshot,
  SystemInfo,
  TrainingArgs,
  TrainingEpoch,
  TrainingSummary,
} from '../../src/services/contract.js';
import type { Project, ProjectClass, ProjectVideo, Segment } from '../../src/store/schema.js';
import type { Client } from './api-client.js';
import { toApiCallError } from './errors.js';
import { History } from './lib/timeline/history.js';
import { LocalisationState } from './localisation.svelte.js';

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
  /** videoId → the timeline's filmstrip (empty while loading or when it failed). */
  filmstrips = $state<Record<string, { time: number; src: string }[]>>({});
  /** Label of the action in progress ("Opening project…"), disables the forms meanwhile. */
  busy = $state<string | null>(null);
  /** False until the first state load finished (avoids flashing the "no project" form). */
  loaded = $state(false);

  /** The <video> element of the player (the segment editor reads its current time). */
  player = $state.raw<HTMLVideoElement | null>(null);
  /** Playback position of the player, for the timeline's playhead. */
  currentTime = $state(0);
  /** The training job shown in the Training view, its per-epoch curve and final summary. */
  trainingJobId = $state<string | null>(null);
  trainingEpochs = $state<Record<string, TrainingEpoch[]>>({});
  trainingResults = $state<Record<string, TrainingSummary>>({});
  /** videoId → the last prediction made in this session. */
  predictions = $state<Record<string, PredictionResult>>({});
  /** videoId → its generated captions (loaded from the project, or just made). */
  captions = $state<Record<string, CaptionResult>>({});
  /** Captioner training results, by job id. */
  captionerResults = $state<Record<string, CaptionerSummary>>({});
  /** The captioner training job shown in the Captioning panel. */
  captionerJobId = $state<string | null>(null);
  /** Recently opened projects (newest first). */
  recent = $state<RecentProject[]>([]);
  /** Trained models and captioners of the project. */
  models = $state<ModelInfo[]>([]);
  /** The Predict controls' threshold / smoothing / minimum duration, per project. */
  readonly localisation = new LocalisationState();
  /** Undo/redo per video, over that video's segments; bumped to make `canUndo` reactive. */
  private histories = new Map<string, History<Segment[]>>();
  historyTick = $state(0);

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
      this.loadRecent(),
      this.attempt(async () => {
        const list = await this.client.call('jobs.list', {});
        this.jobs = Object.fromEntries(list.map((j) => [j.jobId, j]));
      }),
    ]);
    this.loaded = true;
  }

  handleEvent(e: ApiEvent): void {
    switch (e.type) {
      case 'job': {
        const before = this.jobs[e.job.jobId]?.status;
        this.jobs[e.job.jobId] = e.job;
        if (e.job.status === 'failed' && e.job.error) this.toast('error', `${e.job.label}: ${e.job.error.message}`);
        if (before !== 'done' && e.job.status === 'done') this.jobFinished(e.job);
        break;
      }
      case 'job.result':
        this.applyResult(e.result);
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
    const projectChanged = s?.root !== this.snapshot?.root;
    this.snapshot = s;
    if (projectChanged) {
      void this.loadRecent();
      this.histories.clear();
      this.predictions = {};
      this.captions = {};
      this.historyTick++;
      if (s) void this.refreshModels();
    }
    const ids = new Set(s?.project.videos.map((v) => v.id) ?? []);
    if (this.selectedId && !ids.has(this.selectedId)) this.selectedId = null;
    if (!this.selectedId && s && s.project.videos.length > 0) this.selectedId = s.project.videos[0]!.id;
  }

  /** Moves the player (when one is showing) and the timeline's playhead to `t` seconds. */
  seek(t: number): void {
    if (this.player) this.player.currentTime = t;
    this.currentTime = t;
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
    await this.startJob('extract', 'Extracting features', () =>
      this.client.call('features.extract', videoIds ? { videoIds } : {}),
    );
  }

  /**
   * Applies `change` to a copy of the project and saves it through project.save. The save names
   * the revision it is based on; when another window or a job saved in between (CONFLICT), the
   * change is applied again to the fresh project once, so neither side's edit is lost.
   */
  async saveProject(label: string, change: (p: Project) => void): Promise<boolean> {
    if (!this.snapshot) return false;
    const attempt = (base: ProjectSnapshot) => {
      const next = $state.snapshot(base.project) as Project;
      change(next);
      return this.client.call('project.save', { project: next, baseRevision: base.revision });
    };
    const snap = await this.run(label, async () => {
      try {
        return await attempt(this.snapshot!);
      } catch (e) {
        if (toApiCallError(e).code !== 'CONFLICT') throw e;
        const fresh = await this.client.call('project.current', {});
        if (!fresh) throw e;
        this.setSnapshot(fresh);
        return attempt(fresh);
      }
    });
    if (snap) this.setSnapshot(snap);
    return snap !== undefined;
  }

  /**
   * Switches the project's frame backbone. Features are per backbone, so the next extraction makes
   * new ones (the old stay cached); models trained on the old backbone refuse the new features
   * until retrained, hence the question when there are any.
   */
  async setBackbone(backboneId: string, ask: (message: string) => boolean = (m) => confirm(m)): Promise<boolean> {
    const current = this.snapshot?.project.settings.backboneId;
    if (!current || current === backboneId) return false;
    const name = this.info?.backbones.find((b) => b.id === backboneId)?.name ?? backboneId;
    const models = this.models.length;
    const warning =
      models > 0
        ? ` The ${models} trained model${models === 1 ? '' : 's'} of this project use ${current} features and will need retraining.`
        : '';
    if (!ask(`Use ${name} for this project? Features will be extracted again.${warning}`)) return false;
    return this.saveProject('Changing backbone', (p) => {
      p.settings.backboneId = backboneId;
    });
  }

  /** The video's segments (user and prediction), in time order. */
  segmentsOf(videoId: string): Segment[] {
    return this.segments.filter((x) => x.videoId === videoId).sort((a, b) => a.start - b.start);
  }

  private historyFor(videoId: string): History<Segment[]> {
    const current = $state.snapshot(this.segmentsOf(videoId)) as Segment[];
    let h = this.histories.get(videoId);
    // A job (predictions) or another window changed this video's segments: history restarts there.
    if (!h || !sameSegments(h.present, current)) {
      h = new History<Segment[]>(current, { equals: sameSegments });
      this.histories.set(videoId, h);
    }
    return h;
  }

  /** Replaces a video's segments (one timeline gesture) as one undoable step. */
  /**
   * Timeline edits, undo and redo run one after another: an undo pressed right after a drag (before
   * its save returned) must undo that drag, not find an empty history.
   */
  private editQueue: Promise<unknown> = Promise.resolve();
  private enqueueEdit<T>(work: () => Promise<T>): Promise<T> {
    const run = this.editQueue.then(work, work);
    this.editQueue = run.catch(() => undefined);
    return run;
  }

  /** Replaces a video's segments (one timeline gesture) as one undoable step. */
  editSegments(videoId: string, next: Segment[], label: string): Promise<boolean> {
    return this.enqueueEdit(async () => {
      const h = this.historyFor(videoId);
      const ok = await this.saveProject(label, (p) => {
        p.segments = [...p.segments.filter((x) => x.videoId !== videoId), ...next];
      });
      if (ok) {
        h.push(next, { label });
        this.historyTick++;
      }
      return ok;
    });
  }

  canUndo(videoId: string): boolean {
    void this.historyTick;
    const h = this.histories.get(videoId);
    return !!h && h.canUndo() && sameSegments(h.present, this.segmentsOf(videoId));
  }

  canRedo(videoId: string): boolean {
    void this.historyTick;
    const h = this.histories.get(videoId);
    return !!h && h.canRedo() && sameSegments(h.present, this.segmentsOf(videoId));
  }

  undo(videoId: string): Promise<void> {
    return this.enqueueEdit(() => this.travel(videoId, 'undo'));
  }

  redo(videoId: string): Promise<void> {
    return this.enqueueEdit(() => this.travel(videoId, 'redo'));
  }

  private async travel(videoId: string, way: 'undo' | 'redo'): Promise<void> {
    if (!(way === 'undo' ? this.canUndo(videoId) : this.canRedo(videoId))) return;
    const h = this.histories.get(videoId)!;
    const label = way === 'undo' ? h.undoLabel() : h.redoLabel();
    const target = way === 'undo' ? h.undo() : h.redo();
    if (!target) return;
    const ok = await this.saveProject(`${way === 'undo' ? 'Undo' : 'Redo'} ${label ?? ''}`.trim(), (p) => {
      p.segments = [...p.segments.filter((x) => x.videoId !== videoId), ...target];
    });
    // The save failed: step back so the history matches what is on disk.
    if (!ok) void (way === 'undo' ? h.redo() : h.undo());
    this.historyTick++;
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
    const seg: Segment = { id: newLocalId('seg'), videoId, start, end, classId, captions: [], source: 'user' };
    return this.editSegments(videoId, [...this.segmentsOf(videoId), seg], 'Add segment');
  }

  deleteSegment(segmentId: string): Promise<boolean> {
    const seg = this.segments.find((x) => x.id === segmentId);
    if (!seg) return Promise.resolve(false);
    const rest = this.segmentsOf(seg.videoId).filter((x) => x.id !== segmentId);
    return this.editSegments(seg.videoId, rest, 'Delete segment');
  }

  renameClass(classId: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.toast('error', 'A class needs a name.');
      return Promise.resolve(false);
    }
    if (this.classes.some((c) => c.id !== classId && c.name === trimmed)) {
      this.toast('error', `There is already a class "${trimmed}"; merge into it instead.`);
      return Promise.resolve(false);
    }
    return this.saveProject('Renaming class…', (p) => {
      const c = p.classes.find((x) => x.id === classId);
      if (c) c.name = trimmed;
    });
  }

  setClassColor(classId: string, color: string): Promise<boolean> {
    return this.saveProject('Changing colour…', (p) => {
      const c = p.classes.find((x) => x.id === classId);
      if (c) c.color = color;
    });
  }

  /** Moves every segment of `fromId` to `intoId` and removes `fromId`. */
  mergeClass(fromId: string, intoId: string): Promise<boolean> {
    if (fromId === intoId) return Promise.resolve(false);
    return this.saveProject('Merging classes…', (p) => {
      for (const seg of p.segments) if (seg.classId === fromId) seg.classId = intoId;
      p.classes = p.classes.filter((c) => c.id !== fromId);
    });
  }

  /** Removes a class and its segments (the caller confirms first when there are any). */
  deleteClass(classId: string): Promise<boolean> {
    return this.saveProject('Deleting class…', (p) => {
      p.segments = p.segments.filter((seg) => seg.classId !== classId);
      p.classes = p.classes.filter((c) => c.id !== classId);
    });
  }

  async startTraining(args: TrainingArgs): Promise<void> {
    const jobId = await this.startJob('train', 'Training', () => this.client.call('training.start', args), {
      total: args.epochs ?? 0,
    });
    if (!jobId) return;
    this.trainingJobId = jobId;
    this.trainingEpochs[jobId] ??= [];
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

  /** Starts a job and shows it at once (its own events follow). */
  private async startJob(
    kind: JobKind,
    label: string,
    start: () => Promise<{ jobId: string }>,
    opts: { videoId?: string; total?: number } = {},
  ): Promise<string | null> {
    const ref = await this.run(`Starting: ${label}…`, start);
    if (!ref) return null;
    // The job's own events follow; this placeholder only bridges the gap until the first arrives.
    if (!this.jobs[ref.jobId]) {
      this.jobs[ref.jobId] = {
        jobId: ref.jobId,
        kind,
        ...(opts.videoId ? { videoId: opts.videoId } : {}),
        status: 'running',
        label,
        done: 0,
        total: opts.total ?? 0,
        rate: 0,
        etaSec: null,
      };
    }
    return ref.jobId;
  }

  /** A running job of this kind for this video, if any. */
  runningJob(kind: JobKind, videoId: string): JobState | null {
    return this.jobList.find((j) => j.kind === kind && j.status === 'running' && j.videoId === videoId) ?? null;
  }

  async predict(videoId: string, modelName?: string, localisation: LocalizationArgs = {}): Promise<void> {
    await this.startJob(
      'predict',
      'Predicting',
      () => this.client.call('predict.start', { videoId, ...(modelName ? { modelName } : {}), ...localisation }),
      { videoId },
    );
  }

  async trainCaptioner(args: CaptionerTrainArgs): Promise<void> {
    const jobId = await this.startJob('caption-train', 'Training captioner', () =>
      this.client.call('captioning.train', args),
    );
    if (jobId) {
      this.captionerJobId = jobId;
      this.trainingEpochs[jobId] ??= [];
    }
  }

  async captionVideo(videoId: string, windowSec?: number): Promise<void> {
    await this.startJob(
      'caption',
      'Captioning',
      () => this.client.call('captioning.run', windowSec ? { videoId, windowSec } : { videoId }),
      { videoId },
    );
  }

  /** The demo job shown in the project panel. */
  demoJobId = $state<string | null>(null);

  async createDemo(dir: string): Promise<void> {
    this.demoJobId = await this.startJob('demo', 'Demo project', () => this.client.call('demo.create', { dir }));
  }

  async makeProxy(videoId: string): Promise<void> {
    await this.startJob('proxy', 'Playable copy', () => this.client.call('video.proxy', { videoId }), { videoId });
  }

  /** Generated captions of a video, fetched once per video and session. */
  async loadCaptions(videoId: string): Promise<void> {
    if (videoId in this.captions) return;
    try {
      const c = await this.client.call('captioning.get', { videoId });
      if (c) this.captions[videoId] = c;
    } catch {
      // No captions is the normal case; a failure here must not interrupt playback.
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await this.client.call('project.recent', {});
    } catch {
      // The list is a convenience; without it the panel just shows no recent projects.
    }
  }

  async refreshModels(): Promise<void> {
    if (!this.snapshot) return;
    try {
      this.models = await this.client.call('models.list', {});
    } catch (e) {
      this.showError(e);
    }
  }

  /**
   * Exports a file: written to `destPath` when given (Electron's save dialog, or a path typed in
   * serve mode), otherwise downloaded through the browser. Returns what happened, for the dialog.
   */
  async exportFile(args: ExportArgs): Promise<{ fileName: string; path: string | null } | null> {
    const res = await this.run('Exporting…', () => this.client.call('export.file', args));
    if (!res) return null;
    if (res.path) {
      this.toast('info', `Saved ${res.path}`);
      return { fileName: res.fileName, path: res.path };
    }
    const bytes = Uint8Array.from(atob(res.base64 ?? ''), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: res.mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = res.fileName;
    a.dataset['testid'] = 'export-download';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return { fileName: res.fileName, path: null };
  }

  /** Results arrive by event and, after a reconnect, by jobs.result too: apply each once. */
  private appliedResults = new Set<string>();

  private applyResult(r: JobResult): void {
    if (this.appliedResults.has(r.jobId)) return;
    this.appliedResults.add(r.jobId);
    switch (r.kind) {
      case 'predict':
        this.predictions[r.prediction.videoId] = r.prediction;
        break;
      case 'caption':
        this.captions[r.captions.videoId] = r.captions;
        break;
      case 'caption-train':
        this.captionerResults[r.jobId] = r.summary;
        this.trainingEpochs[r.jobId] = r.summary.history;
        break;
      case 'demo':
        this.toast(
          'info',
          `Demo ready: ${r.demo.videos} videos (${r.demo.classes.join(', ')})${
            r.demo.validationTop1 !== null ? `, validation accuracy ${(r.demo.validationTop1 * 100).toFixed(0)} %` : ''
          }. Select an unlabelled video and press Predict.`,
        );
        void this.refreshModels();
        break;
    }
  }

  /** A finished job may have a result the event stream dropped (reconnects): fetch it once. */
  private jobFinished(job: JobState): void {
    if (job.kind === 'train' || job.kind === 'caption-train') void this.refreshModels();
    if (job.kind === 'train') return;
    if (['predict', 'caption', 'caption-train', 'demo'].includes(job.kind)) {
      this.client.call('jobs.result', { jobId: job.jobId }).then(
        (r) => r && this.applyResult(r),
        () => undefined,
      );
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
    this.thumbQueue.push(async () => {
      try {
        const t = await this.client.call('video.thumbnail', { videoId: v.id, timeSec, width: 160 });
        this.thumbs[v.id] = `data:${t.mime};base64,${t.base64}`;
      } catch {
        // The placeholder stays.
      }
    });
    this.pumpThumbs();
  }

  /**
   * Loads a video's filmstrip once. Only the latest request waits: clicking through the library
   * must not queue a filmstrip per video passed on the way (each is a few ffmpeg runs).
   */
  loadFilmstrip(videoId: string): void {
    if (videoId in this.filmstrips) return;
    this.filmstripWanted = videoId;
    if (this.filmstripBusy) return;
    this.filmstripBusy = true;
    void (async () => {
      while (this.filmstripWanted && !(this.filmstripWanted in this.filmstrips)) {
        const id = this.filmstripWanted;
        const v = this.videos.find((x) => x.id === id);
        if (!v || !(v.durationSec && v.durationSec > 0)) {
          this.filmstrips[id] = [];
          continue;
        }
        try {
          const f = await this.client.call('video.filmstrip', { videoId: id, count: 10, width: 96 });
          // Each image stands for the span that starts where the previous one's ends.
          const step = v.durationSec / Math.max(1, f.images.length);
          this.filmstrips[id] = f.images.map((b64, i) => ({ time: i * step, src: `data:${f.mime};base64,${b64}` }));
        } catch {
          this.filmstrips[id] = [];
        }
      }
      this.filmstripBusy = false;
    })();
  }
  private filmstripWanted: string | null = null;
  private filmstripBusy = false;

  /**
   * Thumbnails load two at a time: a browser opens at most six connections to the server, and a
   * library of many videos must not hold them all while a save or an event waits behind.
   */
  private thumbQueue: (() => Promise<void>)[] = [];
  private thumbsRunning = 0;
  private pumpThumbs(): void {
    while (this.thumbsRunning < 2 && this.thumbQueue.length > 0) {
      const task = this.thumbQueue.shift()!;
      this.thumbsRunning++;
      void task().finally(() => {
        this.thumbsRunning--;
        this.pumpThumbs();
      });
    }
  }
}

/** Same segments, in any order (histories compare states after a server round trip). */
export function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  if (a.length !== b.length) return false;
  const key = (x: Segment): string => JSON.stringify([x.id, x.start, x.end, x.classId, x.captions, x.source, x.score]);
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.every((k, i) => k === kb[i]);
}

/** Ids for classes and segments made in the UI (the core accepts any unique non-empty id). */
export function newLocalId(prefix: string): string {
  const rand = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return `${prefix}_${rand.replace(/-/g, '').slice(0, 12)}`;
}
