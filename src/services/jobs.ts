import { randomUUID } from 'node:crypto';
import { FramewiseError, toFramewiseError } from '../errors.js';
import type { JobKind, JobState } from './contract.js';

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; throttled by the caller's own pace. */
  progress(p: { done: number; total: number; rate?: number; etaSec?: number | null; message?: string }): void;
}

/**
 * Long-running work (extraction, later training) runs as jobs: each has an id, a cancel switch and a
 * state that is pushed to the UI on every change. A failing job reports its error and never takes
 * the service down.
 */
export class JobRunner {
  private readonly jobs = new Map<string, { state: JobState; controller: AbortController; promise: Promise<void> }>();

  constructor(private readonly emit: (job: JobState) => void) {}

  start(
    kind: JobKind,
    label: string,
    work: (ctx: JobContext) => Promise<string | void>,
    opts: { videoId?: string } = {},
  ): string {
    const jobId = `job_${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const state: JobState = {
      jobId,
      kind,
      ...(opts.videoId ? { videoId: opts.videoId } : {}),
      status: 'running',
      label,
      done: 0,
      total: 0,
      rate: 0,
      etaSec: null,
    };
    const publish = (): void => this.emit({ ...state });
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (p) => {
        state.done = p.done;
        state.total = p.total;
        if (p.rate !== undefined) state.rate = p.rate;
        if (p.etaSec !== undefined) state.etaSec = p.etaSec;
        if (p.message !== undefined) state.message = p.message;
        publish();
      },
    };
    const promise = (async () => {
      publish();
      try {
        const message = await work(ctx);
        state.status = 'done';
        state.etaSec = 0;
        if (message) state.message = message;
      } catch (e) {
        const err = toFramewiseError(e);
        if (controller.signal.aborted || err.code === 'ABORTED') {
          state.status = 'cancelled';
          state.message = 'Cancelled';
        } else {
          state.status = 'failed';
          state.error = { code: err.code, message: err.message };
        }
      }
      publish();
    })();
    this.jobs.set(jobId, { state, controller, promise });
    return jobId;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) throw new FramewiseError('NOT_FOUND', `No job ${jobId}.`);
    if (job.state.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state }));
  }

  /** Resolves when the job has settled (tests, shutdown). */
  async wait(jobId: string): Promise<JobState> {
    const job = this.jobs.get(jobId);
    if (!job) throw new FramewiseError('NOT_FOUND', `No job ${jobId}.`);
    await job.promise;
    return { ...job.state };
  }

  async cancelAll(): Promise<void> {
    for (const j of this.jobs.values()) j.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.promise));
  }
}
