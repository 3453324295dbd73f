/**
 * Project and video methods of the contract: create/open/save, adding videos, thumbnails, and
 * playable proxies for files the player cannot play.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { FramewiseError, toFramewiseError } from '../errors.js';
import { listBackbones } from '../features/backbones/registry.js';
import { STREAM_IDS } from '../features/streams/streams.js';
import { VERSION } from '../version.js';
import { readFrameTimes } from '../video/frame-times.js';
import { probe } from '../video/probe.js';
import { filmstrip, filmstripTimes, thumbnail } from '../video/thumbnails.js';
import { getFfmpegPaths } from '../video/ffmpeg-path.js';
import { runProcess } from '../video/process.js';
import { browserPlayability, makeProxy, proxyFileName, type Playability } from '../video/proxy.js';
import { ProjectStore, resolveVideoPath } from '../store/project-store.js';
import { describeVideo } from '../store/video-entry.js';
import { relinkVideos } from '../store/relink.js';
import { loadRecent, saveRecent, withRecent, withoutRecent } from '../store/recent-projects.js';
import { DEFAULT_SETTINGS, type ProjectVideo } from '../store/schema.js';
import { expandVideoPaths } from '../util/scan.js';
import type { Api, SystemInfo } from './contract.js';
import { fileBase, findVideo, proxiesDir, proxyFile, videoFile, type ServiceContext } from './service-context.js';

type ProjectApi = Pick<
  Api,
  | 'system.info'
  | 'project.create'
  | 'project.open'
  | 'project.current'
  | 'project.recent'
  | 'project.save'
  | 'project.addVideos'
  | 'project.removeVideo'
  | 'video.probe'
  | 'video.thumbnail'
  | 'video.filmstrip'
  | 'video.frameTimes'
  | 'video.proxy'
  | 'project.versions'
  | 'project.restoreVersion'
  | 'project.relink'
>;

const EXTENSION_FORMATS: Record<string, string> = {
  mp4: 'mp4',
  m4v: 'mp4',
  mov: 'mov',
  webm: 'webm',
  mkv: 'matroska',
  ogv: 'ogg',
  ogg: 'ogg',
};

/** Playability from what the project stored at import (older projects lack the container: use the extension). */
export function videoPlayability(v: ProjectVideo): Playability {
  if (!v.codec) return { playable: true };
  const ext = v.path.split('.').pop()?.toLowerCase() ?? '';
  const container = v.container ?? EXTENSION_FORMATS[ext] ?? (ext || 'unknown');
  return browserPlayability({
    codec: v.codec,
    container: container.split(',')[0]!,
    formatName: container,
    ...(v.pixelFormat ? { pixelFormat: v.pixelFormat } : {}),
  });
}

