import { probe } from '../../video/probe.js';
import { toFramewiseError } from '../../errors.js';
import type { CommandContext } from '../command.js';

export const probeCommand = {
  name: 'probe',
  summary: 'Show duration, fps, size, codec, rotation and audio of video files',
  usage: 'framewise probe <video>... [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    if (positionals.length === 0) return out.usage();
    const results: unknown[] = [];
    let failed = 0;
    for (const file of positionals) {
      try {
        const info = await probe(file);
        results.push(info);
        out.line(
          `${file}\n  ${info.durationSec.toFixed(2)} s, ${info.fps.toFixed(3)} fps${info.variableFrameRate ? ' (variable)' : ''}, ` +
            `${info.displayWidth}x${info.displayHeight}${info.rotation ? ` (rotated ${info.rotation}°)` : ''}, ${info.codec} in ${info.container}, ` +
            `${info.frameCount} frames, ${info.hasAudio ? 'with' : 'no'} audio`,
        );
      } catch (e) {
        failed++;
        const err = out.error(e);
        results.push({ path: file, error: toFramewiseError(err).toJSON() });
      }
    }
    if (out.json) out.print(positionals.length === 1 ? results[0] : results);
    return failed > 0 ? 1 : 0;
  },
};
