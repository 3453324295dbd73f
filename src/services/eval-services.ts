/**
 * Evaluation of saved models (as `framewise eval`), kept with each model so it survives a restart,
 * and the active-learning suggestions of a model (as `framewise suggest`).
 */
import { FramewiseError } from '../errors.js';
import {
  evaluateProjectModel,
  evaluationStaleness,
  readEvaluation,
  saveEvaluation,
  type ModelEvaluation,
} from '../project/evaluate.js';
import { listProjectModels, resolveModelDir } from '../project/predict.js';
import { suggestProjectSegments } from '../project/suggest.js';
import type { Api } from './contract.js';
import { fileBase, type ServiceContext } from './service-context.js';

type EvalApi = Pick<Api, 'models.evaluate' | 'models.evaluations' | 'suggest.start'>;

const SPLIT_NAMES = { val: 'validation videos', test: 'test split', all: 'all labelled videos' } as const;

export function evalServices(ctx: ServiceContext): EvalApi {
  return {
    'models.evaluate': async ({ name, split = 'val' }) => {
      const s = ctx.requireStore();
      const dir = await resolveModelDir(s, name);
      const jobId = ctx.jobs.start(
        'evaluate',
        `Evaluating ${fileBase(dir)} on the ${SPLIT_NAMES[split]}`,
        async (job) => {
          const engine = await ctx.engineFor(s.project.settings.backboneId);
          const report = await evaluateProjectModel(s, dir, engine, {
            split,
            signal: job.signal,
            onExtract: (i, n, p) =>
              job.progress({ done: i, total: n + 1, rate: p.fps, etaSec: p.etaSec, message: `Features ${i + 1}/${n}` }),
          });
          if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
          await saveEvaluation(dir, report);
          job.progress({ done: 1, total: 1 });
          return `top-1 ${(report.top1 * 100).toFixed(0)} % on ${report.videos} video(s)`;
        },
      );
      return { jobId };
    },

    'models.evaluations': async () => {
      const s = ctx.requireStore();
      const out: ModelEvaluation[] = [];
      for (const m of await listProjectModels(s)) {
        const e = await readEvaluation(m.dir);
        if (e) out.push({ ...e, stale: await evaluationStaleness(s, m.dir, e) });
      }
      return out;
    },

    'suggest.start': async ({ modelName, limit = 20 }) => {
      const s = ctx.requireStore();
      const dir = await resolveModelDir(s, modelName);
      const name = fileBase(dir);
      const jobId = ctx.jobs.start('suggest', `Finding what to label next (${name})`, async (job) => {
        const engine = await ctx.engineFor(s.project.settings.backboneId);
        const { suggestions, classNames } = await suggestProjectSegments(s, dir, engine, {
          limit,
          signal: job.signal,
          onExtract: (i, n, p) =>
            job.progress({ done: i, total: n + 1, rate: p.fps, etaSec: p.etaSec, message: `Features ${i + 1}/${n}` }),
        });
        if (job.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
        job.progress({ done: 1, total: 1 });
        ctx.publishResult({
          kind: 'suggest',
          jobId,
          modelName: name,
          suggestions: suggestions.map((x) => ({
            videoId: x.videoId,
            start: x.start,
            end: x.end,
            uncertainty: x.uncertainty,
            top: x.top.map((t) => ({
              classId: t.classId,
              label: classNames.get(t.classId) ?? t.classId,
              probability: t.probability,
            })),
          })),
        });
        return `${suggestions.length} stretch(es) to label next`;
      });
      return { jobId };
    },
  };
}
