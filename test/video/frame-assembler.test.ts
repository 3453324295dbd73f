import { describe, expect, it } from 'vitest';
import { FrameAssembler } from '../../src/video/frame-assembler.js';
import { fitFilters, planDecode } from '../../src/video/decode-plan.js';
import { FramePool } from '../../src/video/frame-pool.js';
import type { VideoInfo } from '../../src/video/types.js';

describe('FrameAssembler', () => {
  it('cuts arbitrary chunks into whole records, each a fresh array', () => {
    const assembler = new FrameAssembler(4);
    const input = Uint8Array.from({ length: 14 }, (_, i) => i);
    const out: Uint8Array[] = [];
    for (const chunk of [input.subarray(0, 3), input.subarray(3, 4), input.subarray(4, 13), input.subarray(13)]) {
      out.push(...assembler.push(chunk));
    }
    expect(out.map((r) => Array.from(r))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(new Set(out.map((r) => r.buffer)).size).toBe(3);
    expect(assembler.pendingBytes).toBe(2);
  });

  it('fills buffers from the allocator it is given (a frame pool)', () => {
    const pool = new FramePool(4);
    const recycled = pool.take();
    pool.give(recycled);
    const a = new FrameAssembler(4, () => pool.take());
    const [first, second] = [...a.push(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))];
    expect(first).toBe(recycled); // the returned buffer was reused, not a new one
    expect(Array.from(first!)).toEqual([1, 2, 3, 4]);
    expect(Array.from(second!)).toEqual([5, 6, 7, 8]);
    expect(pool.available).toBe(0);
    // Wrong-sized or foreign views are not pooled; the pool stays bounded.
    pool.give(new Uint8Array(8).subarray(4));
    pool.give(new Uint8Array(5));
    expect(pool.available).toBe(0);
    const small = new FramePool(4, 2);
    for (let i = 0; i < 5; i++) small.give(new Uint8Array(4));
    expect(small.available).toBe(2);
  });

  it('rejects a zero record size', () => {
    expect(() => new FrameAssembler(0)).toThrow(RangeError);
  });
});

describe('planDecode', () => {
  const info: VideoInfo = {
    path: '/v/clip.mp4',
    sizeBytes: 1,
    container: 'mp4',
    durationSec: 10,
    fps: 30000 / 1001,
    frameRate: '30000/1001',
    frameCount: 300,
    width: 1920,
    height: 1080,
    displayWidth: 1920,
    displayHeight: 1080,
    codec: 'h264',
    pixelFormat: 'yuv420p',
    rotation: 0,
    hasAudio: false,
    variableFrameRate: false,
    streamIndex: 1,
    startTimeSec: 0.5,
  };

  it('seeks a second early, keeps container timestamps and samples from the file start', () => {
    const plan = planDecode(info, { start: 4, end: 6, fps: 2, size: 224 });
    expect(plan.frameCount).toBe(4);
    const args = plan.args.join(' ');
    expect(args).toContain('-copyts -ss 3.000000 -noaccurate_seek -i file:/v/clip.mp4 -map 0:1');
    expect(args).toContain('fps=fps=2:start_time=4.500000:round=up');
    expect(args).toContain('-frames:v 4');
  });

  it('passes a decoder thread count before the input, and rejects a bad one', () => {
    const args = planDecode(info, { threads: 2 }).args;
    expect(args.indexOf('-threads')).toBeGreaterThan(-1);
    expect(args[args.indexOf('-threads') + 1]).toBe('2');
    expect(args.indexOf('-threads')).toBeLessThan(args.indexOf('-i'));
    expect(planDecode(info).args).not.toContain('-threads');
    for (const bad of [0, 1.5, 65, Number.NaN]) {
      expect(() => planDecode(info, { threads: bad })).toThrow(/threads must be a whole number/);
    }
  });

  it('uses the exact rational frame rate by default', () => {
    expect(planDecode(info).args.join(' ')).toContain('fps=fps=30000/1001:');
    expect(planDecode(info).frameCount).toBe(300);
  });

  it('fit filters produce exactly the requested size', () => {
    expect(fitFilters(info, 224, 224, 'stretch')).toEqual(['scale=224:224', 'setsar=1']);
    expect(fitFilters(info, 224, 224, 'crop')).toEqual(['scale=398:224', 'crop=224:224:87:0', 'setsar=1']);
    expect(fitFilters(info, 224, 224, 'pad')).toEqual(['scale=224:126', 'pad=224:224:0:49:black', 'setsar=1']);
  });
});
