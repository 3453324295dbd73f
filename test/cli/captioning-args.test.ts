/**
 * The captioning commands refuse bad settings with BAD_ARGUMENT (exit 2) before touching a
 * project, naming the flag; several videos need JSON output.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './spawn-cli.js';

describe('captioning CLI arguments', () => {
  it('train-captioner checks its rates and --summary; caption wants --format json for several videos', async () => {
    for (const [flag, value] of [
      ['--word-dropout', '1.5'],
      ['--label-smoothing', '-0.1'],
      ['--stream-dropout', 'x'],
      ['--dropout', '1'],
      ['--summary', 'max'],
    ] as const) {
      const r = await cli(['train-captioner', '/nonexistent-project', flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toContain(flag);
    }
    const several = await cli(['caption', '/nonexistent-project', 'a.mp4', 'b.mp4', '--format', 'srt']);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/--format json/);
    const noRepeat = await cli(['caption', '/nonexistent-project', 'a.mp4', '--no-repeat', '-1']);
    expect(noRepeat.code).toBe(2);
    expect(noRepeat.stderr).toContain('--no-repeat');
  });
});
