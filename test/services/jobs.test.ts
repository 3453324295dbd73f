import { describe, it, expect } from 'vitest';
import { JobRunner } from '../../src/services/jobs.js';
import type { JobState } from '../../src/services/contract.js';
import { FramewiseError } from '../../src/errors.js';

describe('JobRunner', () => {
  it('reports progress, completion, failure and cancellation', async () => {
    const events: JobState[] = [];
    const runner = new JobRunner((j) => events.push(j));
    const ok = runner.start('extract', 'ok', async (ctx) => {
      ctx.progress({ done: 1, total: 2 });
      ctx.progress({ done: 2, total: 2 });
      return 'all good';
    });
    const bad = runner.start('extract', 'bad', async () => {
      throw new FramewiseError('CORRUPT_VIDEO', 'broken file');
    });
    const slow = runner.start(
      'extract',
      'slow',
      (ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new FramewiseError('ABORTED', 'stop')));
        }),
    );
    expect(runner.cancel(slow)).toBe(true);
    expect(await runner.wait(ok)).toMatchObject({ status: 'done', done: 2, total: 2, message: 'all good' });
    expect(await runner.wait(bad)).toMatchObject({
      status: 'failed',
      error: { code: 'CORRUPT_VIDEO', message: 'broken file' },
    });
    expect(await runner.wait(slow)).toMatchObject({ status: 'cancelled' });
    expect(runner.cancel(ok)).toBe(false);
    expect(() => runner.cancel('nope')).toThrow(/No job/);
    expect(events.filter((e) => e.jobId === ok).map((e) => e.status)).toEqual([
      'running',
      'running',
      'running',
      'done',
    ]);
  });
});
