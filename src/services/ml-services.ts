/**
 * Feature extraction, training, prediction and captioning methods of the contract. Each long
 * operation is a job: it reports progress, can be cancelled, and hands its result back through
 * ctx.publishResult (a 'job.result' event, and jobs.result for a page that missed the event).
 */
import { isAbsolute } from 'node:path';
import { FramewiseError, toFramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { trainProjectModel, loadProjectModel } from '../project/training.js';
import {
  localizeOptionsFrom,
  predictVideo,
  resolveModelDir,
  savePredictions,
  videoFeatures,
} from '../project/predict.js';
import { loadProjectCaptioner, resolveCaptionerDir, trainProjectCaptioner } from '../project/captioning.js';
import { extractProjectVideoFeatures } from '../project/video-features.js';
import { BACKGROUND_CLASS } from '../training/dataset.js';
import { notMeasuredLine } from '../eval/validation-status.js';
import { HEAD_CHOICES, headSettings } from '../models/heads/registry.js';
import type { FitBatch } from '../training/fit.js';
import type { Api, TrainingEpoch, TrainingSummary } from './contract.js';
import { listModels } from './model-list.js';
import { captionProjectVideo, checkCaptionWindow, readCaptions } from './video-captions.js';
import { listTrainingRuns, saveRunRequest } from './training-runs.js';
import { importModel } from '../project/import-model.js';
import type { JobContext } from './jobs.js';
import { fileBase, findVideo, videoFile, type ServiceContext } from './service-context.js';

type MlApi = Pick<
  Api,
  | 'features.extract'
  | 'training.start'
  | 'training.result'
  | 'training.runs'
  | 'models.list'
  | 'models.import'
  | 'predict.start'
  | 'captioning.train'
  | 'captioning.run'
  | 'captioning.get'
>;

const NAME_RE = /^[\w.-]{1,64}$/;

function checkName(name: string | undefined): void {
  if (name !== undefined && !NAME_RE.test(name))
    throw new FramewiseError('BAD_ARGUMENT', 'A model name may only use letters, digits, "_", "-" and ".".');
}

function timestampName(prefix: string): string {
  return `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** What the training loop reports, per batch and per epoch (classifier and captioner alike). */
type LoopProgress =
  FitBatch | { type: 'epoch'; epoch: number; epochs: number; loss: number; samplesPerSec?: number; etaSec?: number };

/** A training job's progress: a fraction of an epoch after each batch, whole epochs after each epoch. */
function fitProgress(job: JobContext, p: LoopProgress): void {
  job.progress({
    done: p.type === 'batch' ? p.epoch + p.batch / Math.max(1, p.batches) : p.epoch + 1,
    total: p.epochs,
    ...(p.samplesPerSec !== undefined ? { rate: p.samplesPerSec } : {}),
    ...(p.etaSec !== undefined ? { etaSec: p.etaSec } : {}),
    message: `Epoch ${p.epoch + 1}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
  });
}

function finishProgress(job: JobContext, history: { epoch: number }[], totalEpochs: number): void {
  const last = (history.at(-1)?.epoch ?? totalEpochs - 1) + 1;
  job.progress({ done: last, total: last });
}

