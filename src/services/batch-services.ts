/**
 * Batch work: predict every video of the project (or a selection) as one cancelable job; the
 * segments are stored as 'prediction' pre-labels, as predict.start does for one video, and the
 * predictions of all videos then export at once (export.file without a videoId); and caption them
 * all with one captioner, each video's captions kept as captioning.run keeps them.
 */
import { FramewiseError } from '../errors.js';
import { loadProjectModel } from '../project/training.js';
import {
  localizeOptionsFrom,
  predictVideo,
  resolveModelDir,
  savePredictions,
  videoFeatures,
} from '../project/predict.js';
import { loadProjectCaptioner, resolveCaptionerDir } from '../project/captioning.js';
import type { Api } from './contract.js';
import { captionProjectVideo, checkCaptionWindow } from './video-captions.js';
import { fileBase, findVideo, videoFile, type ServiceContext } from './service-context.js';

type BatchApi = Pick<Api, 'predict.batch' | 'captioning.batch'>;

export function batchServices(ctx: ServiceContext): BatchApi {
  return {
    'predict.batch': async ({ videoIds, modelName, threshold, smoothingSec, minDurationSec }) => {
      const s = ctx.requireStore();
      const ids = videoIds ?? s.project.videos.map((v) => v.id);
      if (ids.length === 0) throw new FramewiseError('BAD_ARGUMENT', 'The project has no videos to predict.');
      for (const id of ids) findVideo(s, id);
      const dir = await resolveModelDir(s, modelName);
      const jobId = ctx.jobs.start(
        'predict-batch',
        `Predicting ${ids.length} video(s) with ${fileBase(dir)}`,
        async (job) => {
          const engine = await ctx.engineFor(s.project.settings.backboneId);
          const model = await loadProjectModel(s, dir, engine);
          const localize = localizeOptionsFrom({ threshold, smoothingSec, minDurationSec }, model.meta.fps);
          let segments = 0;
          for (const [i, id] of ids.entries()) {
            if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
            const file = videoFile(s, id);
            job.progress({ done: i, total: ids.length, message: `${fileBase(file)} (${i + 1}/${ids.length})` });
            const features = await videoFeatures(file, s, engine, { fps: model.meta.fps, signal: job.signal });
            const pred = await predictVideo(model, features, fileBase(file), { signal: job.signal, ...localize });
            // Saved per video: a cancel keeps the videos already done.
            await savePredictions(s, [{ file, segments: pred.segments }]);
            segments += pred.segments.length;
            await ctx.publishProject();
          }
          job.progress({ done: ids.length, total: ids.length });
          return `${segments} segments in ${ids.length} video(s)`;
        },
      );
      return { jobId };
    },

    'captioning.batch': async ({ videoIds, captioner, windowSec }) => {
      const s = ctx.requireStore();
      const ids = videoIds ?? s.project.videos.map((v) => v.id);
      if (ids.length === 0) throw new FramewiseError('BAD_ARGUMENT', 'The project has no videos to caption.');
      for (const id of ids) findVideo(s, id);
      checkCaptionWindow(windowSec);
      const dir = await resolveCaptionerDir(s, captioner);
      const name = fileBase(dir);
      const jobId = ctx.jobs.start('caption-batch', `Captioning ${ids.length} video(s) with ${name}`, async (job) => {
        const engine = await ctx.engineFor(s.project.settings.backboneId);
        const model = await loadProjectCaptioner(s, engine, name);
        let captions = 0;
        for (const [i, id] of ids.entries()) {
          if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
          job.progress({
            done: i,
            total: ids.length,
            message: `${fileBase(videoFile(s, id))} (${i + 1}/${ids.length})`,
          });
          const result = await captionProjectVideo(s, engine, model, name, id, {
            ...(windowSec !== undefined ? { windowSec } : {}),
            signal: job.signal,
          });
          captions += result.captions.length;
          // The player and the export read them from disk: each video's are there once it is done.
          ctx.publishResult({ kind: 'caption', jobId, captions: result });
        }
        job.progress({ done: ids.length, total: ids.length });
        return `${captions} captions in ${ids.length} video(s)`;
      });
      return { jobId };
    },
  };
}
