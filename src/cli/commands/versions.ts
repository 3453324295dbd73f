import { resolveProjectFolder } from '../../store/project-link.js';
import { listProjectVersions, restoreProjectVersion } from '../../store/project-versions.js';
import type { CommandContext } from '../command.js';

export const versionsCommand = {
  name: 'versions',
  summary: 'List the kept earlier versions of a project (backups/), newest first',
  usage: 'framewise versions <project> [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    const [dir] = positionals;
    if (!dir) return out.usage();
    const versions = await listProjectVersions(await resolveProjectFolder(dir));
    if (versions.length === 0) out.line('No earlier versions are kept yet (one is kept at the first save).');
    for (const v of versions)
      out.line(`${v.id}  saved ${v.savedAt}  ${v.videos} videos · ${v.classes} classes · ${v.segments} segments`);
    if (out.json) out.print(versions);
    return 0;
  },
};

export const restoreVersionCommand = {
  name: 'restore-version',
  summary: 'Make a kept version of a project the current one (the current one is kept, so it can be undone)',
  usage: 'framewise restore-version <project> <version id> [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    const [dir, id] = positionals;
    if (!dir || !id) return out.usage();
    const project = await restoreProjectVersion(await resolveProjectFolder(dir), id);
    out.line(
      `Restored version ${id}: ${project.videos.length} videos, ${project.classes.length} classes, ${project.segments.length} segments (revision ${project.revision ?? 0}).`,
    );
    if (out.json) out.print({ id, revision: project.revision ?? 0, project });
    return 0;
  },
};