export function mlServices(ctx: ServiceContext): MlApi {
  /** Finished training runs of this session, by job id. */
  const trainingResults = new Map<string, TrainingSummary>();

  const toEpoch = (p: {
    epoch: number;
    epochs: number;
    loss: number;
    acc?: number;
    valLoss: number | null;
    valAcc?: number | null;
    bleu4?: number;
  }): TrainingEpoch => ({
    // The trainers count epochs from 0; the contract (and the UI) from 1.
    epoch: p.epoch + 1,
    epochs: p.epochs,
    loss: p.loss,
    acc: p.acc ?? null,
    valLoss: p.valLoss,
    valAcc: p.valAcc ?? null,
    ...(p.bleu4 !== undefined ? { bleu4: p.bleu4 } : {}),
  });

  /**
   * A training job, classifier or captioner: the feature engine and a 'Preparing features' step,
   * then `train`, then progress at 100 % (early stopping can end before the last epoch).
   */
  const startTrainingJob = (
    s: ProjectStore,
    kind: 'train' | 'caption-train',
    label: string,
    totalEpochs: number,
    train: (
      engine: FeatureEngine,
      job: JobContext,
      jobId: string,
    ) => Promise<{ history: { epoch: number }[]; message: string }>,
  ): { jobId: string } => {
    const jobId: string = ctx.jobs.start(kind, label, async (job) => {
      const engine = await ctx.engineFor(s.project.settings.backboneId);
      job.progress({ done: 0, total: totalEpochs, message: 'Preparing features' });
      const r = await train(engine, job, jobId);
      finishProgress(job, r.history, totalEpochs);
      return r.message;
    });
    return { jobId };
  };

  return {
    'features.extract': async ({ videoIds }) => {
      const s = ctx.requireStore();
      const wanted =
        videoIds && videoIds.length > 0 ? s.project.videos.filter((v) => videoIds.includes(v.id)) : s.project.videos;
      if (wanted.length === 0)
        throw new FramewiseError('BAD_ARGUMENT', 'There are no videos to extract features from. Add videos first.');
      const { backboneId, fps } = s.project.settings;
      const label =
        wanted.length === 1 ? `Features: ${fileBase(wanted[0]!.path)}` : `Features: ${wanted.length} videos`;
      const jobId = ctx.jobs.start('extract', label, async (job) => {
        const engine = await ctx.engineFor(backboneId);
        const failures: string[] = [];
        const failureCodes = new Set<FramewiseError['code']>();
        let frames = 0;
        for (const [i, v] of wanted.entries()) {
          if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
          try {
            const res = await extractProjectVideoFeatures(s, v, {
              engine,
              fps,
              signal: job.signal,
              onProgress: (p) =>
                job.progress({
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
        await ctx.publishProject();
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

    'training.start': async (args) => {
      const { head, hidden, epochs, clipLength, name, background } = args;
      const s = ctx.requireStore();
      checkName(name);
      if (args.resume && !name)
        throw new FramewiseError('BAD_ARGUMENT', 'Name the model whose training should be resumed.');
      const modelName = name ?? timestampName(head);
      const headConfig = {
        ...headSettings(head),
        ...(hidden ? { hidden } : {}),
        ...(args.layers !== undefined ? { layers: args.layers } : {}),
        ...(args.bidirectional !== undefined ? { bidirectional: args.bidirectional } : {}),
        ...(args.dropout !== undefined ? { dropout: args.dropout } : {}),
      };
      const loop = {
        ...(args.lr !== undefined ? { lr: args.lr } : {}),
        ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
        ...(args.patience !== undefined ? { patience: args.patience } : {}),
        ...(args.valFraction !== undefined ? { valFraction: args.valFraction } : {}),
        ...(args.classWeights !== undefined ? { classWeighting: args.classWeights } : {}),
        ...(args.input !== undefined ? { input: args.input } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
      };
      const totalEpochs = epochs ?? 30;
      const label = `Training ${HEAD_CHOICES[head].label} (${totalEpochs} epochs)`;
      return startTrainingJob(s, 'train', label, totalEpochs, async (engine, job, jobId) => {
        await saveRunRequest(s, modelName, { ...args, name: modelName, epochs: totalEpochs });
        const res = await trainProjectModel(s, {
          engine,
          name: modelName,
          signal: job.signal,
          ...(background !== undefined ? { background } : {}),
          ...(args.split !== undefined ? { split: args.split } : {}),
          ...(args.resume !== undefined ? { resume: args.resume } : {}),
          config: { head: headConfig, epochs: totalEpochs, ...(clipLength ? { clipLength } : {}), ...loop },
          onProgress: (p) => {
            if (p.type === 'epoch') ctx.emit({ type: 'training', jobId, epoch: toEpoch(p) });
            fitProgress(job, p);
          },
        });
        const summary: TrainingSummary = {
          jobId,
          modelName,
          history: res.history.map(toEpoch),
          classes: res.classes.map((c) => (c.id === BACKGROUND_CLASS.id ? { ...c, background: true } : c)),
          validation: res.validation
            ? {
                top1: res.validation.top1,
                confusion: res.validation.confusion,
                missingClasses: res.validation.missingClasses,
              }
            : null,
          seconds: res.seconds,
          warnings: res.warnings,
          input: res.input,
        };
        trainingResults.set(jobId, summary);
        ctx.emit({ type: 'training.result', result: summary });
        const message = !res.validation
          ? `Model ${modelName} (too few videos for a validation split)`
          : res.validation.missingClasses.length > 0
            ? `Model ${modelName}: ${notMeasuredLine(res.validation.missingClasses)}`
            : `Model ${modelName}: validation top-1 ${(res.validation.top1 * 100).toFixed(1)} %`;
        return { history: res.history, message };
      });
    },

    'training.result': async ({ jobId }) => trainingResults.get(jobId) ?? null,
    'training.runs': async () => listTrainingRuns(ctx.requireStore()),

    'models.list': async () => listModels(ctx.requireStore()),

    'models.import': async ({ path, name, addClasses }) => {
      checkName(name);
      if (!isAbsolute(path))
        throw new FramewiseError('BAD_ARGUMENT', `Import from a full path (e.g. /home/me/walk.zip), not "${path}".`);
      const r = await importModel(ctx.requireStore(), path, { ...(name ? { name } : {}), addClasses });
      return { name: r.name, kind: r.kind, addedClasses: r.addedClasses, snapshot: await ctx.publishProject() };
    },

    'predict.start': async ({ videoId, modelName, threshold, smoothingSec, minDurationSec }) => {
      const s = ctx.requireStore();
      const file = videoFile(s, videoId);
      checkName(modelName);
      const dir = await resolveModelDir(s, modelName);
      const name = fileBase(dir);
      const jobId = ctx.jobs.start(
        'predict',
        `Predicting: ${fileBase(file)}`,
        async (job) => {
          const engine = await ctx.engineFor(s.project.settings.backboneId);
          const model = await loadProjectModel(s, dir, engine);
          job.progress({ done: 0, total: 1, message: 'Features' });
          const features = await videoFeatures(file, s, engine, {
            fps: model.meta.fps,
            signal: job.signal,
            onExtract: (p) =>
              job.progress({
                done: p.framesDone,
                total: p.framesTotal + 1,
                rate: p.fps,
                etaSec: p.etaSec,
                message: 'Features',
              }),
          });
          if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
          const pred = await predictVideo(model, features, fileBase(file), {
            signal: job.signal,
            ...localizeOptionsFrom({ threshold, smoothingSec, minDurationSec }, model.meta.fps),
          });
          await savePredictions(s, [{ file, segments: pred.segments }]);
          await ctx.publishProject();
          job.progress({ done: features.times.length, total: features.times.length });
          ctx.publishResult({
            kind: 'predict',
            jobId,
            prediction: {
              videoId,
              modelName: name,
              durationSec: pred.durationSec,
              top: pred.top.map((t) => ({ classId: t.classId, label: t.name, score: t.probability })),
              segments: pred.segments,
              curves: pred.curves,
            },
          });
          return `${pred.segments.length} segments · ${pred.top[0] ? `${pred.top[0].name} ${(pred.top[0].probability * 100).toFixed(0)} %` : ''}`;
        },
        { videoId },
      );
      return { jobId };
    },

    'captioning.train': async ({ cell, attention, hidden, epochs, name }) => {
      const s = ctx.requireStore();
      checkName(name);
      const captionerName = name ?? timestampName(`captioner-${cell}`);
      const totalEpochs = epochs ?? 40;
      const label = `Training captioner ${cell.toUpperCase()}${attention ? ' + attention' : ''} (${totalEpochs} epochs)`;
      return startTrainingJob(s, 'caption-train', label, totalEpochs, async (engine, job, jobId) => {
        const res = await trainProjectCaptioner(s, {
          engine,
          name: captionerName,
          signal: job.signal,
          config: {
            epochs: totalEpochs,
            model: {
              cell,
              attention: attention ? 'general' : 'none',
              ...(hidden ? { encoderHidden: hidden, decoderHidden: hidden } : {}),
            },
          },
          onBatch: (p) => fitProgress(job, p),
          onProgress: (p) => {
            ctx.emit({ type: 'training', jobId, epoch: toEpoch(p) });
            fitProgress(job, p);
          },
        });
        const v = res.valScores;
        ctx.publishResult({
          kind: 'caption-train',
          jobId,
          summary: {
            jobId,
            name: captionerName,
            history: res.history.map(toEpoch),
            validation: v ? { bleu4: v.bleu4, ciderD: v.ciderD } : null,
            seconds: res.seconds,
            warnings: res.warnings,
          },
        });
        const message = v
          ? `Captioner ${captionerName}: validation BLEU-4 ${v.bleu4.toFixed(2)}`
          : `Captioner ${captionerName}`;
        return { history: res.history, message };
      });
    },

    'captioning.run': async ({ videoId, captioner, windowSec }) => {
      const s = ctx.requireStore();
      const video = findVideo(s, videoId);
      checkName(captioner);
      checkCaptionWindow(windowSec);
      const jobId = ctx.jobs.start(
        'caption',
        `Captioning: ${fileBase(video.path)}`,
        async (job) => {
          const engine = await ctx.engineFor(s.project.settings.backboneId);
          const model = await loadProjectCaptioner(s, engine, captioner);
          const name = fileBase(await resolveCaptionerDir(s, captioner));
          const result = await captionProjectVideo(s, engine, model, name, videoId, {
            ...(windowSec !== undefined ? { windowSec } : {}),
            signal: job.signal,
            onExtract: (p) =>
              job.progress({ done: p.framesDone, total: p.framesTotal + 1, rate: p.fps, message: 'Features' }),
          });
          job.progress({ done: 1, total: 1 });
          ctx.publishResult({ kind: 'caption', jobId, captions: result });
          return `${result.captions.length} captions`;
        },
        { videoId },
      );
      return { jobId };
    },

    'captioning.get': async ({ videoId }) => {
      const s = ctx.requireStore();
      findVideo(s, videoId);
      return readCaptions(s, videoId);
    },
  };
}
