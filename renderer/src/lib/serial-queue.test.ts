import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SerialQueue', () => {
  it('runs work in the order it was handed in, each after the one before settled', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const a = q.run(async () => {
      await later(20);
      log.push('slow first');
    });
    const b = q.run(() => void log.push('quick second'));
    await Promise.all([a, b]);
    expect(log).toEqual(['slow first', 'quick second']);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const q = new SerialQueue();
    const failed = q.run(async () => {
      throw new Error('save failed');
    });
    const after = q.run(() => 'ran');
    await expect(failed).rejects.toThrow('save failed');
    await expect(after).resolves.toBe('ran');
  });
});
