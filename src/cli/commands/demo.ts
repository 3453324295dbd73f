import { relative, resolve, isAbsolute } from 'node:path';
import { FramewiseError } from '../../errors.js';
import { createDemoProject, type DemoStep, type DemoSummary } from '../../demo/index.js';
import { createFeatureEngine } from '../../features/engines/select.js';
import type { CommandContext } from '../command.js';

const STEP_TITLES: Record<DemoStep, string> = {
  videos: 'Generating the demo videos',
  project: 'Creating the project',
  features: 'Extracting features',
  train: 'Training an LSTM',
  captioner: 'Training a captioner',
};

/** A path as the user would type it: relative to the working directory when inside it, quoted if needed. */
function shellPath(p: string): string {
  const rel = relative(process.cwd(), p);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/** What to try next, as commands. */
export function demoNextSteps(s: DemoSummary): string[] {
  const dir = shellPath(s.dir);
  const video = s.unlabelledVideos[0] ? shellPath(s.unlabelledVideos[0]) : `${dir}/videos/<video>`;
  const steps = [`framewise serve --project ${dir}`];
  if (s.model) steps.push(`framewise predict ${dir} ${video}`, `framewise eval ${dir}`);
  else steps.push(`framewise train ${dir} --hidden 64 --epochs 20 --batch 4 --lr 0.003`);
  if (s.captioner) steps.push(`framewise caption ${dir} ${video} --window 3 --format srt`);
  else steps.push(`framewise train-captioner ${dir} --hidden 64 --embed 32 --steps 8 --epochs 40 --batch 4 --lr 0.005`);
  return steps;
}

export const demoCommand = {
  name: 'demo',
  summary: 'Create a demo project (generated videos, labels, captions, features, a trained LSTM)',
  usage: 'framewise demo [folder=framewise-demo] [--no-train] [--captioner] [--seed 1] [--json]',
  options: { 'no-train': { type: 'boolean' }, captioner: { type: 'boolean' }, seed: { type: 'string' } },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    if (positionals.length > 1) return out.usage();
    const dir = resolve(positionals[0] ?? 'framewise-demo');
    const seed = values['seed'] === undefined ? 1 : Number(values['seed']);
    if (!Number.isInteger(seed) || seed < 0)
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `--seed must be a non-negative integer (got ${String(values['seed'])}).`,
      );
    const engine = await createFeatureEngine();
    out.line(`backend: ${engine.backend}`);
    let step: DemoStep | null = null;
    let summary: DemoSummary;
    try {
      summary = await createDemoProject(dir, {
        engine,
        seed,
        train: !values['no-train'],
        captioner: Boolean(values['captioner']),
        signal,
        onProgress: (p) => {
          if (p.step !== step) {
            step = p.step;
            out.line(`${STEP_TITLES[p.step]}…`);
          }
          out.progress(`  ${p.step}`, p.done, p.total, p.message);
        },
      });
    } finally {
      out.endProgress();
      await engine.dispose();
    }
    const s = summary;
    const next = demoNextSteps(s);
    out.line('');
    out.line(`Demo project ready in ${s.dir}`);
    out.line(
      `  ${s.videos} videos (${s.labelledVideos} labelled, ${s.unlabelledVideos.length} left for you to predict on), ` +
        `classes ${s.classes.join(', ')}, ${s.segments} labelled segments with captions`,
    );
    out.line(`  features: ${s.featureFrames} frames (${s.featureBackend})`);
    if (s.model)
      out.line(
        `  model "${s.model.name}": ${s.model.epochs} epochs, ` +
          (s.model.valTop1 !== null
            ? `validation accuracy ${(s.model.valTop1 * 100).toFixed(0)}% on ${s.model.valVideos} held-out video(s)`
            : 'no validation videos'),
      );
    if (s.captioner)
      out.line(
        `  captioner "${s.captioner.name}": ${s.captioner.epochs} epochs` +
          (s.captioner.valBleu4 !== null ? `, validation BLEU-4 ${s.captioner.valBleu4.toFixed(2)}` : ''),
      );
    out.line(`  done in ${s.seconds.total.toFixed(1)} s`);
    out.line('');
    out.line('Next:');
    out.line(`  ${next[0]}   # the app in a browser; or npm start and open the folder ${shellPath(s.dir)}`);
    for (const n of next.slice(1)) out.line(`  ${n}`);
    if (out.json) out.print({ ...s, next });
    return 0;
  },
};
