/**
 * The core services behind the contract. Transport-agnostic: Electron IPC (main/) and serve mode
 * (src/serve) both wrap the `api` object returned here and forward `emit`ted events.
 */
import { join, resolve } from 'node:path';
import { FramewiseError, toFramewiseError } from '../errors.js';
import { VERSION } from '../version.js';
import { probe } from '../video/probe.js';
import { thumbnail } from '../video/thumbnails.js';
import { getFfmpegPaths } from '../video/ffmpeg-path.js';
import { runProcess } from '../video/process.js';
import { createFeatureEngine } from '../features/engines/select.js';
import type { FeatureEngine } from '../features/types.js';
import { extractFeatures, cacheFileName } from '../features/extract.js';
import { readFeatureHeader } from '../features/feature-file.js';
import { contentHash } from '../features/content-hash.js';
import { ProjectStore, newId, resolveVideoPath } from '../store/project-store.js';
import type { ProjectVideo } from '../store/schema.js';
import { expandVideoPaths } from '../util/scan.js';
import { trainProjectModel, loadProjectModel } from '../training/project-training.js';
import { predictVideo, resolveModelDir, savePredictions, videoFeatures } from '../inference/project-predict.js';
import { toPredictionsCsv } from '../export/predictions.js';
import { JobRunner } from './jobs.js';
import type { Api, ApiEvent, ProjectSnapshot, SystemInfo, TrainingEpoch, TrainingSummary } from './contract.js';

export interface CoreServices {
  api: Api;
  /** Absolute path of a video of the open project, or null: the media routes serve nothing else. */
  resolveMedia(videoId: string): string | null;
  /** Waits for a job to settle (tests, CLI). */
  waitForJob(jobId: string): ReturnType<JobRunner['wait']>;
  dispose(): Promise<void>;
}

export interface CoreServicesOptions {
  transport: 'electron' | 'serve';
  emit: (e: ApiEvent) => void;
  /** Lets tests inject a fake or preloaded engine. */
  engineFactory?: (backboneId: string) => Promise<FeatureEngine>;
}

