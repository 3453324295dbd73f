/**
 * Inference threads run at a low priority (nice 19) so that ffmpeg, which feeds them, gets the CPU
 * first during an extraction; the process's own threads keep theirs. Linux only (per-thread nice).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from '../../src/features/engines/select.js';

function threadNiceValues(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Field 19 (nice) is the 17th after the ")" that closes the command name.
      out.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

const count = (xs: number[], v: number): number => xs.filter((x) => x === v).length;

describe.skipIf(process.platform !== 'linux')('inference thread priority', () => {
  it('lowers only the inference worker threads, and niceness 0 leaves them alone', async () => {
    const before = count(threadNiceValues(), 19);
    const engine = await createFeatureEngine(undefined, { workers: 2, threads: 2 });
    try {
      await engine.embed(new Uint8Array(224 * 224 * 3), 1);
      const during = threadNiceValues();
      expect(count(during, 19) - before).toBeGreaterThanOrEqual(2);
      expect(during[0]).toBe(0); // the main thread (the task listed first is the process itself)
    } finally {
      await engine.dispose();
    }
    // onnxruntime may keep a process-wide helper thread started by the first worker (it inherited nice 19).
    const afterDispose = count(threadNiceValues(), 19);
    const normal = await createFeatureEngine(undefined, { workers: 2, threads: 2, niceness: 0 });
    try {
      await normal.embed(new Uint8Array(224 * 224 * 3), 1);
      expect(count(threadNiceValues(), 19)).toBe(afterDispose);
    } finally {
      await normal.dispose();
    }
  }, 60_000);
});
