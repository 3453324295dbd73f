/**
 * project.restoreVideo: the undo of project.removeVideo. The video comes back with its id, its
 * segments and its place in the list, so undo is exact; its file is probed again and must still be
 * the same content, so a path enters the project only as a probed video (as with project.addVideos).
 */
import { FramewiseError } from '../errors.js';
import { resolveVideoPath } from '../store/project-store.js';
import { describeVideo } from '../store/video-entry.js';
import type { Api } from './contract.js';
import { fileBase, type ServiceContext } from './service-context.js';

type RestoreApi = Pick<Api, 'project.restoreVideo'>;

export function restoreServices(ctx: ServiceContext): RestoreApi {
  return {
    'project.restoreVideo': async ({ video, segments, index }) => {
      const s = ctx.requireStore();
      if (typeof video?.id !== 'string' || typeof video.path !== 'string' || !video.path)
        throw new FramewiseError('BAD_ARGUMENT', 'project.restoreVideo needs the removed video (id and path).');
      if (s.project.videos.some((v) => v.id === video.id))
        throw new FramewiseError('CONFLICT', `${fileBase(video.path)} is already in the project.`);
      const wrong = segments.find((seg) => seg?.videoId !== video.id);
      if (wrong) throw new FramewiseError('BAD_ARGUMENT', `Segment ${String(wrong?.id)} belongs to another video.`);
      const file = resolveVideoPath(s.paths, video.path);
      const probed = await describeVideo(file);
      if (video.contentHash && probed.contentHash !== video.contentHash)
        throw new FramewiseError(
          'CONFLICT',
          `${fileBase(file)} has changed since it was removed; add it again (Add videos) instead.`,
        );
      const same = s.project.videos.find(
        (v) => resolveVideoPath(s.paths, v.path) === file || (v.contentHash && v.contentHash === probed.contentHash),
      );
      if (same)
        throw new FramewiseError('CONFLICT', `${fileBase(file)} is in the project again already (as ${same.path}).`);
      // What the probe says wins over what the caller sent: codec and container decide playback.
      const { id: _newId, path: _file, addedAt: _now, ...measured } = probed;
      const restored = { ...video, ...measured };
      await s.update((p) => {
        const at = Math.min(Math.max(0, Math.trunc(index ?? p.videos.length)), p.videos.length);
        p.videos.splice(at, 0, restored);
        const ids = new Set(p.segments.map((seg) => seg.id));
        p.segments.push(...segments.filter((seg) => !ids.has(seg.id)));
      });
      return ctx.publishProject();
    },
  };
}
