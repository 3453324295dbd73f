/** demo.create: the built-in demo project as a job, opened when it is ready. */
import { resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { createDemoProject } from '../demo/index.js';
import { DEFAULT_SETTINGS } from '../store/schema.js';
import { ProjectStore } from '../store/project-store.js';
import type { Api } from './contract.js';
import type { ServiceContext } from './service-context.js';

const STEP_LABEL: Record<string, string> = {
  videos: 'Generating demo clips',
  project: 'Adding videos',
  features: 'Extracting features',
  train: 'Training an LSTM',
  captioner: 'Training a captioner',
};

export function demoServices(ctx: ServiceContext): Pick<Api, 'demo.create'> {
  return {
    'demo.create': async ({ dir, train, captioner }) => {
      if (!dir?.trim()) throw new FramewiseError('BAD_ARGUMENT', 'Choose a folder for the demo project.');
      const root = resolve(dir);
      const jobId = ctx.jobs.start('demo', 'Demo project', async (job) => {
        const engine = await ctx.engineFor(DEFAULT_SETTINGS.backboneId);
        const summary = await createDemoProject(root, {
          engine,
          train: train ?? true,
          captioner: captioner ?? true,
          signal: job.signal,
          onProgress: (p) =>
            job.progress({
              done: p.done,
              total: p.total,
              message: `${STEP_LABEL[p.step] ?? p.step}${p.message ? ` · ${p.message}` : ''}`,
            }),
        });
        ctx.setStore(await ProjectStore.open(root));
        await ctx.publishProject();
        ctx.publishResult({
          kind: 'demo',
          jobId,
          demo: {
            root,
            videos: summary.videos,
            segments: summary.segments,
            classes: summary.classes,
            modelName: summary.model?.name ?? null,
            validationTop1: summary.model?.valTop1 ?? null,
            captionerName: summary.captioner?.name ?? null,
            seconds: summary.seconds.total,
          },
        });
        return `Demo ready: ${summary.videos} videos, ${summary.classes.join(' / ')}${
          summary.model ? ` · model ${summary.model.name}` : ''
        }`;
      });
      return { jobId };
    },
  };
}
