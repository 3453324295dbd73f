/** Background jobs: their live state, starting and cancelling them, and their results (once each). */
import type { JobKind, JobResult, JobState } from '../../../src/services/contract.js';
import type { Client } from '../api-client.js';
import type { Notices } from './notices.svelte.js';

export class JobsState {
  jobs = $state<Record<string, JobState>>({});
  readonly jobList = $derived<JobState[]>(Object.values(this.jobs).reverse());
  /** The running jobs, newest first (the status bar shows them wherever the person is). */
  readonly running = $derived<JobState[]>(this.jobList.filter((j) => j.status === 'running'));
  /** The demo job shown in the project panel. */
  demoJobId = $state<string | null>(null);

  /** Results arrive by event and, after a reconnect, by jobs.result too: apply each once. */
  // Bookkeeping nothing renders: a plain Set on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private appliedResults = new Set<string>();
  private readonly resultHandlers: ((r: JobResult) => void)[] = [];
  private readonly finishHandlers: ((j: JobState) => void)[] = [];

  constructor(
    private readonly client: Client,
    private readonly notices: Notices,
  ) {}

  onResult(fn: (r: JobResult) => void): void {
    this.resultHandlers.push(fn);
  }

  /** Runs when a job reaches `done` (its result, if any, is fetched separately). */
  onFinished(fn: (j: JobState) => void): void {
    this.finishHandlers.push(fn);
  }

  async load(): Promise<void> {
    await this.notices.attempt(async () => {
      const list = await this.client.call('jobs.list', {});
      this.jobs = Object.fromEntries(list.map((j) => [j.jobId, j]));
    });
  }

  update(job: JobState): void {
    const before = this.jobs[job.jobId]?.status;
    this.jobs[job.jobId] = job;
    if (job.status === 'failed' && job.error) this.notices.toast('error', `${job.label}: ${job.error.message}`);
    if (before !== 'done' && job.status === 'done') this.finished(job);
  }

  applyResult(r: JobResult): void {
    if (this.appliedResults.has(r.jobId)) return;
    this.appliedResults.add(r.jobId);
    for (const fn of this.resultHandlers) fn(r);
  }

  /** A finished job may have a result the event stream dropped (reconnects): fetch it once. */
  private finished(job: JobState): void {
    for (const fn of this.finishHandlers) fn(job);
    if (['predict', 'caption', 'caption-train', 'demo'].includes(job.kind)) {
      this.client.call('jobs.result', { jobId: job.jobId }).then(
        (r) => r && this.applyResult(r),
        () => undefined,
      );
    }
  }

  /** Starts a job and shows it at once (its own events follow). */
  async start(
    kind: JobKind,
    label: string,
    start: () => Promise<{ jobId: string }>,
    opts: { videoId?: string; total?: number } = {},
  ): Promise<string | null> {
    const ref = await this.notices.run(`Starting: ${label}…`, start);
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

  async cancelJob(jobId: string): Promise<void> {
    await this.notices.attempt(async () => void (await this.client.call('jobs.cancel', { jobId })));
  }

  async extract(videoIds?: string[]): Promise<void> {
    await this.start('extract', 'Extracting features', () =>
      this.client.call('features.extract', videoIds ? { videoIds } : {}),
    );
  }

  async makeProxy(videoId: string): Promise<void> {
    await this.start('proxy', 'Playable copy', () => this.client.call('video.proxy', { videoId }), { videoId });
  }

  async createDemo(dir: string): Promise<void> {
    this.demoJobId = await this.start('demo', 'Demo project', () => this.client.call('demo.create', { dir }));
  }
}
