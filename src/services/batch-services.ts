/**
 * Batch work: predict every video of the project (or a selection) as one cancelable job; the
 * segments are stored as 'prediction' pre-labels, as predict.start does for one video, and the
 * predictions of all videos then export at once (export.file without a videoId).
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
import type { Api } from './contract.js';
import { fileBase, findVideo, videoFile, type ServiceContext } from './service-context.js';

type BatchApi = Pick<Api, 'predict.batch'>;

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
  };
}
