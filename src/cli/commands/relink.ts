import { resolve } from 'node:path';
import { createCoreServices } from '../../services/core-services.js';
import { resolveProjectFolder } from '../../store/project-link.js';
import type { CommandContext } from '../command.js';

export const relinkCommand = {
  name: 'relink',
  summary: "Find a project's missing (moved) videos in a folder, by content",
  usage: 'framewise relink <project> <folder> [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    const [dir, folder] = positionals;
    if (!dir || !folder) return out.usage();
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    try {
      await core.api['project.open']({ dir: await resolveProjectFolder(dir) });
      const { snapshot, ...res } = await core.api['project.relink']({ folder: resolve(folder) });
      for (const r of res.relinked) out.line(`found ${r.from} at ${r.to}`);
      for (const m of res.missing) out.line(`still missing: ${m.path} (${m.reason})`);
      out.line(
        `${res.relinked.length} video(s) relinked, ${res.missing.length} still missing; ${res.scanned} file(s) checked.`,
      );
      if (out.json) out.print({ ...res, revision: snapshot.revision });
      return res.missing.length > 0 ? 1 : 0;
    } finally {
      await core.dispose();
    }
  },
};
