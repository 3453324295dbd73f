import { resolve } from 'node:path';
import { FramewiseError } from '../../errors.js';
import { createCoreServices } from '../../services/core-services.js';
import { streamsFor } from '../../features/streams/streams.js';
import { ProjectStore } from '../../store/project-store.js';
import type { CommandContext } from '../command.js';

export const initCommand = {
  name: 'init',
  summary: 'Create a project folder (project.json, features/, models/)',
  usage:
    'framewise init <folder> [--name "My project"] [--streams appearance,motion[,object]] [--frame-fit stretch|crop|pad] [--json]',
  options: { name: { type: 'string' }, streams: { type: 'string' }, 'frame-fit': { type: 'string' } },
  async run({ positionals, values, out }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    // Checked before anything is written: an unknown stream leaves no half-made project.
    const streams =
      typeof values['streams'] === 'string'
        ? streamsFor(values['streams'].split(',').map((s) => s.trim())).map((s) => s.id)
        : undefined;
    const fit = values['frame-fit'];
    if (fit !== undefined && fit !== 'stretch' && fit !== 'crop' && fit !== 'pad')
      throw new FramewiseError('BAD_ARGUMENT', `--frame-fit must be stretch, crop or pad (got ${String(fit)}).`);
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    const snap = await core.api['project.create']({
      dir: resolve(dir),
      name: String(values['name'] ?? 'Untitled project'),
    });
    let project = snap.project;
    if (streams || fit) {
      const store = await ProjectStore.open(snap.root);
      await store.update((p) => {
        if (streams) p.settings.streams = streams;
        if (fit) p.settings.frameFit = fit;
      });
      project = store.project;
    }
    out.line(
      `Created project "${project.name}" in ${snap.root} (features: appearance${(project.settings.streams ?? []).map((s) => ` + ${s}`).join('')})`,
    );
    if (out.json) out.print({ ...snap, project });
    return 0;
  },
};

export const addCommand = {
  name: 'add',
  summary: 'Add videos (files or folders) to a project',
  usage: 'framewise add <project> <video|folder>... [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    const [dir, ...paths] = positionals;
    if (!dir || paths.length === 0) return out.usage();
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    await core.api['project.open']({ dir });
    const { snapshot, rejected } = await core.api['project.addVideos']({ paths });
    for (const r of rejected) out.error(new Error(`${r.path}: ${r.message}`));
    // Files already in the project are reported, but adding a folder again is not a failure.
    const failed = rejected.filter((r) => r.code !== 'CONFLICT').length;
    const known = rejected.length - failed;
    out.line(
      `${snapshot.project.videos.length} video(s) in the project; ${failed} rejected${known ? `; ${known} already in it` : ''}.`,
    );
    if (out.json) out.print({ videos: snapshot.project.videos, rejected });
    return failed > 0 ? 1 : 0;
  },
};
