import { describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { lastStderrLines, runProcess, startProcess } from '../../src/video/process.js';
import { isAlive } from '../fixtures/videos.js';

const purpose = 'testing';

describe('runProcess', () => {
  it('captures stdout, the stderr tail and the exit code', async () => {
    const res = await runProcess('sh', ['-c', 'printf hello; printf "oops\\n" >&2; exit 3'], { purpose });
    expect(res.stdout.toString()).toBe('hello');
    expect(res.stderrTail).toBe('oops\n');
    expect(res.code).toBe(3);
    expect(res.aborted).toBe(false);
  });

  it('keeps only the end of a long stderr', async () => {
    const script = 'i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done';
    const res = await runProcess('sh', ['-c', script], { purpose, stderrTailBytes: 100 });
    expect(res.stderrTail.length).toBeLessThanOrEqual(100);
    expect(res.stderrTail).toContain('line 1999');
  });

  it('maps a missing executable to FFMPEG_NOT_FOUND', async () => {
    const err = await runProcess('/nonexistent/ffmpeg', [], { purpose }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('FFMPEG_NOT_FOUND');
    expect((err as FramewiseError).message).toContain('/nonexistent/ffmpeg');
  });

  it('rejects at once with ABORTED for an already-aborted signal', async () => {
    const err = await runProcess('sleep', ['5'], { purpose, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((err as FramewiseError).code).toBe('ABORTED');
  });

  it('kills the process on abort and resolves only once it is gone', async () => {
    const controller = new AbortController();
    const proc = startProcess('sleep', ['30'], { purpose, signal: controller.signal });
    expect(proc.pid).toBeGreaterThan(0);
    setTimeout(() => controller.abort(), 50);
    const t0 = Date.now();
    const exit = await proc.exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(exit.aborted).toBe(true);
    expect(isAlive(proc.pid!)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    // exec keeps the ignored SIGTERM disposition in sleep itself.
    const proc = startProcess('sh', ['-c', "trap '' TERM; exec sleep 30"], { purpose, killGraceMs: 200 });
    await new Promise((r) => setTimeout(r, 100));
    const exit = await proc.stop();
    expect(exit.signal).toBe('SIGKILL');
    expect(isAlive(proc.pid!)).toBe(false);
  });
});

describe('lastStderrLines', () => {
  it('drops ffmpeg context prefixes and the file name', () => {
    const stderr =
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c0a8] moov atom not found\nfile:/x/a.mp4: Invalid data found when processing input\n';
    expect(lastStderrLines(stderr, 'file:/x/a.mp4')).toBe(
      'moov atom not found; Invalid data found when processing input',
    );
  });
});
