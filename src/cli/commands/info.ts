import { createCoreServices } from '../../services/core-services.js';
import { createFeatureEngine } from '../../features/engines/select.js';
import { toFramewiseError } from '../../errors.js';
import type { CommandContext } from '../command.js';

export const infoCommand = {
  name: 'info',
  summary: 'Show the version, ffmpeg in use and the feature engine that loads',
  usage: 'framewise info [--json]',
  options: {},
  async run({ out }: CommandContext): Promise<number> {
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    const info = await core.api['system.info']({});
    let backend: string;
    try {
      const engine = await createFeatureEngine();
      backend = engine.backend;
      await engine.dispose();
    } catch (e) {
      backend = `unavailable: ${toFramewiseError(e).message}`;
    }
    out.line(`framewise ${info.version} (${info.platform})`);
    out.line(
      'error' in info.ffmpeg
        ? `ffmpeg: ${info.ffmpeg.error}`
        : `ffmpeg: ${info.ffmpeg.path} (${info.ffmpeg.source}) ${info.ffmpeg.version}`,
    );
    out.line(`backend: ${backend}`);
    if (out.json) out.print({ ...info, featureBackend: backend });
    return 'error' in info.ffmpeg ? 1 : 0;
  },
};
