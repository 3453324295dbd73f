/**
 * FIFO housekeeping and failure paths (src/video/fifo.ts): folders left by dead processes are
 * swept without touching other users' ones, and an error while cutting frames ends the stream
 * instead of crashing the process.
 */
import { chownSync, existsSync, mkdirSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFifoPipe } from '../../src/video/fifo.js';

// A pid that is not running (Linux pid_max is at most 2^22).
const DEAD_PID = 4_194_303;

describe.skipIf(process.platform !== 'linux')('FIFO housekeeping', () => {
  it("sweeps a dead process's folder, keeps another user's, and still works", async () => {
    const ours = path.join(os.tmpdir(), `framewise-fifo-${DEAD_PID}-ours`);
    const theirs = path.join(os.tmpdir(), `framewise-fifo-${DEAD_PID}-theirs`);
    mkdirSync(ours, { recursive: true });
    mkdirSync(theirs, { recursive: true });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(theirs, 12345, 12345);
    try {
      const fifo = await createFifoPipe(); // first use in this process: the sweep runs
      expect(fifo).not.toBeNull();
      fifo!.release();
      expect(existsSync(ours)).toBe(false);
      if (asRoot) expect(existsSync(theirs)).toBe(true);
      expect(await createFifoPipe()).not.toBeNull(); // not switched off by the sweep
    } finally {
      rmSync(ours, { recursive: true, force: true });
      rmSync(theirs, { recursive: true, force: true });
    }
  });

  it('an error while cutting frames ends the stream with that error', async () => {
    const fifo = (await createFifoPipe())!;
    writeSync(fifo.writeFd, Buffer.alloc(1000, 7));
    fifo.closeWriteEnd();
    const frames = fifo.frames(() => {
      throw new Error('cannot cut this');
    });
    await expect(frames.next()).rejects.toThrow('cannot cut this');
    fifo.release();
  });

  it('an abort ends reading at once, even with the writer still open', async () => {
    const fifo = (await createFifoPipe())!;
    const ac = new AbortController();
    const frames = fifo.frames((chunk) => [chunk.slice()], { signal: ac.signal });
    writeSync(fifo.writeFd, Buffer.alloc(10, 1));
    expect((await frames.next()).value?.length).toBe(10);
    const pending = frames.next();
    ac.abort();
    expect((await pending).done).toBe(true);
    fifo.release();
  });
});