export function projectServices(ctx: ServiceContext, transport: SystemInfo['transport']): ProjectApi {
  /** Puts the open project first in the recent list; a failure to write it never fails the open. */
  const remember = async (store: ProjectStore): Promise<void> => {
    if (!ctx.stateDir) return;
    const entry = { root: store.paths.root, name: store.project.name, openedAt: new Date().toISOString() };
    await saveRecent(ctx.stateDir, withRecent(await loadRecent(ctx.stateDir), entry)).catch(() => undefined);
  };

  return {
    'system.info': async () => {
      let ffmpeg: SystemInfo['ffmpeg'];
      try {
        const loc = getFfmpegPaths();
        ffmpeg = { path: loc.ffmpeg, source: loc.source, version: await ffmpegVersion(loc.ffmpeg) };
      } catch (e) {
        ffmpeg = { error: toFramewiseError(e).message };
      }
      return {
        version: VERSION,
        featureBackend: ctx.featureBackend(),
        featureFallback: ctx.featureFallback(),
        ffmpeg,
        platform: `${process.platform}-${process.arch}`,
        transport,
        demoDir: join(homedir(), 'Framewise demo'),
        backbones: await listBackbones().then(
          (all) =>
            all.map((b) => ({
              id: b.id,
              name: b.name,
              featureDim: b.featureDim,
              int8: b.quantization !== undefined,
              isDefault: b.id === DEFAULT_SETTINGS.backboneId,
            })),
          () => [],
        ),
        streams: [...STREAM_IDS],
      };
    },

    'project.create': async ({ dir, name }) => {
      if (!dir) throw new FramewiseError('BAD_ARGUMENT', 'Choose a folder for the new project.');
      const store = await ProjectStore.create(resolve(dir), name || 'Untitled project');
      ctx.setStore(store);
      await remember(store);
      return ctx.publishProject();
    },

    'project.open': async ({ dir }) => {
      if (!dir) throw new FramewiseError('BAD_ARGUMENT', 'Choose a project folder to open.');
      const store = await ProjectStore.open(resolve(dir)).catch(async (e: unknown) => {
        // A recent project that is gone (moved, deleted) leaves the list instead of failing again.
        if (ctx.stateDir && toFramewiseError(e).code === 'FILE_NOT_FOUND')
          await saveRecent(ctx.stateDir, withoutRecent(await loadRecent(ctx.stateDir), resolve(dir))).catch(
            () => undefined,
          );
        throw e;
      });
      ctx.setStore(store);
      await remember(store);
      return ctx.publishProject();
    },

    'project.current': async () => (ctx.currentStore() ? ctx.snapshot() : null),

    'project.recent': async () => (ctx.stateDir ? loadRecent(ctx.stateDir) : []),

    'project.save': async ({ project, baseRevision }) => {
      const s = ctx.requireStore();
      // /media/<id> streams the file a video's path names, so paths may only enter the project through
      // project.addVideos (which probes them): a save cannot add a video or point one elsewhere.
      const stored = new Map(s.project.videos.map((v) => [v.id, v.path]));
      for (const v of Array.isArray(project?.videos) ? project.videos : []) {
        if (stored.get(v?.id) !== v?.path)
          throw new FramewiseError(
            'BAD_ARGUMENT',
            `project.save cannot add videos or change their paths (video ${String(v?.id)}); use project.addVideos.`,
          );
      }
      await s.replace(project, baseRevision);
      return ctx.publishProject();
    },

    'project.addVideos': async ({ paths }) => {
      const s = ctx.requireStore();
      if (!Array.isArray(paths) || paths.length === 0)
        throw new FramewiseError('BAD_ARGUMENT', 'Give at least one video file or folder.');
      const files = await expandVideoPaths(paths.map((p) => resolve(p)));
      const rejected: { path: string; code: FramewiseError['code']; message: string }[] = [];
      const added: ProjectVideo[] = [];
      // The same file twice (by path, or by content under another path: a copy, a moved folder) is
      // refused with the video it would duplicate, so a project never holds one clip as two.
      const byPath = new Map(s.project.videos.map((v) => [resolveVideoPath(s.paths, v.path), v.path]));
      const byHash = new Map(s.project.videos.filter((v) => v.contentHash).map((v) => [v.contentHash!, v.path]));
      const duplicate = (file: string, message: string): void =>
        void rejected.push({ path: file, code: 'CONFLICT', message });
      for (const file of files) {
        if (byPath.has(file)) {
          duplicate(file, `${fileBase(file)} is already in the project.`);
          continue;
        }
        try {
          const video = await describeVideo(file);
          const same = video.contentHash ? byHash.get(video.contentHash) : undefined;
          if (same) {
            duplicate(file, `${fileBase(file)} has the same content as ${same}, which is already in the project.`);
            continue;
          }
          added.push(video);
          byPath.set(file, file);
          if (video.contentHash) byHash.set(video.contentHash, file);
        } catch (e) {
          const err = toFramewiseError(e);
          rejected.push({ path: file, code: err.code, message: err.message });
        }
      }
      if (added.length > 0) await s.update((p) => void p.videos.push(...added));
      return { snapshot: await ctx.publishProject(), rejected };
    },

    'project.removeVideo': async ({ videoId }) => {
      const s = ctx.requireStore();
      findVideo(s, videoId);
      await s.update((p) => {
        p.videos = p.videos.filter((v) => v.id !== videoId);
        p.segments = p.segments.filter((seg) => seg.videoId !== videoId);
      });
      return ctx.publishProject();
    },

    'project.versions': async () => ctx.requireStore().versions(),

    'project.restoreVersion': async ({ id }) => {
      await ctx.requireStore().restoreVersion(id);
      return ctx.publishProject();
    },

    'project.relink': async ({ folder }) => {
      if (!folder) throw new FramewiseError('BAD_ARGUMENT', 'Choose the folder to look for the missing videos in.');
      const result = await relinkVideos(ctx.requireStore(), resolve(folder));
      return { ...result, snapshot: await ctx.publishProject() };
    },

    'video.probe': async ({ path }) => probe(resolve(path)),

    'video.thumbnail': async ({ videoId, timeSec, width }) => {
      const file = videoFile(ctx.requireStore(), videoId);
      const buf = await thumbnail(file, Math.max(0, timeSec), {
        width: Math.min(Math.max(16, Math.round(width)), 1920),
        format: 'jpeg',
      });
      return { mime: 'image/jpeg', base64: buf.toString('base64') };
    },

    'video.frameTimes': async ({ videoId }) => {
      const { variable, times } = await readFrameTimes(videoFile(ctx.requireStore(), videoId));
      return { variable, times: variable ? times : null };
    },

    'video.filmstrip': async ({ videoId, count, width }) => {
      const file = videoFile(ctx.requireStore(), videoId);
      const info = await probe(file);
      const images = await filmstrip(file, {
        count,
        info,
        width: Math.min(Math.max(16, Math.round(width)), 640),
        format: 'jpeg',
      });
      return {
        mime: 'image/jpeg',
        times: filmstripTimes(info.durationSec, count),
        images: images.map((b) => b.toString('base64')),
      };
    },

    'video.proxy': async ({ videoId }) => {
      const s = ctx.requireStore();
      const video = findVideo(s, videoId);
      if (!video.contentHash)
        throw new FramewiseError('BAD_ARGUMENT', `Video ${videoId} has no content hash; re-add it to the project.`);
      const hash = video.contentHash;
      const source = resolveVideoPath(s.paths, video.path);
      const jobId = ctx.jobs.start(
        'proxy',
        `Playable copy: ${fileBase(video.path)}`,
        async (job) => {
          if (proxyFile(s, video)) return 'Already made';
          const info = await probe(source);
          await makeProxy(source, join(proxiesDir(s), proxyFileName(hash)), {
            durationSec: info.durationSec,
            signal: job.signal,
            onProgress: (p) =>
              job.progress({
                done: p.doneSec,
                total: p.totalSec,
                rate: p.speed ?? 0,
                etaSec: p.speed ? (p.totalSec - p.doneSec) / p.speed : null,
                message: 'Transcoding to H.264',
              }),
          });
          job.progress({ done: info.durationSec, total: info.durationSec });
          await ctx.publishProject();
          return 'Ready to play';
        },
        { videoId },
      );
      return { jobId };
    },
  };
}

/** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1". */
async function ffmpegVersion(ffmpeg: string): Promise<string> {
  const res = await runProcess(ffmpeg, ['-hide_banner', '-version'], {
    purpose: 'reading the ffmpeg version',
    maxStdoutBytes: 1 << 16,
  });
  return res.stdout.toString('utf8').split('\n')[0]?.trim() ?? 'unknown';
}
