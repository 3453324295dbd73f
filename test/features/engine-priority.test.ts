/**
 * Inference threads run at a low priority (nice 19) so that ffmpeg, which feeds them, gets the CPU
 * first during an extraction; the process's own threads keep theirs. Linux only (per-thread nice).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from '../../src/features/engines/select.js';

/** Thread id → nice value, for the live threads of this process. */
function threadNice(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Field 19 (nice) is the 17th after the ")" that closes the command name.
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

/** The niceness the test process started at (a run under `nice -n 2 npm test` starts at 2, not 0). */
const BASE = threadNice().get(String(process.pid)) ?? 0;

/** Threads not in `known`, by nice value. Threads of a disposed engine may still be exiting, but never new. */
function newThreads(known: Map<string, number>): { niced: number; normal: number } {
  let niced = 0;
  let normal = 0;
  for (const [tid, nice] of threadNice()) {
    if (known.has(tid)) continue;
    if (nice === 19) niced++;
    else if (nice === BASE) normal++;
  }
  return { niced, normal };
}

describe.skipIf(process.platform !== 'linux')('inference thread priority', () => {
  it('lowers only the inference worker threads, and niceness 0 leaves them alone', async () => {
    const before = threadNice();
    const engine = await createFeatureEngine(undefined, { workers: 2, threads: 2 });
    try {
      await engine.embed(new Uint8Array(224 * 224 * 3), 1);
      expect(newThreads(before).niced).toBeGreaterThanOrEqual(2);
      expect(threadNice().get(String(process.pid))).toBe(BASE); // the main thread keeps its priority
    } finally {
      await engine.dispose();
    }
    const afterDispose = threadNice();
    const normal = await createFeatureEngine(undefined, { workers: 2, threads: 2, niceness: 0 });
    try {
      await normal.embed(new Uint8Array(224 * 224 * 3), 1);
      const fresh = newThreads(afterDispose);
      expect(fresh.normal).toBeGreaterThanOrEqual(2); // its workers exist…
      expect(fresh.niced).toBe(0); // …at normal priority
    } finally {
      await normal.dispose();
    }
  }, 60_000);
});
