import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { FramewiseError } from '../../errors.js';
import { localizeOptionsFrom, predictVideo, savePredictions, videoFeatures } from '../../project/predict.js';
import { toPredictionsCsv, predictionsJsonText } from '../../export/predictions.js';
import type { CommandContext } from '../command.js';
import { withProject, projectModel } from '../project-context.js';

export const predictCommand = {
  name: 'predict',
  summary: 'Classify and localize actions in videos with a trained model',
  usage:
    'framewise predict <project> <video>... [--model NAME] [--threshold 0.5] [--smoothing SEC] [--min-duration SEC]\n' +
    '                  [--csv out.csv] [--save] [--json]',
  options: {
    model: { type: 'string' },
    threshold: { type: 'string' },
    smoothing: { type: 'string' },
    'min-duration': { type: 'string' },
    csv: { type: 'string' },
    save: { type: 'boolean' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const [dir, ...videos] = positionals;
    if (!dir || videos.length === 0) return out.usage();
    const threshold = values['threshold'] === undefined ? undefined : Number(values['threshold']);
    if (threshold !== undefined && !(threshold > 0 && threshold < 1))
      throw new FramewiseError('BAD_ARGUMENT', '--threshold must be between 0 and 1.');
    const seconds = (name: string): number | undefined => {
      if (values[name] === undefined) return undefined;
      const n = Number(values[name]);
      if (!(Number.isFinite(n) && n >= 0))
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `--${name} must be a number of seconds ≥ 0 (got ${String(values[name])}).`,
        );
      return n;
    };
    const smoothingSec = seconds('smoothing');
    const minDurationSec = seconds('min-duration');
    return withProject(dir, async (store, engine) => {
      const model = await projectModel(store, engine, values['model']);
      const localization = localizeOptionsFrom({ threshold, smoothingSec, minDurationSec }, model.meta.fps);
      const results: Awaited<ReturnType<typeof predictVideo>>[] = [];
      for (const v of videos) {
        const feats = await videoFeatures(resolve(v), store, engine, { signal, fps: model.meta.fps });
        const p = await predictVideo(model, feats, v, { signal, ...localization });
        results.push(p);
        out.line(
          `${v}: ${p.top
            .slice(0, 3)
            .map((c) => `${c.name} ${(c.probability * 100).toFixed(1)}%`)
            .join(', ')}`,
        );
        for (const s of p.segments)
          out.line(`  ${s.start.toFixed(2)}–${s.end.toFixed(2)} s  ${s.label}  (${s.score.toFixed(2)})`);
      }
      if (typeof values['csv'] === 'string') {
        const rows = results.flatMap((r) =>
          r.segments.map((s) => ({ video: r.video, start: s.start, end: s.end, label: s.label, score: s.score })),
        );
        await writeFile(values['csv'], toPredictionsCsv(rows));
        out.line(`predictions written to ${values['csv']}`);
      }
      if (values['save']) {
        const saved = await savePredictions(
          store,
          videos.map((v, i) => ({ file: resolve(v), segments: results[i]!.segments })),
        );
        out.line(`${saved} predicted segment(s) saved in the project as pre-labels (source "prediction")`);
      }
      if (out.json) {
        process.stdout.write(
          predictionsJsonText(
            results.map((r) => ({
              video: r.video,
              durationSec: r.durationSec,
              segments: r.segments.map((s) => ({ start: s.start, end: s.end, label: s.label, score: s.score })),
              curves: r.curves,
            })),
          ),
        );
      }
      return 0;
    });
  },
};