export function createCoreServices(opts: CoreServicesOptions): CoreServices {
  const { emit } = opts;
  let store: ProjectStore | null = null;
  const engines = new Map<string, Promise<FeatureEngine>>();
  let featureBackend: string | null = null;
  const jobs = new JobRunner((job) => emit({ type: 'job', job }));
  /** Finished training runs of this session, by job id. */
  const trainingResults = new Map<string, TrainingSummary>();

  const engineFor = (backboneId: string): Promise<FeatureEngine> => {
    const existing = engines.get(backboneId);
    if (existing) return existing;
    const loading = (opts.engineFactory ?? createFeatureEngine)(backboneId).then((engine) => {
      featureBackend = engine.backend;
      emit({ type: 'backend', featureBackend: engine.backend });
      return engine;
    });
    // A failed load is not cached: the next call tries again (e.g. after the user fixes the cause).
    loading.catch(() => engines.delete(backboneId));
    engines.set(backboneId, loading);
    return loading;
  };

  const requireStore = (): ProjectStore => {
    if (!store) throw new FramewiseError('BAD_ARGUMENT', 'No project is open. Create or open a project first.');
    return store;
  };

  const featureFileFor = (
    s: ProjectStore,
    v: ProjectVideo,
    engine: Pick<FeatureEngine, 'backboneId' | 'inputWidth' | 'inputHeight'>,
  ): string | null =>
    v.contentHash
      ? join(
          s.paths.features,
          cacheFileName(v.contentHash, engine, { fps: s.project.settings.fps, fit: 'stretch', dtype: 'float16' }),
        )
      : null;

  const snapshot = async (): Promise<ProjectSnapshot> => {
    const s = requireStore();
    const features: ProjectSnapshot['features'] = {};
    // Only report cache state for an engine already loaded: loading one just to list videos would be slow.
    const loaded = engines.get(s.project.settings.backboneId);
    const engine = loaded ? await loaded.catch(() => null) : null;
    for (const v of s.project.videos) {
      const file = engine ? featureFileFor(s, v, engine) : null;
      const header = file ? await readFeatureHeader(file).catch(() => null) : null;
      features[v.id] = header ? { cached: true, frames: header.header.count } : { cached: false };
    }
    return { root: s.paths.root, project: s.project, features };
  };

  const publishProject = async (): Promise<ProjectSnapshot> => {
    const snap = await snapshot();
    emit({ type: 'project', snapshot: snap });
    return snap;
  };

  const api: Api = {
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
        featureBackend,
        ffmpeg,
        platform: `${process.platform}-${process.arch}`,
        transport: opts.transport,
      };
    },

    'project.create': async ({ dir, name }) => {
      if (!dir) throw new FramewiseError('BAD_ARGUMENT', 'Choose a folder for the new project.');
      store = await ProjectStore.create(resolve(dir), name || 'Untitled project');
      return publishProject();
    },

    'project.open': async ({ dir }) => {
      if (!dir) throw new FramewiseError('BAD_ARGUMENT', 'Choose a project folder to open.');
      store = await ProjectStore.open(resolve(dir));
      return publishProject();
    },

    'project.current': async () => (store ? snapshot() : null),

    'project.save': async ({ project }) => {
      const s = requireStore();
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
      await s.replace(project);
      return publishProject();
    },

    'project.addVideos': async ({ paths }) => {
      const s = requireStore();
      if (!Array.isArray(paths) || paths.length === 0)
        throw new FramewiseError('BAD_ARGUMENT', 'Give at least one video file or folder.');
      const files = await expandVideoPaths(paths.map((p) => resolve(p)));
      const rejected: { path: string; code: FramewiseError['code']; message: string }[] = [];
      const added: ProjectVideo[] = [];
      const known = new Set(s.project.videos.map((v) => resolveVideoPath(s.paths, v.path)));
      for (const file of files) {
        if (known.has(file)) continue;
        try {
          const info = await probe(file);
          const hash = await contentHash(file);
          added.push({
            id: newId('vid'),
            path: file,
            contentHash: hash,
            durationSec: info.durationSec,
            fps: info.fps,
            width: info.displayWidth,
            height: info.displayHeight,
            codec: info.codec,
            addedAt: new Date().toISOString(),
          });
          known.add(file);
        } catch (e) {
          const err = toFramewiseError(e);
          rejected.push({ path: file, code: err.code, message: err.message });
        }
      }
      if (added.length > 0) await s.update((p) => void p.videos.push(...added));
      return { snapshot: await publishProject(), rejected };
    },

    'project.removeVideo': async ({ videoId }) => {
      const s = requireStore();
      if (!s.project.videos.some((v) => v.id === videoId))
        throw new FramewiseError('NOT_FOUND', `No video ${videoId} in this project.`);
      await s.update((p) => {
        p.videos = p.videos.filter((v) => v.id !== videoId);
        p.segments = p.segments.filter((seg) => seg.videoId !== videoId);
      });
      return publishProject();
    },

    'video.probe': async ({ path }) => probe(resolve(path)),

    'video.thumbnail': async ({ videoId, timeSec, width }) => {
      const file = resolveMediaOrThrow(videoId);
      const buf = await thumbnail(file, Math.max(0, timeSec), {
        width: Math.min(Math.max(16, Math.round(width)), 1920),
        format: 'jpeg',
      });
      return { mime: 'image/jpeg', base64: buf.toString('base64') };
    },

    'features.extract': async ({ videoIds }) => {
      const s = requireStore();
      const wanted =
        videoIds && videoIds.length > 0 ? s.project.videos.filter((v) => videoIds.includes(v.id)) : s.project.videos;
      if (wanted.length === 0)
        throw new FramewiseError('BAD_ARGUMENT', 'There are no videos to extract features from. Add videos first.');
      const { backboneId, fps } = s.project.settings;
      const label =
        wanted.length === 1 ? `Features: ${wanted[0]!.path.split(/[\\/]/).pop()}` : `Features: ${wanted.length} videos`;
      const jobId = jobs.start('extract', label, async (ctx) => {
        const engine = await engineFor(backboneId);
        const failures: string[] = [];
        const failureCodes = new Set<FramewiseError['code']>();
        let frames = 0;
        for (const [i, v] of wanted.entries()) {
          if (ctx.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
          try {
            const res = await extractFeatures(resolveVideoPath(s.paths, v.path), {
              engine,
              fps,
              cacheDir: s.paths.features,
              hash: v.contentHash,
              signal: ctx.signal,
              onProgress: (p) =>
                ctx.progress({
                  done: p.framesDone,
                  total: p.framesTotal,
                  rate: p.fps,
                  etaSec: p.etaSec,
                  message: `Video ${i + 1} of ${wanted.length}`,
                }),
            });
            frames += res.header.count;
          } catch (e) {
            const err = toFramewiseError(e);
            if (err.code === 'ABORTED') throw err;
            // One bad video must not stop the others.
            failures.push(`${v.path}: ${err.message}`);
            failureCodes.add(err.code);
          }
        }
        await publishProject();
        if (failures.length === wanted.length) {
          // Keep the real cause's code (FILE_NOT_FOUND, CORRUPT_VIDEO…) when every video failed the same way.
          const code = failureCodes.size === 1 ? [...failureCodes][0]! : 'DECODE_FAILED';
          throw new FramewiseError(code, failures.join('\n'));
        }
        return failures.length > 0
          ? `${frames} frames; ${failures.length} failed:\n${failures.join('\n')}`
          : `${frames} frames`;
      });
      return { jobId };
    },

    'training.start': async ({ head, hidden, epochs, clipLength, name }) => {
      const s = requireStore();
      if (name !== undefined && !/^[\w.-]{1,64}$/.test(name))
        throw new FramewiseError('BAD_ARGUMENT', 'A model name may only use letters, digits, "_", "-" and ".".');
      const modelName = name ?? `${head}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const headConfig =
        head === 'mean'
          ? { kind: 'mean-mlp' as const, ...(hidden ? { hidden } : {}) }
          : { kind: 'recurrent' as const, cell: head, ...(hidden ? { hidden } : {}) };
      const totalEpochs = epochs ?? 30;
      const label = `Training ${head === 'mean' ? 'baseline' : head.toUpperCase()} (${totalEpochs} epochs)`;
      const jobId = jobs.start('train', label, async (ctx) => {
        const engine = await engineFor(s.project.settings.backboneId);
        ctx.progress({ done: 0, total: totalEpochs, message: 'Preparing features' });
        const res = await trainProjectModel(s, {
          engine,
          name: modelName,
          signal: ctx.signal,
          config: {
            head: headConfig,
            epochs: totalEpochs,
            ...(clipLength ? { clipLength } : {}),
          },
          onProgress: (p) => {
            if (p.type === 'batch') {
              ctx.progress({
                done: p.epoch + p.batch / Math.max(1, p.batches),
                total: p.epochs,
                rate: p.samplesPerSec,
                etaSec: p.etaSec,
                message: `Epoch ${p.epoch + 1}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
              });
              return;
            }
            // The trainer counts epochs from 0; the contract (and the UI) from 1.
            const epoch: TrainingEpoch = {
              epoch: p.epoch + 1,
              epochs: p.epochs,
              loss: p.loss,
              acc: p.acc,
              valLoss: p.valLoss,
              valAcc: p.valAcc,
            };
            emit({ type: 'training', jobId, epoch });
            ctx.progress({
              done: p.epoch + 1,
              total: p.epochs,
              rate: p.samplesPerSec,
              etaSec: p.etaSec,
              message: `Epoch ${p.epoch + 1}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
            });
          },
        });
        const summary: TrainingSummary = {
          jobId,
          modelName,
          history: res.history.map((h) => ({
            epoch: h.epoch + 1,
            epochs: h.epochs,
            loss: h.loss,
            acc: h.acc,
            valLoss: h.valLoss,
            valAcc: h.valAcc,
          })),
          classes: res.classes,
          validation: res.validation ? { top1: res.validation.top1, confusion: res.validation.confusion } : null,
          seconds: res.seconds,
          warnings: res.warnings,
        };
        trainingResults.set(jobId, summary);
        emit({ type: 'training.result', result: summary });
        // Early stopping can end before the last epoch: the job still finishes at 100 %.
        const last = (res.history.at(-1)?.epoch ?? totalEpochs - 1) + 1;
        ctx.progress({ done: last, total: last });
        return res.validation
          ? `Model ${modelName}: validation top-1 ${(res.validation.top1 * 100).toFixed(1)} %`
          : `Model ${modelName} (too few videos for a validation split)`;
      });
      return { jobId };
    },

    'training.result': async ({ jobId }) => trainingResults.get(jobId) ?? null,

    'predict.run': async ({ videoId }) => {
      const s = requireStore();
      const file = resolveMediaOrThrow(videoId);
      const dir = await resolveModelDir(s);
      const engine = await engineFor(s.project.settings.backboneId);
      const model = await loadProjectModel(dir, engine);
      const features = await videoFeatures(file, s, engine, { fps: model.meta.fps });
      const pred = await predictVideo(model, features, file.split(/[\\/]/).pop() ?? videoId);
      await savePredictions(s, [{ file, segments: pred.segments }]);
      await publishProject();
      return {
        videoId,
        modelName: dir.split(/[\\/]/).pop() ?? dir,
        durationSec: pred.durationSec,
        top: pred.top.map((t) => ({ classId: t.classId, label: t.name, score: t.probability })),
        segments: pred.segments,
        curves: pred.curves,
      };
    },

    'export.predictionsCsv': async ({ videoId }) => {
      const s = requireStore();
      const file = resolveMediaOrThrow(videoId);
      const video = file.split(/[\\/]/).pop() ?? videoId;
      const names = new Map(s.project.classes.map((c) => [c.id, c.name]));
      const rows = s.project.segments
        .filter((seg) => seg.videoId === videoId && seg.source === 'prediction')
        .sort((a, b) => a.start - b.start)
        .map((seg) => ({
          video,
          start: seg.start,
          end: seg.end,
          label: seg.classId ? (names.get(seg.classId) ?? seg.classId) : '',
          ...(seg.score !== undefined ? { score: seg.score } : {}),
        }));
      return { fileName: `${video.replace(/\.[^.]+$/, '')}-predictions.csv`, csv: toPredictionsCsv(rows) };
    },

    'jobs.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'jobs.list': async () => jobs.list(),
  };

  const resolveMedia = (videoId: string): string | null => {
    if (!store) return null;
    const v = store.project.videos.find((x) => x.id === videoId);
    return v ? resolveVideoPath(store.paths, v.path) : null;
  };
  const resolveMediaOrThrow = (videoId: string): string => {
    const file = resolveMedia(videoId);
    if (!file) throw new FramewiseError('NOT_FOUND', `No video ${videoId} in the open project.`);
    return file;
  };

  return {
    api,
    resolveMedia,
    waitForJob: (jobId) => jobs.wait(jobId),
    dispose: async () => {
      await jobs.cancelAll();
      for (const p of engines.values()) await (await p.catch(() => null))?.dispose();
      engines.clear();
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
